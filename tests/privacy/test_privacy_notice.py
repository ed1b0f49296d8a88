"""The privacy notice: one page per network in every language, linked from every page and
from sign-up; the site sets only the cookies it cannot work without."""

import pytest
from django.test import Client
from django.urls import reverse

from home.demo.privacy_notice import load_privacy_notice
from home.models import PrivacyNoticePage

# What the notice says the site sets: sign-in, forms, the language chosen, a message.
NECESSARY_COOKIES = {"sessionid", "csrftoken", "django_language", "messages"}


@pytest.fixture
def notice(home):
    load_privacy_notice()
    return PrivacyNoticePage.objects.get(locale__language_code="en")


def test_the_notice_is_published_in_every_language_once(notice):
    languages = set(
        PrivacyNoticePage.objects.live().values_list("locale__language_code", flat=True)
    )

    assert languages == {"en", "fr", "nl", "es", "pt"}
    assert load_privacy_notice() == 0  # idempotent


@pytest.mark.parametrize(
    "language, heading", [("en", "Privacy notice"), ("fr", "Politique de confidentialité")]
)
def test_the_footer_link_leads_to_the_notice_in_the_visitors_language(
    client, notice, language, heading
):
    page = client.get(f"/{language}/catalogue/").content.decode()
    assert f'href="/{language}/privacy-notice/"' in page

    response = client.get(f"/{language}/privacy-notice/", follow=True)

    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_the_notice_says_what_each_retention_period_is_and_which_cookies_are_set(
    client, notice, settings
):
    settings.EMAIL_LOG_DAYS = 123

    page = client.get(notice.url).content.decode()

    assert "Record of e-mails sent: 123 days" in page
    assert "Controller" in page or "controller" in page
    assert all(f"<code>{cookie}</code>" in page for cookie in NECESSARY_COOKIES)


def test_sign_up_links_to_the_privacy_notice(client, db):
    page = client.get(reverse("sign_up")).content.decode()

    assert f'href="{reverse("privacy_notice")}"' in page


def test_the_site_sets_only_strictly_necessary_cookies(notice, officer):
    client = Client()
    set_cookies = set()
    for url in ["/en/", "/en/catalogue/", reverse("login"), reverse("sign_up"), notice.url]:
        set_cookies |= set(client.get(url).cookies)
    client.post(
        reverse("login"), {"username": officer.email, "password": "correct horse battery staple"}
    )
    set_cookies |= set(client.cookies)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/fr/"})
    set_cookies |= set(client.cookies)

    assert set_cookies <= NECESSARY_COOKIES, set_cookies - NECESSARY_COOKIES
