"""The academy's public URLs, which a site mounts with one ``include("academy.urls")``
(inside ``i18n_patterns`` on a multilingual site, at the top level on a single-language one).

The core's own pages (the officer's academy profile) come first. Each app of the plugin
that has public pages says so in its AppConfig (``academy_public_urls = True``) and lists
them in its own ``urls`` module; they are gathered here from the installed apps, so the
core names no app above it.
"""

from django.apps import apps
from django.urls import include, path

from . import glossary_views, my_data_views, profile_views

urlpatterns = [
    path("accounts/profile/", profile_views.profile, name="academy_profile"),
    path("accounts/my-data/", my_data_views.my_data, name="academy_my_data"),
    path("accounts/my-data/data.json", my_data_views.my_data_json, name="academy_my_data_json"),
    path("accounts/my-data/erase/", my_data_views.ask_for_erasure, name="academy_erasure_request"),
    path("glossary/", glossary_views.glossary, name="academy_glossary"),
    *(
        path("", include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if getattr(config, "academy_public_urls", False)
    ),
]
