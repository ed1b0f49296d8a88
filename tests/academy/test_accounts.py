"""Accounts: sign-up confirmed by email, password reset, profile, and coordinators' CSV import."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from academy import accounts
from academy.accounts import EmailConfirmationTokenGenerator
from academy.models import Force, OfficerImport, User
from courses.models import Enrolment
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
    assert user.full_name == "Ana Sofia da Silva" and user.force == force
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
    assert user.full_name == "Ana Sofia da Silva"


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
    officer.preferred_language = "es"
    officer.save()

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


def test_profile_changes_the_name_on_certificates_and_the_language(client, officer, force):
    client.force_login(officer)

    response = client.post(
        "/en/accounts/profile/",
        {
            "full_name": "Łukasz Żółć",
            "first_name": "Łukasz",
            "last_name": "Żółć",
            "force": force.pk,
            "participant_type": "staff",
            "preferred_language": "nl",
        },
        follow=True,
    )

    officer.refresh_from_db()
    assert officer.full_name == "Łukasz Żółć" and officer.force == force
    assert officer.preferred_language == "nl"
    assert response.redirect_chain[-1][0] == "/nl/accounts/profile/"
    assert "Uw profiel is opgeslagen." in response.content.decode()


def test_profile_needs_a_name_and_keeps_the_rest(client, officer, force):
    client.force_login(officer)

    response = client.post(
        "/en/accounts/profile/",
        {"full_name": "", "first_name": "Kept", "force": force.pk, "preferred_language": "en"},
    )

    officer.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert 'value="Kept"' in response.content.decode()
    assert officer.full_name != ""


def test_profile_needs_sign_in(client, db):
    response = client.get("/en/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


# Bulk import by a coordinator


def csv_upload(text, name="officers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


GOOD_CSV = (
    "email,full_name,first_name,last_name,language,participant_type\n"
    "joao.pereira@pm-lisboa.example,João Pereira,João,Pereira,pt,officer\n"
    "maria.costa@pm-lisboa.example,Maria Costa,Maria,Costa,,staff\n"
)


def test_coordinator_imports_officers_of_their_city_who_are_invited_by_email(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(lisbon_coordinator)
    force = lisbon.academy.force

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/import-officers/",
            {"force": force.pk, "file": csv_upload(GOOD_CSV)},
            follow=True,
        )

    assert "2 accounts were opened" in response.content.decode()
    joao = User.objects.get(email="joao.pereira@pm-lisboa.example")
    assert joao.force == force and joao.preferred_language == "pt" and joao.is_active
    assert not joao.has_usable_password()
    assert User.objects.get(email="maria.costa@pm-lisboa.example").participant_type == "staff"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "joao.pereira@pm-lisboa.example",
        "maria.costa@pm-lisboa.example",
    ]
    invitation = next(m for m in mail.outbox if m.to == ["joao.pereira@pm-lisboa.example"])
    assert link_in(invitation).startswith("/pt/accounts/password/reset/")


def test_an_import_with_one_bad_line_creates_nothing_and_lists_every_error(
    client, lisbon, lisbon_coordinator, officer
):
    client.force_login(lisbon_coordinator)
    text = (
        "email;full_name;language\n"
        "ok.one@pm-lisboa.example;Ok One;pt\n"
        "not-an-email;Bad Address;pt\n"
        f"{officer.email.upper()};Taken Address;pt\n"
        "ok.one@pm-lisboa.example;Twice In File;pt\n"
        "no.name@pm-lisboa.example;;xx\n"
    )

    response = client.post(
        "/admin/import-officers/",
        {"force": lisbon.academy.force.pk, "file": csv_upload(text)},
    )

    content = response.content.decode()
    assert "Nothing was imported: 4 lines need correcting." in content
    assert "Enter a valid email address." in content
    assert "An account with this email address already exists." in content
    assert "This email address is already on line 2." in content
    assert "is not one of the available choices" in content
    assert User.objects.filter(email__endswith="@pm-lisboa.example").count() == 0


def test_an_import_file_without_the_required_columns_is_explained(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)

    response = client.post(
        "/admin/import-officers/",
        {"force": lisbon.academy.force.pk, "file": csv_upload("mail,name\na@b.example,A B\n")},
    )

    assert "missing: email, full_name" in response.content.decode()


def test_an_import_file_not_in_utf8_is_explained(client, lisbon, lisbon_coordinator):
    client.force_login(lisbon_coordinator)
    upload = SimpleUploadedFile("o.csv", "email,full_name\na@b.example,João\n".encode("cp1252"))

    response = client.post(
        "/admin/import-officers/", {"force": lisbon.academy.force.pk, "file": upload}
    )

    assert "CSV UTF-8" in response.content.decode()


def test_a_coordinator_cannot_import_into_another_citys_force(
    client, lisbon, madrid, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)

    response = client.post(
        "/admin/import-officers/",
        {"force": madrid.academy.force.pk, "file": csv_upload(GOOD_CSV)},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email__endswith="@pm-lisboa.example").exists()


def test_a_coordinator_cannot_import_into_another_citys_force_by_renaming_their_city(
    client, lisbon, madrid, lisbon_coordinator
):
    lisbon.academy.city = "Madrid"
    lisbon.academy.save()
    client.force_login(lisbon_coordinator)

    response = client.post(
        "/admin/import-officers/",
        {"force": madrid.academy.force.pk, "file": csv_upload(GOOD_CSV)},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email__endswith="@pm-lisboa.example").exists()


def test_a_force_is_not_a_coordinators_by_sharing_their_citys_name(
    client, lisbon, lisbon_coordinator
):
    psp = Force.objects.create(name="PSP Lisboa", city="Lisbon", country="PT")
    client.force_login(lisbon_coordinator)

    response = client.post(
        "/admin/import-officers/", {"force": psp.pk, "file": csv_upload(GOOD_CSV)}
    )

    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(force=psp).exists()


def test_the_network_admin_imports_into_any_force(client, lisbon, network_admin):
    psp = Force.objects.create(name="PSP Lisboa", city="Lisbon", country="PT")
    client.force_login(network_admin)

    client.post("/admin/import-officers/", {"force": psp.pk, "file": csv_upload(GOOD_CSV)})

    assert User.objects.filter(force=psp).count() == 2


@pytest.mark.parametrize("role", ["lisbon_trainer", "officer"])
def test_only_coordinators_may_import(client, lisbon, role, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/admin/import-officers/")

    assert response.status_code in (302, 403)
    assert not User.objects.filter(email__endswith="@pm-lisboa.example").exists()


def test_an_import_takes_over_an_unconfirmed_sign_up_with_an_invitation(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            SIGN_UP,
            sign_up_data(
                lisbon.academy.force,
                email="JOAO.pereira@pm-lisboa.example",
                full_name="Mallory Attacker",
                password1=ATTACKER_PASSWORD,
                password2=ATTACKER_PASSWORD,
            ),
        )
    client.force_login(lisbon_coordinator)
    force = lisbon.academy.force

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/import-officers/",
            {"force": force.pk, "file": csv_upload(GOOD_CSV)},
            follow=True,
        )

    assert "2 accounts were opened" in response.content.decode()
    joao = User.objects.get(email="joao.pereira@pm-lisboa.example")
    assert (joao.full_name, joao.force, joao.is_active) == ("João Pereira", force, True)
    assert not joao.has_usable_password()
    invitation = mail.outbox[-2:]
    assert ["joao.pereira@pm-lisboa.example"] in [message.to for message in invitation]


def test_the_link_of_a_sign_up_taken_over_by_an_import_no_longer_confirms(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            SIGN_UP,
            sign_up_data(lisbon.academy.force, email="joao.pereira@pm-lisboa.example"),
        )
    first_link = link_in(mail.outbox[0])
    client.force_login(lisbon_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/import-officers/",
            {"force": lisbon.academy.force.pk, "file": csv_upload(GOOD_CSV)},
        )
    client.logout()

    response = client.post(first_link)

    assert "_auth_user_id" not in client.session
    assert "Esta conta já está confirmada." in response.content.decode()
    assert not User.objects.get(email="joao.pereira@pm-lisboa.example").has_usable_password()


def test_an_import_field_beyond_the_csv_readers_limit_is_explained(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)
    text = "email,full_name\nok@pm-lisboa.example,Ok\nbig@pm-lisboa.example," + "x" * 140_000

    response = client.post(
        "/admin/import-officers/", {"force": lisbon.academy.force.pk, "file": csv_upload(text)}
    )

    assert response.status_code == 200
    assert "This line cannot be read: a field is too long" in response.content.decode()
    assert not User.objects.filter(email__endswith="@pm-lisboa.example").exists()


class QueuedInvitations:
    def __init__(self):
        self.batches = []

    def enqueue(self, officer_import_id, user_ids):
        self.batches.append(user_ids)


def test_an_import_request_queues_the_invitations_in_one_task_and_sends_none_itself(
    client, lisbon, lisbon_coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    queued = QueuedInvitations()
    monkeypatch.setattr(accounts, "send_invitations", queued)
    client.force_login(lisbon_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/import-officers/",
            {"force": lisbon.academy.force.pk, "file": csv_upload(GOOD_CSV)},
        )

    assert mail.outbox == []
    (batch,) = queued.batches
    assert sorted(batch) == sorted(
        User.objects.filter(email__endswith="@pm-lisboa.example").values_list("pk", flat=True)
    )


def test_the_import_page_shows_how_many_invitations_are_sent(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(lisbon_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/import-officers/",
            {"force": lisbon.academy.force.pk, "file": csv_upload(GOOD_CSV)},
        )

    page = client.get("/admin/import-officers/").content.decode()

    assert len(mail.outbox) == 2
    assert OfficerImport.objects.get().invitations_sent == 2
    assert "2 of 2" in page
