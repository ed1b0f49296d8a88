from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificate templates, issued certificates, PDF rendering and verification."""

    name = "certificates"
    verbose_name = _("Certificates")
    # Its public pages are mounted by the site's include("academy.urls").
    academy_public_urls = True

    def ready(self):
        from . import receivers  # noqa: F401
