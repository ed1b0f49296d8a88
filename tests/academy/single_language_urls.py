"""A site's URLs as `wagtail start` makes them, with the academy's one include() and no
i18n_patterns (tests/academy/test_any_site.py)."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("", include("academy.urls")),
    path("", include(wagtail_urls)),
]
