"""The city policy at the doors of the admin: the guard of a view and its menu item ask the
same question of ``academy.policy``, so that a menu shows just what its view lets in."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail.admin.menu import MenuItem

from . import policy


def only_for(action, trainer_actions=policy.TRAINER_ACTIONS):
    """Decorator of admin views: 403 for whoever may do ``action`` in no city. The views
    still keep what they show to the user's own cities (``policy.scope``)."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not policy.may(request.user, action, trainer_actions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


# Trainers and coordinators: reports, grading, attendance of their cities.
require_staff = only_for("report")
# Coordinators: decisions, certificates, imports for their cities.
require_coordinator = only_for("manage")
network_admins_only = only_for("network_report")


class PolicyMenuItem(MenuItem):
    """An admin menu item shown to whoever may do ``action`` in some city."""

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def is_shown(self, request):
        return policy.may(request.user, self.action)


def report_paths(route, view_class, name, guard):
    """The two URLs of a Wagtail report view: its page, and its results alone (what the
    filters load without reloading the page), both behind ``guard``."""
    return [
        path(route, guard(view_class.as_view()), name=name),
        path(
            f"{route}results/",
            guard(view_class.as_view(results_only=True)),
            name=f"{name}_results",
        ),
    ]
