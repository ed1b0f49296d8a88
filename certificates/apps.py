from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificate templates, issued certificates, PDF rendering and verification."""

    # Whatever DEFAULT_AUTO_FIELD the site has: the migrations shipped with the plugin say so.
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = _("Certificates")
    # Its public pages are mounted by the site's include("academy.urls").
    academy_public_urls = True

    def ready(self):
        from academy.printing import printable_by

        from . import checks, receivers  # noqa: F401
        from .rendering import unprintable_characters

        printable_by(unprintable_characters)
