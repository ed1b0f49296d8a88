"""The plugin on a site other than the network's: one language, URLs outside
i18n_patterns, no LocaleMiddleware, and no template of the site's (the plugin's own
academy/base.html)."""

import pytest
from django.urls import clear_url_caches, reverse

from tests.academy.sessions import make_session
from tests.courses.builders import build_course


@pytest.fixture
def single_language_site(settings):
    """What `wagtail start` gives, with the academy added as the README says."""
    settings.ROOT_URLCONF = "tests.academy.single_language_urls"
    settings.WAGTAIL_I18N_ENABLED = False
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if "Locale" not in entry]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def course(lisbon):
    return build_course(lisbon.academy, title="Human-centred policing", modules=1)


def test_the_plugins_pages_have_no_language_prefix_on_a_single_language_site(
    single_language_site, lisbon, course, client
):
    assert reverse("catalogue") == "/catalogue/"

    response = client.get("/catalogue/")

    assert response.status_code == 200
    assert "Human-centred policing" in response.text


def test_the_plugins_own_base_shows_a_page_without_the_networks_look(
    single_language_site, lisbon, course, client
):
    response = client.get(course.url)

    assert response.status_code == 200
    assert "Human-centred policing" in response.text
    assert "EU-POLNET Academy" not in response.text
    assert 'class="site-header"' not in response.text


def test_the_network_site_overrides_the_plugins_base_with_its_look(lisbon, course, client):
    response = client.get(course.url)

    assert 'class="site-header"' in response.text
    assert "Human-centred policing" in response.text


def test_a_visitor_is_sent_to_the_sites_own_sign_in_page_to_enrol(
    single_language_site, settings, lisbon, course, client
):
    settings.LOGIN_URL = "/people/sign-in/"
    session = make_session(lisbon.academy, course=course)

    response = client.get(reverse("session_detail", args=[session.pk]))

    assert response.status_code == 200
    assert 'href="/people/sign-in/?next=' in response.text


def test_the_certificate_verification_form_works_without_the_sites_templates(
    single_language_site, client
):
    response = client.get("/certificates/verify/")

    assert response.status_code == 200
    assert "<form" in response.text
