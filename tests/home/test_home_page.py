import pytest
from django.urls import reverse
from django.utils import translation

from academy.services import onboard_city
from tests.conftest import CITIES

EXTRA_CITIES = [
    ("Nice", "FR", "NCE"),
    ("Ghent", "BE", "GNT"),
    ("Porto", "PT", "OPO"),
    ("Athens", "GR", "ATH"),
    ("Warsaw", "PL", "WAW"),
    ("Riga", "LV", "RIX"),
]


def onboard(city, country, code):
    return onboard_city(city=city, country=country, code=code, academy_name=f"{city} Police")


def test_home_page_lists_every_live_academy(client, lisbon, madrid):
    response = client.get("/en/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Lisbon Municipal Police" in content
    assert "Madrid City Police" in content
    assert 'href="/en/lisbon/"' in content


def test_unpublished_academy_is_not_listed(client, lisbon, madrid):
    madrid.academy.unpublish()

    content = client.get("/en/").content.decode()

    assert "Madrid City Police" not in content
    assert "Lisbon Municipal Police" in content


def test_root_redirects_to_the_visitors_language(client, home):
    response = client.get("/", headers={"accept-language": "pt-PT,pt;q=0.9"})

    assert response.status_code == 302
    assert response.url == "/pt/"


def test_home_page_queries_do_not_grow_with_academies(
    client, home, django_assert_max_num_queries, django_assert_num_queries
):
    onboard_city(**CITIES["lisbon"])
    onboard_city(**CITIES["madrid"])
    client.get("/en/")  # warm up caches (site root paths)
    with django_assert_max_num_queries(12) as small:
        client.get("/en/")

    for city in EXTRA_CITIES:
        onboard(*city)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/en/")
    assert response.content.decode().count('class="card"') == 2 + len(EXTRA_CITIES)


def test_academy_page_shows_its_contact_and_information(client, lisbon):
    academy = lisbon.academy
    academy.contact_email = "academia@lisbon.police.example"
    academy.save_revision().publish()

    response = client.get("/en/lisbon/")

    assert response.status_code == 200
    assert "academia@lisbon.police.example" in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "nl", "es", "pt"])
def test_interface_is_shown_in_the_visitors_language(client, lisbon, language):
    with translation.override(language):
        heading = translation.gettext("Host-city academies")
        sign_in = translation.gettext("Sign in")
    assert heading != "Host-city academies", f"missing {language} translation"

    response = client.get(f"/{language}/")

    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert heading in content
    assert sign_in in content


def test_language_switcher_keeps_the_page(client, lisbon):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/en/lisbon/"})

    assert response.status_code == 302
    assert response.url == "/es/lisbon/"
    assert client.get(response.url).status_code == 200


def test_a_missing_admin_page_is_a_404_not_a_language_redirect(client, network_admin):
    client.force_login(network_admin)

    response = client.get("/admin/pages/999999/edit/")

    assert response.status_code == 404


def test_a_missing_public_page_is_a_404_in_the_visitors_language(client, home):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
