from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users import apps as wagtail_users_apps


class AcademyConfig(AppConfig):
    default = True
    # Whatever DEFAULT_AUTO_FIELD the site has: the migrations shipped with the plugin say so.
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = _("Academies")

    def ready(self):
        from . import admin_overrides, checks, receivers  # noqa: F401 (checks, signal receivers)
        from .personal_data import discover

        # Every app's declaration of what it holds about a person (<app>/privacy.py).
        discover()


class AcademyUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user admin, of any user model, with the academy profile's fields."""

    default = False
    user_viewset = "academy.viewsets.UserViewSet"
