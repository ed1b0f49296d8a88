from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Courses, modules and assessments, module progress and attempts ."""

    # Whatever DEFAULT_AUTO_FIELD the site has: the migrations shipped with the plugin say so.
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")
    # Its public pages are mounted by the site's include("academy.urls").
    academy_public_urls = True
