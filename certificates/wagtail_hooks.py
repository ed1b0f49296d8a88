from collections import Counter

from django.db.models import Count, Max, Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from academy import policy
from academy.admin_access import (
    MenuEntry,
    network_admins_only,
    register_menu_items,
    report_paths,
    require_coordinator,
    require_staff,
)
from certificates.reports import (
    ExpiringCertificatesView,
    NetworkReportView,
    SessionProgressView,
    SessionsReportView,
)
from certificates.services import awaiting_certificate
from courses.models import AssessmentAttempt, Enrolment, ModuleProgress, Session
from courses.queries import required_modules, staff_assessments

from .admin_views import (
    CertificatePDFView,
    ReissueCertificateView,
    RevokeCertificateView,
    SessionCertificatesView,
    SessionCertificatesZipView,
    SignatureView,
)
from .models import Certificate, CertificateTemplate, SerialNumber
from .viewsets import (
    CertificateTemplateViewSet,
    CertificateViewSet,
    SerialNumberViewSet,
    certificate_policy,
    serial_number_policy,
    template_policy,
)

register_permission_policy(Certificate, certificate_policy())
register_permission_policy(CertificateTemplate, template_policy())
register_permission_policy(SerialNumber, serial_number_policy())
register_snippet(CertificateTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("certificates")


@hooks.register("register_admin_viewset")
def register_serial_number_viewset():
    return SerialNumberViewSet("serial_numbers")


@hooks.register("register_admin_urls")
def register_certificate_urls():
    views = [
        ("issued/<int:pk>/pdf/", CertificatePDFView, "certificates_admin_pdf"),
        ("signatories/<int:pk>/signature/", SignatureView, "certificates_admin_signature"),
        ("issued/<int:pk>/revoke/", RevokeCertificateView, "certificates_admin_revoke"),
        ("issued/<int:pk>/reissue/", ReissueCertificateView, "certificates_admin_reissue"),
        ("sessions/<int:pk>/certificates/", SessionCertificatesView, "certificates_admin_session"),
        (
            "sessions/<int:pk>/certificates.zip",
            SessionCertificatesZipView,
            "certificates_admin_session_zip",
        ),
    ]
    return [
        path(f"certificates/{route}", require_coordinator(view.as_view()), name=name)
        for route, view, name in views
    ]


@hooks.register("register_session_admin_links")
def session_certificates_link(user, session):
    if policy.may_act_on(user, "issue", session):
        return [(_("Certificates"), "certificates_admin_session", "doc-full-inverse", 45)]
    return []


DASHBOARD_SESSIONS = 8


def with_progress(sessions):
    """Set ``progress`` on each course session: the share of its officers' required modules
    done (in %). Two queries for any number of sessions."""
    learning = Enrolment.objects.filter(session__in=sessions).active()
    officers = Counter(learning.values_list("session", flat=True))
    done = Counter(
        ModuleProgress.objects.filter(enrolment__in=learning)
        .required_done()
        .values_list("enrolment__session", flat=True)
    )
    required = required_modules([s.course for s in sessions if s.course_id])
    for session in sessions:
        total = officers[session.pk] * required.get(session.course_id, 0)
        session.progress = round(100 * done[session.pk] / total) if total else None


class DashboardPanel(Component):
    """What staff have to do: requests to decide, answers to grade, certificates to issue,
    and the coming sessions with how full they are."""

    name = "academy_dashboard"
    order = 40
    template_name = "certificates/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        user = self.user
        sessions = list(
            policy.scope(Session.objects.all(), user, "view")
            .filter(ends_on__gte=timezone.localdate(), cancelled_at__isnull=True)
            .with_places_taken()
            .annotate(
                waiting=Count("enrolments", filter=Q(enrolments__state__in=Enrolment.AWAITING_HOST))
            )
            .select_related("academy", "course")
            .order_by("starts_on")[:DASHBOARD_SESSIONS]
        )
        with_progress(sessions)
        requested = policy.scope(Enrolment.objects.all(), user, "decide")
        # One query however many sessions: how many officers, in how many sessions, and
        # which session when there is only one (its certificates page is then one click away).
        to_certify = awaiting_certificate(requested).aggregate(
            officers=Count("pk"),
            sessions=Count("session", distinct=True),
            session=Max("session"),
        )
        return {
            "coordinator": policy.may(user, "decide"),
            "sessions": sessions,
            "waiting": requested.requested().count(),
            "to_certify": to_certify["officers"],
            "to_certify_session": to_certify["session"] if to_certify["sessions"] == 1 else None,
            "to_grade": AssessmentAttempt.objects.submitted()
            .filter(assessment__in=staff_assessments(user))
            .count(),
        }


@hooks.register("construct_homepage_panels")
def add_dashboard_panel(request, panels):
    user = request.user
    if policy.may(user, "report"):
        panels.append(DashboardPanel(user))


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        *report_paths(
            "sessions/<int:pk>/progress/",
            SessionProgressView,
            "home_session_progress",
            require_staff,
        ),
        *report_paths(
            "reports/sessions/", SessionsReportView, "home_sessions_report", require_staff
        ),
        *report_paths(
            "reports/network/", NetworkReportView, "home_network_report", network_admins_only
        ),
        *report_paths(
            "reports/certificates-expiring/",
            ExpiringCertificatesView,
            "certificates_expiring_report",
            require_staff,
        ),
    ]


register_menu_items(
    "register_reports_menu_item",
    MenuEntry(_("Sessions"), "home_sessions_report", "date", 705, "report"),
    MenuEntry(_("Certificates expiring"), "certificates_expiring_report", "time", 707, "manage"),
    MenuEntry(_("Network"), "home_network_report", "globe", 710, "network_report"),
)


@hooks.register("register_session_admin_links")
def session_progress_link(user, session):
    return [(_("Progress"), "home_session_progress", "table", 35)]
