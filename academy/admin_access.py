"""The city policy at the doors of the admin: the guard of a view and its menu item ask the
same question of ``academy.policy``, so that a menu shows just what its view lets in."""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from wagtail import hooks
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


class RecordsWhoLooked:
    """For admin views that show officers' personal data: each time one is shown (or
    exported), record who looked at whose data, what and why (``academy.models.DataAccess``;
    a network admin reads it per officer, the officer on My data).

    A view names what it shows (``data_access_what``), whose data (``officers_seen``, from
    its context) and in which academy (``academy_seen``)."""

    data_access_what = ""

    def officers_seen(self, context):
        return ()

    def academy_seen(self):
        session = getattr(self, "session", None)
        return getattr(session, "academy_id", None)

    def render_to_response(self, context, **kwargs):
        from .data_requests import record_access
        from .models import DataAccess

        response = super().render_to_response(context, **kwargs)
        exported = bool(getattr(self, "is_export", False))
        record_access(
            self.request.user,
            self.officers_seen(context),
            what=str(self.data_access_what),
            purpose=DataAccess.Purpose.EXPORT if exported else DataAccess.Purpose.VIEW,
            academy=self.academy_seen(),
        )
        return response


@dataclass(frozen=True)
class MenuEntry:
    """An admin menu item as an app declares it: shown to whoever may do ``action``."""

    label: str
    url_name: str
    icon_name: str
    order: int
    action: str

    def menu_item(self):
        return PolicyMenuItem(
            self.label,
            reverse(self.url_name),
            icon_name=self.icon_name,
            order=self.order,
            action=self.action,
        )


def register_menu_items(hook_name, *entries):
    """Register each entry in the Wagtail menu hook ``hook_name`` (its URL is reversed when
    the menu is built, as a hook function would)."""
    for entry in entries:
        hooks.register(hook_name, entry.menu_item)
