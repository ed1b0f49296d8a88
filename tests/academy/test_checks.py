"""What `manage.py check` tells a site that installs the academy without a setting it needs."""

import pytest
from django.conf import settings
from django.core import checks

from academy import checks as academy_checks

ALL_CHECKS = [
    academy_checks.check_installed_apps,
    academy_checks.check_middleware,
    academy_checks.check_tasks_backend,
    academy_checks.check_base_url,
    academy_checks.check_private_storage,
]


def found(check):
    return [(message.id, message.msg, message.hint) for message in check(None)]


def ids(check):
    return [message.id for message in check(None)]


def test_the_network_site_passes_every_check_of_the_academy():
    assert [message for check in ALL_CHECKS for message in check(None)] == []


def test_the_checks_run_with_manage_py_check():
    registered = checks.run_checks(include_deployment_checks=False)
    assert not [message for message in registered if message.id.startswith("academy.")]
    assert academy_checks.check_installed_apps in checks.registry.registry.get_checks()


# Changing INSTALLED_APPS itself would reload the app registry under the running tests:
# these run the same function as the check on another list of apps.


def installed_apps_found(installed_apps):
    return [
        (message.id, message.msg, message.hint)
        for message in academy_checks.installed_apps_messages(installed_apps)
    ]


def test_a_site_without_taggit_and_modelcluster_is_told_to_add_them():
    without = [app for app in settings.INSTALLED_APPS if app not in {"taggit", "modelcluster"}]

    [(check_id, message, hint)] = installed_apps_found(without)

    assert check_id == "academy.E001"
    assert "modelcluster, taggit" in message
    assert "INSTALLED_APPS" in hint


def test_certificates_without_courses_is_told_to_add_courses():
    without = [app for app in settings.INSTALLED_APPS if app != "courses"]

    messages = installed_apps_found(without)

    assert [(check_id, message) for check_id, message, _hint in messages] == [
        ("academy.E002", 'The app "certificates" needs "courses", which INSTALLED_APPS lacks.')
    ]


def test_plugin_apps_after_wagtail_admin_are_warned_about():
    plugin = ["certificates", "courses", "academy"]
    reordered = [app for app in settings.INSTALLED_APPS if app not in plugin] + plugin

    [(check_id, message, hint)] = installed_apps_found(reordered)

    assert check_id == "academy.W001"
    assert "wagtail.admin" in message
    assert '"certificates", "courses", "academy"' in hint


def test_a_site_without_the_messages_middleware_is_told_which_one_to_add(settings):
    settings.MIDDLEWARE = [
        entry for entry in settings.MIDDLEWARE if "MessageMiddleware" not in entry
    ]

    [(check_id, message, _hint)] = found(academy_checks.check_middleware)

    assert check_id == "academy.E003"
    assert "django.contrib.messages.middleware.MessageMiddleware" in message


def test_a_multilingual_site_without_locale_middleware_is_warned(settings):
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if "Locale" not in entry]

    [(check_id, _message, hint)] = found(academy_checks.check_middleware)

    assert check_id == "academy.W002"
    assert "academy.middleware.LocaleMiddleware" in hint


def test_djangos_own_locale_middleware_is_enough(settings):
    settings.MIDDLEWARE = [
        "django.middleware.locale.LocaleMiddleware" if "Locale" in entry else entry
        for entry in settings.MIDDLEWARE
    ]

    assert found(academy_checks.check_middleware) == []


def test_a_single_language_site_needs_no_locale_middleware(settings):
    settings.WAGTAIL_I18N_ENABLED = False
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if "Locale" not in entry]

    assert found(academy_checks.check_middleware) == []


def test_a_site_without_a_tasks_backend_is_told_how_to_set_one(settings):
    settings.TASKS = {}

    [(check_id, _message, hint)] = found(academy_checks.check_tasks_backend)

    assert check_id == "academy.W003"
    assert "ImmediateBackend" in hint
    assert "django-tasks-db" in hint


@pytest.mark.parametrize("url", ["", "/", "academy.example.org"])
def test_a_site_without_its_public_address_is_told_to_set_it(settings, url):
    settings.WAGTAILADMIN_BASE_URL = url

    [(check_id, message, hint)] = found(academy_checks.check_base_url)

    assert check_id == "academy.E004"
    assert "QR codes" in message
    assert hint.startswith("Set WAGTAILADMIN_BASE_URL =")


def test_a_site_without_wagtailadmin_base_url_at_all_is_told_to_set_it(settings):
    del settings.WAGTAILADMIN_BASE_URL

    assert ids(academy_checks.check_base_url) == ["academy.E004"]


def test_a_private_storage_inside_the_media_root_fails_the_system_checks(settings):
    inside = {"location": settings.MEDIA_ROOT / "private"}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": inside},
    }

    assert ids(academy_checks.check_private_storage) == ["certificates.E002"]


def test_a_site_without_a_private_storage_is_told_to_add_one(settings):
    settings.STORAGES = {
        alias: storage for alias, storage in settings.STORAGES.items() if alias != "private"
    }

    [(check_id, _message, hint)] = found(academy_checks.check_private_storage)

    assert check_id == "certificates.E001"
    assert 'STORAGES["private"]' in hint


def test_a_site_without_certificates_needs_no_private_storage(settings):
    settings.STORAGES = {
        alias: storage for alias, storage in settings.STORAGES.items() if alias != "private"
    }
    without = [app for app in settings.INSTALLED_APPS if app != "certificates"]

    assert academy_checks.private_storage_messages(without) == []
