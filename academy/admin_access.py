"""Who may open which admin page: one test per role, used both by the guards of the
views and by their menu items, so that a menu shows just what its view lets in."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail.admin.menu import MenuItem

from .models import AcademyPage


def is_network_admin(user):
    return user.is_superuser


def is_staff_somewhere(user):
    """A network admin, or a coordinator or trainer of some academy."""
    return user.is_superuser or AcademyPage.objects.staffed_by(user).exists()


def is_coordinator_somewhere(user):
    """A network admin, or a coordinator of some academy."""
    return user.is_superuser or AcademyPage.objects.coordinated_by(user).exists()


def only_for(role):
    """Decorator of admin views: 403 for whoever does not pass ``role``. The views still
    limit what they show to the user's own city."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not role(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


require_staff = only_for(is_staff_somewhere)
require_coordinator = only_for(is_coordinator_somewhere)
network_admins_only = only_for(is_network_admin)


class RoleMenuItem(MenuItem):
    """An admin menu item shown to whoever passes ``role``."""

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role

    def is_shown(self, request):
        return self.role(request.user)


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
