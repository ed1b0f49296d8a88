from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy.models import AcademyPage

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


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return AcademyPage.objects.coordinated_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_network_courses_menu_item():
    return CoordinatorMenuItem(
        _("Network courses"), reverse("courses_network"), icon_name="copy", order=250
    )
