"""Wagtail's own admin reports, mounted by the site at their usual addresses (before the
admin's URLs) with the exports every report of the project has.

Their CSV and XLSX exports carry what people typed (page titles, officers' names in the
site history), so they must write it as text like the project's reports do: otherwise a
page titled ``=HYPERLINK(...)`` runs as a formula in the spreadsheet of whoever exports
the locked or aging pages. The site history is also kept to each city's records.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

from .exports import FormulaSafeExportMixin
from .site_history import CitySiteHistoryView

# Wagtail's routes under admin/reports/, each with the view that answers it.
REPORTS = {
    "locked/": LockedPagesView,
    "workflow/": WorkflowView,
    "workflow_tasks/": WorkflowTasksView,
    "site-history/": CitySiteHistoryView,
    "aging-pages/": AgingPagesView,
    "page-types-usage/": PageTypesUsageReportView,
}


def with_safe_exports(view_class):
    """``view_class`` whose exports write every heading and cell as text."""
    return type(view_class.__name__, (FormulaSafeExportMixin, view_class), {})


def guarded(view):
    """Guarded as Wagtail guards its own admin views."""
    return never_cache(require_admin_access(view))


urlpatterns = []
for route, report in REPORTS.items():
    report = with_safe_exports(report)
    urlpatterns += [
        path(route, guarded(report.as_view())),
        path(f"{route}results/", guarded(report.as_view(results_only=True))),
    ]
