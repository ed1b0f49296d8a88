from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.admin_access import (
    RoleMenuItem,
    is_staff_somewhere,
    report_paths,
    require_staff,
)
from academy.models import AcademyPage
from courses.viewsets import CitySessionPermissionPolicy, SessionViewSet

from .assessment_admin import (
    AssessmentResultsView,
    AssessmentsView,
    GradeAttemptView,
    GradingQueueView,
    ItemAnalysisView,
)
from .models import Session, Theme
from .session_admin import CancelSessionView, SessionAttendanceView, SessionEnrolmentsView
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
    ]


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


@hooks.register("register_reports_menu_item")
def register_assessments_report_menu_item():
    return RoleMenuItem(
        _("Assessments"),
        reverse("courses_assessments"),
        icon_name="tasks",
        order=700,
        role=is_staff_somewhere,
    )


@hooks.register("register_admin_menu_item")
def register_grading_queue_menu_item():
    return RoleMenuItem(
        _("Grading queue"),
        reverse("courses_grading_queue"),
        icon_name="edit",
        order=255,
        role=is_staff_somewhere,
    )


def coordinates_an_academy(user):
    return AcademyPage.objects.coordinated_by(user).exists()


@hooks.register("register_admin_menu_item")
def register_network_courses_menu_item():
    return RoleMenuItem(
        _("Network courses"),
        reverse("courses_network"),
        icon_name="copy",
        order=250,
        role=coordinates_an_academy,
    )


@hooks.register("register_admin_viewset")
def register_session_viewset():
    return SessionViewSet("sessions")
