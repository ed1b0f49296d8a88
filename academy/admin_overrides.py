"""Wagtail admin views that the academy answers in Wagtail's place, named by URL name.

A site mounts Wagtail's admin with its usual ``path("admin/", include(wagtailadmin_urls))``
and nothing of ours before it; ``register_admin_urls`` hooks only add URLs after Wagtail's
own, and Wagtail has no hook for these views. So the plugin's middleware answers for them
(the site adds it to ``MIDDLEWARE``, and a system check says so when it is missing):

- signing out of the admin takes a POST (Wagtail's view drops the session cookie even on
  the 405 it answers to a GET, so any page an editor visits could sign them out);
- Wagtail's own reports export every cell as text (a page titled ``=HYPERLINK(...)`` does
  not run as a formula), and the site history keeps each city's records to that city;
- browsing the page chooser under another city's draft is not found, nor is exploring
  under it or confirming a move into it (those views show the page's draft title).

Everything else (the chooser's listings and search, the admin API, the viewsets) is
scoped through Wagtail's hooks and permission policies, not here.
"""

from functools import cache

from django.conf import settings
from django.core import checks
from django.http import Http404
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access

MIDDLEWARE = "academy.admin_overrides.AdminOverridesMiddleware"


def with_safe_exports(view_class):
    """``view_class`` whose exports write every heading and cell as text."""
    from .exports import FormulaSafeExportMixin

    return type(view_class.__name__, (FormulaSafeExportMixin, view_class), {})


def guarded(view):
    """Guarded as Wagtail guards its own admin views."""
    return never_cache(require_admin_access(view))


@cache
def overrides():
    """URL name of a Wagtail admin view -> the view that answers in its place."""
    from wagtail.admin.views.reports.aging_pages import AgingPagesView
    from wagtail.admin.views.reports.locked_pages import LockedPagesView
    from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
    from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

    from .page_chooser import CityBrowseView
    from .site_history import CitySiteHistoryView
    from .views import AdminLogoutView

    views = {
        "wagtailadmin_logout": AdminLogoutView.as_view(),
        "wagtailadmin_choose_page_child": guarded(CityBrowseView.as_view()),
    }
    reports = {
        "locked_pages": LockedPagesView,
        "workflow": WorkflowView,
        "workflow_tasks": WorkflowTasksView,
        "site_history": CitySiteHistoryView,
        "aging_pages": AgingPagesView,
        "page_types_usage": PageTypesUsageReportView,
    }
    for name, report in reports.items():
        report = with_safe_exports(report)
        views[f"wagtailadmin_reports:{name}"] = guarded(report.as_view())
        views[f"wagtailadmin_reports:{name}_results"] = guarded(report.as_view(results_only=True))
    return views


# Wagtail admin views that show the page named by a URL argument (its title as drafted),
# whatever the user's rights on it: that page must be one the user may choose.
PAGE_ARGUMENTS = {
    "wagtailadmin_explore": "parent_page_id",
    "wagtailadmin_explore_results": "parent_page_id",
    "wagtailadmin_pages:move_confirm": "destination_id",
}


def shows_a_page_not_choosable(request, view_name, view_kwargs):
    from .page_chooser import choosable_pages

    argument = PAGE_ARGUMENTS.get(view_name)
    if argument is None or argument not in view_kwargs or request.user.is_superuser:
        return False
    return not choosable_pages(request.user).filter(pk=view_kwargs[argument]).exists()


class AdminOverridesMiddleware:
    """Answers the Wagtail admin views of ``overrides()`` with the academy's own, and
    refuses those of ``PAGE_ARGUMENTS`` under another city's draft."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        if shows_a_page_not_choosable(request, match.view_name, view_kwargs):
            raise Http404
        view = overrides().get(match.view_name)
        if view is None:
            return None
        return view(request, *view_args, **view_kwargs)


@checks.register(checks.Tags.security)
def check_admin_overrides_middleware(app_configs, **kwargs):
    if MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        checks.Error(
            "The academy's admin middleware is not installed.",
            hint=(
                f'Add "{MIDDLEWARE}" to MIDDLEWARE, after AuthenticationMiddleware: it '
                "makes signing out of the admin take a POST, Wagtail's report exports "
                "safe to open and the site history and page chooser keep to each city."
            ),
            id="academy.E101",
        )
    ]
