from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users import apps as wagtail_users_apps


class HomeConfig(AppConfig):
    default = True
    name = "home"
    verbose_name = _("Network home")


class SiteUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user admin with the academy profile's fields and the site's e-mail rules
    (one account per mailbox, a new address confirmed before it replaces the old one)."""

    default = False
    user_viewset = "home.viewsets.UserViewSet"
