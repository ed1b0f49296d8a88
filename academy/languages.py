"""The languages a site offers, as choices of the plugin's fields.

Callables, so that the plugin's migrations name them instead of copying one site's list:
a site with other languages then needs no migration of its own in the plugin's apps.
"""

from django.conf import settings
from wagtail.coreutils import get_content_languages


def interface_languages():
    """The site's LANGUAGES (Django's default list on a site that sets none)."""
    return list(settings.LANGUAGES)


def content_languages():
    """The languages pages are written in: WAGTAIL_CONTENT_LANGUAGES, otherwise LANGUAGES."""
    return list(get_content_languages().items())
