"""One mailbox, one account: addresses are stored in lower case, unique whatever their case,
and a new address replaces the old one only once it is confirmed."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from home.accounts import sign_up
from home.models import User
from tests.concurrency import race_test, run_at_once
from tests.factories import ForceFactory, UserFactory

PASSWORD = "correct horse battery staple"


def drop_the_unique_address_constraint():
    """Addresses stored before the constraint existed may differ only by case: recreate them.
    The test's transaction puts the constraint back."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX unique_user_email_ignoring_case")


def test_sign_up_stores_the_address_in_lower_case(client, db):
    force = ForceFactory()

    client.post(
        "/en/accounts/sign-up/",
        {
            "email": "  Ana.Silva@Policia.EXAMPLE ",
            "full_name": "Ana Silva",
            "force": force.pk,
            "participant_type": "officer",
            "preferred_language": "en",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
        },
    )

    assert list(User.objects.values_list("email", flat=True)) == ["ana.silva@policia.example"]


def test_the_database_refuses_a_second_account_for_a_case_variant(officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=officer.email.upper(), first_name="Twin")


@race_test
def test_twelve_sign_ups_at_once_with_case_variants_open_one_account():
    """Three accounts before addresses were lower-cased; the unique constraint on the
    lower-cased address alone also holds it to one (checked by removing either)."""
    force = ForceFactory()
    variants = [
        "Ana.Silva@Policia.example",
        "ANA.SILVA@POLICIA.EXAMPLE",
        "ana.silva@policia.example",
    ]

    errors = run_at_once(
        lambda email: sign_up(
            email=email,
            password="a long and unusual passphrase 42",
            profile={"full_name": "Ana Silva", "force": force},
        ),
        [variants[number % 3] for number in range(12)],
    )

    assert errors == []
    assert list(User.objects.values_list("email", flat=True)) == ["ana.silva@policia.example"]


@pytest.mark.parametrize("admin", [False, True])
def test_sign_in_picks_one_account_when_old_duplicates_differ_by_case(client, db, admin):
    drop_the_unique_address_constraint()
    first = UserFactory(email="ana@academy.example", is_staff=admin, is_superuser=admin)
    UserFactory(email="twin@academy.example")
    User.objects.filter(email="twin@academy.example").update(email="ANA@academy.example")

    response = client.post(
        reverse("wagtailadmin_login") if admin else "/en/accounts/login/",
        {"username": "Ana@Academy.example", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(first.pk)


def test_the_admin_cannot_create_a_user_with_a_case_variant_of_a_taken_address(
    client, network_admin, officer
):
    client.force_login(network_admin)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": officer.email.upper(),
            "first_name": "Twin",
            "last_name": "Twin",
            "full_name": "Twin",
            "participant_type": "officer",
            "preferred_language": "en",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact=officer.email).count() == 1


def test_the_admin_cannot_give_a_user_a_case_variant_of_another_users_address(
    client, network_admin, officer
):
    other = UserFactory()
    client.force_login(network_admin)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[other.pk]),
        {
            "email": f" {officer.email.title()}",
            "first_name": other.first_name,
            "last_name": other.last_name,
            "full_name": other.academy_profile.full_name,
            "participant_type": "officer",
            "preferred_language": "en",
            "is_active": "on",
        },
    )

    assert "An account with this email address already exists." in response.content.decode()
    other.refresh_from_db()
    assert other.email != officer.email


class FormValues(HTMLParser):
    """What a browser would post back from a page's forms, unchanged."""

    def __init__(self):
        super().__init__()
        self.values, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            self.values[name] = attrs.get("value", "on" if checkable else "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def post_account_page(client, **changes):
    parser = FormValues()
    parser.feed(client.get(reverse("wagtailadmin_account")).content.decode())
    return client.post(reverse("wagtailadmin_account"), {**parser.values, **changes}, follow=True)


@pytest.fixture
def staff(lisbon_trainer):
    lisbon_trainer.first_name, lisbon_trainer.last_name = "Rita", "Lopes"
    lisbon_trainer.save()
    return lisbon_trainer


def test_staff_cannot_take_a_case_variant_of_another_address_on_their_account_page(
    client, staff, officer
):
    client.force_login(staff)

    response = post_account_page(client, **{"account_email-email": officer.email.upper()})

    assert "An account with this email address already exists." in response.content.decode()
    staff.refresh_from_db()
    assert staff.email != officer.email
    assert mail.outbox == []


def test_a_new_address_waits_for_the_link_sent_to_it_and_the_old_one_is_told(
    client, staff, django_capture_on_commit_callbacks
):
    old_address = staff.email
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_account_page(client, **{"account_email-email": "Rita.New@Academy.example"})

    assert "A link was sent to rita.new@academy.example" in response.content.decode()
    staff.refresh_from_db()
    assert staff.email == old_address
    (to_new,) = [message for message in mail.outbox if message.to == ["rita.new@academy.example"]]
    (notice,) = [message for message in mail.outbox if message.to == [old_address]]
    assert "rita.new@academy.example" in notice.body
    link = re.search(r"http://testserver(/\S+)", to_new.body).group(1)
    assert client.get(link).status_code == 200
    staff.refresh_from_db()
    assert staff.email == old_address  # opening the link (a mail scanner) changes nothing

    client.post(link)

    staff.refresh_from_db()
    assert staff.email == "rita.new@academy.example"


def test_an_address_change_link_does_not_take_an_address_taken_meanwhile(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        post_account_page(client, **{"account_email-email": "rita.new@academy.example"})
    (to_new,) = [message for message in mail.outbox if message.to == ["rita.new@academy.example"]]
    link = re.search(r"http://testserver(/\S+)", to_new.body).group(1)
    UserFactory(email="rita.new@academy.example")

    response = client.post(link)

    assert response.status_code == 404
    staff.refresh_from_db()
    assert staff.email != "rita.new@academy.example"


def test_an_address_the_admin_gives_a_user_waits_for_the_link_sent_to_it(
    client, network_admin, officer, django_capture_on_commit_callbacks
):
    old_address = officer.email
    client.force_login(network_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailusers_users:edit", args=[officer.pk]),
            {
                "email": "New.Address@Academy.example",
                "first_name": officer.first_name,
                "last_name": officer.last_name,
                "full_name": officer.academy_profile.full_name,
                "participant_type": "officer",
                "preferred_language": "en",
                "is_active": "on",
            },
            follow=True,
        )

    assert "A link was sent to new.address@academy.example" in response.content.decode()
    officer.refresh_from_db()
    assert officer.email == old_address
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [old_address, "new.address@academy.example"]
    )
