"""Password guessing: five wrong passwords for one account from one address pause its
sign-in for 15 minutes, on the public and the admin sign-in pages, with a clear message."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def sign_in(client, email, password, address="203.0.113.7", language="en"):
    with translation.override(language):
        url = reverse("login")
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def guess(client, email, times=5, **kwargs):
    for _ in range(times):
        response = sign_in(client, email, "wrong password", **kwargs)
    return response


@pytest.mark.django_db
def test_fifth_wrong_password_pauses_the_account_with_a_clear_message(client):
    officer = UserFactory()

    assert guess(client, officer.email, times=4).status_code == 200  # the usual form error
    response = sign_in(client, officer.email, "wrong again")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many wrong passwords for this account" in page
    assert "15 minutes" in page
    assert f'value="{officer.email}"' in page  # what was typed is kept
    assert reverse("password_reset") in page


@pytest.mark.django_db
def test_a_paused_sign_in_says_when_to_try_again(client):
    officer = UserFactory()

    response = guess(client, officer.email)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)


@pytest.mark.django_db
def test_right_password_is_refused_while_the_account_is_paused(client):
    officer = UserFactory()
    guess(client, officer.email)

    response = sign_in(client, officer.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_message_is_in_the_language_of_the_page(client):
    officer = UserFactory()

    response = guess(client, officer.email, language="fr")

    assert response.status_code == 429
    assert "Trop de mots de passe erronés" in response.content.decode()


@pytest.mark.django_db
def test_admin_sign_in_is_paused_too(client):
    trainer = UserFactory(is_staff=True)
    for _ in range(5):
        client.post(
            reverse("wagtailadmin_login"),
            {"username": trainer.email, "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )

    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": trainer.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert 'name="next" value="/admin/"' in response.content.decode()


@pytest.mark.django_db
def test_guesses_from_one_address_do_not_lock_the_officer_out_elsewhere(client):
    officer = UserFactory()
    guess(client, officer.email, address="198.51.100.66")

    response = sign_in(client, officer.email, PASSWORD, address="203.0.113.7")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.mark.django_db
def test_a_successful_sign_in_clears_earlier_mistakes(client):
    officer = UserFactory()
    guess(client, officer.email, times=4)
    assert sign_in(client, officer.email, PASSWORD).status_code == 302
    client.logout()

    response = guess(client, officer.email, times=4)

    assert response.status_code == 200


@pytest.mark.django_db
def test_sign_in_works_again_after_the_pause(client):
    officer = UserFactory()
    guess(client, officer.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert sign_in(client, officer.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_choosing_a_new_password_by_email_lifts_the_pause(client):
    officer = UserFactory()
    guess(client, officer.email)
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    with translation.override("en"):
        link = reverse("password_reset_confirm", args=[uid, token])
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker

    response = client.post(
        form_url,
        {"new_password1": "a new Long passphrase 42", "new_password2": "a new Long passphrase 42"},
    )

    assert response.status_code == 302
    client.logout()
    assert sign_in(client, officer.email, "a new Long passphrase 42").status_code == 302


SPELLINGS = {
    "upper case": str.upper,
    "spaces around": lambda address: f"  {address} ",
    "mixed case": lambda address: address.title(),
    "mixed case and a space": lambda address: f"{address.capitalize()} ",
}


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_re_spelling_the_address_gets_no_fresh_tries(client, spelling):
    officer = UserFactory()
    guess(client, officer.email, times=4)

    response = sign_in(client, spelling(officer.email), "wrong again")

    assert response.status_code == 429


@pytest.mark.django_db
def test_the_right_password_under_another_spelling_is_refused_while_paused(client):
    officer = UserFactory()
    for spelling in SPELLINGS.values():
        sign_in(client, spelling(officer.email), "wrong password")
    sign_in(client, officer.email, "wrong password")

    response = sign_in(client, officer.email.upper(), PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_axes_reset_username_lifts_the_pause_whatever_the_spelling_typed(client):
    officer = UserFactory()
    guess(client, officer.email.upper())

    call_command("axes_reset_username", f" {officer.email.title()} ", stdout=None)

    assert sign_in(client, officer.email, PASSWORD).status_code == 302


def sign_in_through_proxy(client, email, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR="10.0.0.2",  # the TLS proxy
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_visitor_is_counted_apart(client, settings):
    settings.TRUSTED_PROXIES = 1
    officer = UserFactory()
    for _ in range(5):
        sign_in_through_proxy(client, officer.email, "wrong", "198.51.100.66")

    response = sign_in_through_proxy(client, officer.email, PASSWORD, "203.0.113.7")

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_made_up_forwarded_address_does_not_escape_the_lockout(client, settings):
    settings.TRUSTED_PROXIES = 1
    officer = UserFactory()
    for number in range(5):
        # The guesser sends a new address each time; the proxy appends the real one.
        sign_in_through_proxy(client, officer.email, "wrong", f"192.0.2.{number}, 198.51.100.66")

    response = sign_in_through_proxy(client, officer.email, PASSWORD, "192.0.2.99, 198.51.100.66")

    assert response.status_code == 429
