"""The academy's public URLs, which a site mounts with one ``include("academy.urls")``
(inside ``i18n_patterns`` on a multilingual site, at the top level on a single-language one).

The core's own pages (the officer's academy profile) come first. Each app of the plugin
that has public pages says so in its AppConfig (``academy_public_urls = True``) and lists
them in its own ``urls`` module; they are gathered here from the installed apps, so the
core names no app above it.
"""

from django.apps import apps
from django.urls import include, path

from . import glossary_views, profile_views

urlpatterns = [
    path("accounts/profile/", profile_views.profile, name="academy_profile"),
    path("glossary/", glossary_views.glossary, name="academy_glossary"),
    *(
        path("", include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if getattr(config, "academy_public_urls", False)
    ),
]
