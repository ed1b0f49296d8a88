"""The academy answers a few of Wagtail's admin views in its place through its middleware,
so a site that mounts Wagtail's admin as usual gets the safe ones; a check says when the
middleware is missing."""

from django.conf import settings
from django.test import override_settings

from academy.admin_overrides import MIDDLEWARE, check_admin_overrides_middleware


def test_a_site_without_the_academy_middleware_is_told_to_add_it():
    without = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        errors = check_admin_overrides_middleware(None)
    assert [error.id for error in errors] == ["academy.E101"]
    assert MIDDLEWARE in errors[0].hint


def test_the_site_has_the_academy_middleware():
    assert check_admin_overrides_middleware(None) == []


def test_signing_out_of_the_admin_by_get_keeps_the_session(client, network_admin):
    client.force_login(network_admin)
    response = client.get("/admin/logout/")
    assert response.status_code == 405
    assert client.get("/admin/").status_code == 200


def test_signing_out_of_the_admin_by_post_ends_the_session(client, network_admin):
    client.force_login(network_admin)
    client.post("/admin/logout/")
    assert client.get("/admin/").status_code == 302
