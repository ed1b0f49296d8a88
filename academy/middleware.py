from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.translation import get_language

# URL spaces outside i18n_patterns: their 404s stay 404s.
UNPREFIXED = ("/admin/", "/documents/", "/i18n/", "/static/", "/media/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, without its 404 redirect to a language prefix where
    none applies: Wagtail's catch-all pattern would otherwise turn every 404 of the
    admin into a redirect to ``/en/admin/...``."""

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED):
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)
