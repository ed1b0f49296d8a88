"""The academy profile page, and coordinators' CSV import of officers."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from academy import accounts
from academy.models import Force, OfficerImport
from home.models import User
from tests.factories import ForceFactory

# Taking over a sign-up never confirmed goes through the site's own sign-up.
from tests.home.test_accounts import ATTACKER_PASSWORD, SIGN_UP, link_in, sign_up_data


@pytest.fixture
def force(db):
    return ForceFactory(name="Lisbon Municipal Police", city="Lisbon", country="PT")


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
    assert (
        officer.academy_profile.full_name == "Łukasz Żółć"
        and officer.academy_profile.force == force
    )
    assert officer.academy_profile.preferred_language == "nl"
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
    assert officer.academy_profile.full_name != ""


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
    assert (
        joao.academy_profile.force == force
        and joao.academy_profile.preferred_language == "pt"
        and joao.is_active
    )
    assert not joao.has_usable_password()
    assert (
        User.objects.get(email="maria.costa@pm-lisboa.example").academy_profile.participant_type
        == "staff"
    )
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
    assert not User.objects.filter(academy_profile__force=psp).exists()


def test_the_network_admin_imports_into_any_force(client, lisbon, network_admin):
    psp = Force.objects.create(name="PSP Lisboa", city="Lisbon", country="PT")
    client.force_login(network_admin)

    client.post("/admin/import-officers/", {"force": psp.pk, "file": csv_upload(GOOD_CSV)})

    assert User.objects.filter(academy_profile__force=psp).count() == 2


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
    assert (joao.academy_profile.full_name, joao.academy_profile.force, joao.is_active) == (
        "João Pereira",
        force,
        True,
    )
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
