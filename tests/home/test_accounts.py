"""The site's accounts: sign-up confirmed by email, password reset, purge of sign-ups."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from courses.models import Enrolment
from home import accounts
from home.accounts import EmailConfirmationTokenGenerator
from home.models import User
from tests.academy.sessions import make_session
from tests.factories import ForceFactory, UserFactory

PASSWORD = "a long and unusual passphrase 42"
ATTACKER_PASSWORD = "the attackers own passphrase 77"
SIGN_UP = "/en/accounts/sign-up/"


def sign_up_data(force, **overrides):
    return {
        "email": "ana.silva@policia.example",
        "full_name": "Ana Sofia da Silva",
        "first_name": "Ana",
        "last_name": "Silva",
        "force": force.pk,
        "participant_type": "officer",
        "preferred_language": "pt",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.fixture
def force(db):
    return ForceFactory(name="Lisbon Municipal Police", city="Lisbon", country="PT")


def test_sign_up_opens_an_unconfirmed_account_and_emails_a_link_in_the_officers_language(
    client, force, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/sign-up/", sign_up_data(force))

    assert "Check your inbox" in response.content.decode()
    user = User.objects.get(email="ana.silva@policia.example")
    assert not user.is_active
    assert (
        user.academy_profile.full_name == "Ana Sofia da Silva"
        and user.academy_profile.force == force
    )
    (message,) = mail.outbox
    assert message.to == ["ana.silva@policia.example"]
    assert message.subject == "Confirme a sua conta da EU-POLNET Academy"
    assert link_in(message).startswith("/pt/accounts/confirm/")


def test_an_unconfirmed_account_cannot_sign_in(client, force, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/sign-up/", sign_up_data(force))

    client.post(
        "/en/accounts/login/", {"username": "ana.silva@policia.example", "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session


def test_following_the_link_and_confirming_activates_and_signs_in_once(
    client, force, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/sign-up/", sign_up_data(force))
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    # Opening the link (as a mail scanner would) changes nothing.
    assert not User.objects.get(email="ana.silva@policia.example").is_active
    response = client.post(link, follow=True)

    user = User.objects.get(email="ana.silva@policia.example")
    assert user.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    assert response.redirect_chain[-1][0] == "/pt/my-learning/"
    client.logout()
    again = client.post(link)
    assert "Esta conta já está confirmada." in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_forged_confirmation_link_is_not_found(client, force):
    user = UserFactory(is_active=False, force=force)

    response = client.get(f"/en/accounts/confirm/{user.pk}/not-a-token/")

    assert response.status_code == 404
    assert "not valid or has expired" in response.content.decode()
    assert client.post(f"/en/accounts/confirm/{user.pk}/not-a-token/").status_code == 404
    user.refresh_from_db()
    assert not user.is_active


def test_sign_up_keeps_what_was_typed_and_explains_each_error(client, force):
    response = client.post(
        "/en/accounts/sign-up/",
        sign_up_data(force, password2="something else entirely", email="not-an-address"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in content
    assert "The two passwords differ" in content
    assert 'value="Ana Sofia da Silva"' in content
    assert not User.objects.exists()


def test_sign_up_errors_are_in_the_visitors_language(client, force):
    response = client.post("/fr/accounts/sign-up/", sign_up_data(force, password2="autre chose"))

    assert "Les deux mots de passe diffèrent" in response.content.decode()


def test_signing_up_with_a_taken_address_says_the_same_and_warns_its_owner(
    client, force, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/sign-up/", sign_up_data(force, email=officer.email.upper())
        )

    assert "Check your inbox" in response.content.decode()
    assert User.objects.filter(email__iexact=officer.email).count() == 1
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert "already has one" in message.body
    officer.refresh_from_db()
    assert officer.check_password("correct horse battery staple")


def test_signing_up_again_before_confirming_sends_a_new_link(
    client, force, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/sign-up/", sign_up_data(force))
        client.post("/en/accounts/sign-up/", sign_up_data(force))

    assert User.objects.count() == 1
    assert [link_in(message).split("/")[3] for message in mail.outbox] == ["confirm", "confirm"]


# Signing up first does not keep an account for whoever did


def attacker_and_owner_sign_up(client, force, capture):
    """Someone signs up first with the owner's address and their own password and name;
    then the owner signs up. Returns the two confirmation links, first one first."""
    with capture(execute=True):
        client.post(
            SIGN_UP,
            sign_up_data(
                force,
                full_name="Mallory Attacker",
                password1=ATTACKER_PASSWORD,
                password2=ATTACKER_PASSWORD,
            ),
        )
    with capture(execute=True):
        client.post(SIGN_UP, sign_up_data(force))
    return [link_in(message) for message in mail.outbox]


def test_the_owners_sign_up_and_confirmation_leave_the_first_sign_ups_password_useless(
    client, force, django_capture_on_commit_callbacks
):
    _first_link, owners_link = attacker_and_owner_sign_up(
        client, force, django_capture_on_commit_callbacks
    )

    client.post(owners_link)
    client.logout()
    client.post(
        "/en/accounts/login/",
        {"username": "ana.silva@policia.example", "password": ATTACKER_PASSWORD},
    )

    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="ana.silva@policia.example")
    assert user.is_active and user.check_password(PASSWORD)
    assert user.academy_profile.full_name == "Ana Sofia da Silva"


def test_the_link_of_an_earlier_sign_up_no_longer_confirms(
    client, force, django_capture_on_commit_callbacks
):
    first_link, _owners_link = attacker_and_owner_sign_up(
        client, force, django_capture_on_commit_callbacks
    )

    response = client.post(first_link)

    assert response.status_code == 404
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(email="ana.silva@policia.example").is_active


def test_a_confirmation_link_expires_after_the_set_days(
    client, force, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_CONFIRMATION_DAYS = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_UP, sign_up_data(force))
    later = datetime.datetime.now() + datetime.timedelta(days=1, hours=1)
    monkeypatch.setattr(EmailConfirmationTokenGenerator, "_now", lambda self: later)

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 404
    assert not User.objects.get(email="ana.silva@policia.example").is_active


def test_signing_up_does_not_reopen_a_deactivated_account(
    client, force, django_capture_on_commit_callbacks
):
    closed = UserFactory(is_active=False, email="ana.silva@policia.example")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_UP, sign_up_data(force))

    (message,) = mail.outbox
    assert "already has one" in message.body
    closed.refresh_from_db()
    assert not closed.is_active and closed.check_password("correct horse battery staple")


def test_purge_deletes_only_unconfirmed_sign_ups_older_than_the_set_age(lisbon, settings):
    settings.UNCONFIRMED_ACCOUNT_DAYS = 14
    old = timezone.now() - datetime.timedelta(days=15)
    recent = timezone.now() - datetime.timedelta(days=13)
    purged = UserFactory(is_active=False, awaiting_confirmation=True, date_joined=old)
    kept = [
        UserFactory(is_active=False, awaiting_confirmation=True, date_joined=recent),
        UserFactory(date_joined=old),
        UserFactory(is_active=False, date_joined=old),  # deactivated by an admin
    ]
    with_records = UserFactory(is_active=False, awaiting_confirmation=True, date_joined=old)
    Enrolment.objects.create(officer=with_records, session=make_session(lisbon.academy))

    call_command("purge_unconfirmed_accounts", stdout=None)

    assert not User.objects.filter(pk=purged.pk).exists()
    assert User.objects.filter(pk__in=[user.pk for user in [*kept, with_records]]).count() == 4


# The same work whether an address has an account or not


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting the passwords it hashes."""

    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


