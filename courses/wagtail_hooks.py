from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.models import AcademyPage

from .assessment_admin import (
    AssessmentResultsView,
    AssessmentsView,
    GradeAttemptView,
    GradingQueueView,
    ItemAnalysisView,
    require_staff,
)
from .models import Theme
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


@hooks.register("register_admin_urls")
def register_network_courses_url():
    return [path("network-courses/", NetworkCoursesView.as_view(), name="courses_network")]


@hooks.register("register_admin_urls")
def register_assessment_urls():
    results = require_staff(AssessmentResultsView.as_view())
    results_only = require_staff(AssessmentResultsView.as_view(results_only=True))
    items = require_staff(ItemAnalysisView.as_view())
    items_only = require_staff(ItemAnalysisView.as_view(results_only=True))
    return [
        path("assessments/", require_staff(AssessmentsView.as_view()), name="courses_assessments"),
        path("assessments/<int:pk>/results/", results, name="courses_assessment_results"),
        path(
            "assessments/<int:pk>/results/results/",
            results_only,
            name="courses_assessment_results_results",
        ),
        path("assessments/<int:pk>/items/", items, name="courses_assessment_items"),
        path(
            "assessments/<int:pk>/items/results/",
            items_only,
            name="courses_assessment_items_results",
        ),
        path("grading/", require_staff(GradingQueueView.as_view()), name="courses_grading_queue"),
        path(
            "grading/<int:pk>/",
            require_staff(GradeAttemptView.as_view()),
            name="courses_grade_attempt",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or AcademyPage.objects.staffed_by(request.user).exists()


@hooks.register("register_reports_menu_item")
def register_assessments_report_menu_item():
    return StaffMenuItem(
        _("Assessments"), reverse("courses_assessments"), icon_name="tasks", order=700
    )


@hooks.register("register_admin_menu_item")
def register_grading_queue_menu_item():
    return StaffMenuItem(
        _("Grading queue"), reverse("courses_grading_queue"), icon_name="edit", order=255
    )


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return AcademyPage.objects.coordinated_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_network_courses_menu_item():
    return CoordinatorMenuItem(
        _("Network courses"), reverse("courses_network"), icon_name="copy", order=250
    )
