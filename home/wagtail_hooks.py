"""Admin reports and the admin home dashboard, across sessions, learning and certificates."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from academy.models import AcademyPage, Enrolment, Session
from certificates.models import Certificate
from courses.assessment_admin import require_staff, staff_assessments
from courses.models import AssessmentAttempt

from .reports import NetworkReportView, SessionProgressView, SessionsReportView

DASHBOARD_SESSIONS = 8


def network_admins_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "sessions/<int:pk>/progress/",
            require_staff(SessionProgressView.as_view()),
            name="home_session_progress",
        ),
        path(
            "sessions/<int:pk>/progress/results/",
            require_staff(SessionProgressView.as_view(results_only=True)),
            name="home_session_progress_results",
        ),
        path(
            "reports/sessions/",
            require_staff(SessionsReportView.as_view()),
            name="home_sessions_report",
        ),
        path(
            "reports/sessions/results/",
            require_staff(SessionsReportView.as_view(results_only=True)),
            name="home_sessions_report_results",
        ),
        path(
            "reports/network/",
            network_admins_only(NetworkReportView.as_view()),
            name="home_network_report",
        ),
        path(
            "reports/network/results/",
            network_admins_only(NetworkReportView.as_view(results_only=True)),
            name="home_network_report_results",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or AcademyPage.objects.staffed_by(user).exists()


@hooks.register("register_reports_menu_item")
def register_sessions_report_menu_item():
    return StaffMenuItem(
        _("Sessions"), reverse("home_sessions_report"), icon_name="date", order=705
    )


class NetworkAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_reports_menu_item")
def register_network_report_menu_item():
    return NetworkAdminMenuItem(
        _("Network"), reverse("home_network_report"), icon_name="globe", order=710
    )


@hooks.register("register_session_admin_links")
def session_progress_link(user, session):
    return [(_("Progress"), "home_session_progress", "table", 35)]


class DashboardPanel(Component):
    """What staff have to do: requests to decide, answers to grade, certificates to issue,
    and the coming sessions with how full they are."""

    name = "academy_dashboard"
    order = 40
    template_name = "home/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        user = self.user
        coordinated = AcademyPage.objects.coordinated_by(user)
        sessions = (
            Session.objects.for_staff(user)
            .filter(ends_on__gte=timezone.localdate(), cancelled_at__isnull=True)
            .with_places_taken()
            .annotate(waiting=Count("enrolments", filter=Q(enrolments__state="requested")))
            .select_related("academy")
            .order_by("starts_on")[:DASHBOARD_SESSIONS]
        )
        if user.is_superuser:
            requested = Enrolment.objects.all()
        else:
            requested = Enrolment.objects.filter(session__academy__in=coordinated)
        return {
            "coordinator": user.is_superuser or coordinated.exists(),
            "sessions": sessions,
            "waiting": requested.filter(state=Enrolment.State.REQUESTED).count(),
            "to_certify": requested.filter(state=Enrolment.State.COMPLETED)
            .exclude(certificates__in=Certificate.objects.valid())
            .count(),
            "to_grade": AssessmentAttempt.objects.filter(
                assessment__in=staff_assessments(user), state=AssessmentAttempt.State.SUBMITTED
            ).count(),
        }


@hooks.register("construct_homepage_panels")
def add_dashboard_panel(request, panels):
    user = request.user
    if user.is_superuser or AcademyPage.objects.staffed_by(user).exists():
        panels.append(DashboardPanel(user))