class QueuedEmails:
    def __init__(self):
        self.kinds = []

    def enqueue(self, user_id, kind, new_email=""):
        self.kinds.append(kind)


@pytest.mark.parametrize("address", ["new", "unconfirmed", "confirmed"])
def test_sign_up_hashes_the_password_and_queues_one_email_whoever_has_the_address(
    address, client, force, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    if address != "new":
        UserFactory(
            email="ana.silva@policia.example",
            is_active=address == "confirmed",
            awaiting_confirmation=address == "unconfirmed",
        )
    queued = QueuedEmails()
    monkeypatch.setattr(accounts, "send_account_email", queued)
    CountingHasher.hashed = 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGN_UP, sign_up_data(force))

    assert "Check your inbox" in response.content.decode()
    assert CountingHasher.hashed == 1
    assert len(queued.kinds) == 1


def test_password_reset_emails_a_link_in_the_users_language_that_works_once(client, officer):
    officer.academy_profile.preferred_language = "es"
    officer.academy_profile.save()

    response = client.post("/en/accounts/password/reset/", {"email": officer.email}, follow=True)

    assert "Check your inbox" in response.content.decode()
    (message,) = mail.outbox
    link = link_in(message)
    assert link.startswith("/es/accounts/password/reset/")
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    client.logout()
    assert "no es válido o ha caducado" in client.get(link, follow=True).content.decode()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_password_reset_links_use_the_public_address_whatever_the_host_asked(client, officer, host):
    client.post("/en/accounts/password/reset/", {"email": officer.email}, HTTP_HOST=host)

    (message,) = mail.outbox
    assert "http://testserver/en/accounts/password/reset/" in message.body
    assert host not in message.body
    assert host not in message.alternatives[0][0]


def test_admin_password_reset_links_use_the_public_address_whatever_the_host_asked(client, db):
    trainer = UserFactory(is_staff=True)

    client.post("/admin/password_reset/", {"email": trainer.email}, HTTP_HOST="localhost")

    (message,) = mail.outbox
    assert "http://testserver/admin/password_reset/confirm/" in message.body
    assert "localhost" not in message.body


def test_password_reset_of_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post(
        "/en/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True
    )

    assert "Check your inbox" in response.content.decode()
    assert mail.outbox == []
