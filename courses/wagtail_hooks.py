from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.admin_access import MenuEntry, register_menu_items, report_paths, require_staff
from courses.viewsets import CitySessionPermissionPolicy, SessionViewSet

from .assessment_admin import (
    AssessmentResultsView,
    AssessmentsView,
    GradeAttemptView,
    GradingQueueView,
    ItemAnalysisView,
)
from .force_admin import (
    ForceRecordsReportView,
    ForceRequestsView,
    TrainingManagerMenuItem,
    training_managers_only,
)
from .models import ContentPackage, CoursePage, Session, Theme
from .package_admin import ContentPackageViewSet, package_policy
from .session_admin import (
    CancelSessionView,
    PeerReviewReportView,
    SessionAttendanceView,
    SessionEnrolmentsView,
)
from .views import NetworkCoursesView


class ThemeViewSet(SnippetViewSet):
    """The managed list of themes; network admins keep it (model permissions)."""

    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    add_to_settings_menu = True
    list_display = ["name"]
    search_fields = ["name"]


register_snippet(ThemeViewSet)
register_permission_policy(ContentPackage, package_policy())
register_snippet(ContentPackageViewSet)
register_permission_policy(Session, CitySessionPermissionPolicy(Session))


@hooks.register("register_admin_urls")
def register_session_urls():
    return [
        path(
            "sessions/<int:pk>/enrolments/",
            SessionEnrolmentsView.as_view(),
            name="academy_session_enrolments",
        ),
        path(
            "sessions/<int:pk>/attendance/",
            SessionAttendanceView.as_view(),
            name="academy_session_attendance",
        ),
        path(
            "sessions/<int:pk>/cancel/", CancelSessionView.as_view(), name="academy_session_cancel"
        ),
        path(
            "sessions/<int:pk>/review-report/",
            PeerReviewReportView.as_view(),
            name="academy_session_review_report",
        ),
    ]


@hooks.register("academy_page_context")
def courses_and_sessions_of_the_academy(academy, request):
    """What an academy's page shows of courses: its courses in the visitor's language and
    its coming sessions (lazy querysets, one query each when the page lists them)."""
    return {
        "courses": CoursePage.objects.for_catalogue().of_academy(academy).in_visitors_language(),
        "sessions": Session.objects.for_listing().filter(
            academy__translation_key=academy.translation_key
        ),
    }


@hooks.register("register_admin_urls")
def register_network_courses_url():
    return [path("network-courses/", NetworkCoursesView.as_view(), name="courses_network")]


@hooks.register("register_admin_urls")
def register_assessment_urls():
    return [
        path("assessments/", require_staff(AssessmentsView.as_view()), name="courses_assessments"),
        *report_paths(
            "assessments/<int:pk>/results/",
            AssessmentResultsView,
            "courses_assessment_results",
            require_staff,
        ),
        *report_paths(
            "assessments/<int:pk>/items/",
            ItemAnalysisView,
            "courses_assessment_items",
            require_staff,
        ),
        path("grading/", require_staff(GradingQueueView.as_view()), name="courses_grading_queue"),
        path(
            "grading/<int:pk>/",
            require_staff(GradeAttemptView.as_view()),
            name="courses_grade_attempt",
        ),
    ]


register_menu_items(
    "register_reports_menu_item",
    MenuEntry(_("Assessments"), "courses_assessments", "tasks", 700, "report"),
)


register_menu_items(
    "register_admin_menu_item",
    MenuEntry(_("Grading queue"), "courses_grading_queue", "edit", 255, "report"),
    MenuEntry(_("Network courses"), "courses_network", "copy", 250, "copy_course"),
)


@hooks.register("register_admin_viewset")
def register_session_viewset():
    return SessionViewSet("sessions")


@hooks.register("register_admin_urls")
def register_training_manager_urls():
    return [
        path(
            "force-requests/",
            training_managers_only(ForceRequestsView.as_view()),
            name="courses_force_requests",
        ),
        *report_paths(
            "reports/force-officers/",
            ForceRecordsReportView,
            "courses_force_records",
            training_managers_only,
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_force_requests_menu_item():
    return TrainingManagerMenuItem(
        _("Requests for my force"),
        reverse("courses_force_requests"),
        icon_name="user",
        order=256,
    )


@hooks.register("register_reports_menu_item")
def register_force_records_menu_item():
    return TrainingManagerMenuItem(
        _("My force's officers"),
        reverse("courses_force_records"),
        icon_name="user",
        order=710,
    )
