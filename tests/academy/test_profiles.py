"""The academy profile: what the plugin keeps of a person, whatever the site's user model."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from academy.mail import send_to
from academy.models import Profile, name_on_certificates
from tests.academy.sessions import make_session
from tests.concurrency import meeting_before_saving, race_test, run_at_once
from tests.factories import UserFactory


def account(**fields):
    """An account without an academy profile, as a site's users are before the academy."""
    user_model = get_user_model()
    fields.setdefault(user_model.USERNAME_FIELD, "ana.silva@policia.example")
    return user_model.objects.create_user(password="a long passphrase of hers", **fields)


def test_a_profile_is_made_on_first_need_once(db, settings):
    user = account()

    first = Profile.objects.for_user(user)
    again = Profile.objects.for_user(get_user_model().objects.get(pk=user.pk))

    assert first.pk == again.pk
    assert Profile.objects.count() == 1
    assert (first.preferred_language, first.reminders) == (settings.LANGUAGE_CODE, True)


def test_the_name_on_certificates_falls_back_to_the_accounts_name_then_its_sign_in(db):
    named = account(first_name="Ana", last_name="Silva")
    unnamed = account(email="x@policia.example")

    assert name_on_certificates(named) == "Ana Silva"
    assert name_on_certificates(unnamed) == unnamed.get_username()
    Profile.objects.for_user(named)
    named.academy_profile.full_name = "Ana Sofia da Silva"
    assert name_on_certificates(named) == "Ana Sofia da Silva"


@race_test
def test_five_requests_making_a_profile_at_once_make_one():
    user = account()

    with meeting_before_saving(Profile, 5):
        errors = run_at_once(
            lambda _n: Profile.objects.for_user(get_user_model().objects.get(pk=user.pk)),
            range(5),
        )

    assert errors == []
    assert Profile.objects.filter(user=user).count() == 1


def test_an_officer_is_asked_for_the_name_on_certificates_before_enrolling(client, lisbon):
    session = make_session(lisbon.academy)
    user = account(first_name="Ana", last_name="Silva")
    client.force_login(user)

    response = client.post(reverse("session_enrol", args=[session.pk]), follow=True)

    assert not session.enrolments.exists()
    assert response.redirect_chain[-1][0].startswith(reverse("academy_profile"))
    assert "how your name must appear on your certificates" in response.content.decode()
    assert f'name="next" value="{reverse("session_detail", args=[session.pk])}"' in (
        response.content.decode()
    )


def test_once_named_the_officer_goes_back_to_the_session_and_enrols(client, lisbon, settings):
    session = make_session(lisbon.academy)
    user = account(first_name="Ana", last_name="Silva")
    client.force_login(user)
    back = reverse("session_detail", args=[session.pk])

    response = client.post(
        reverse("academy_profile"),
        {
            "full_name": "Ana Sofia da Silva",
            "force": lisbon.academy.force.pk,
            "participant_type": "officer",
            "preferred_language": "en",
            "next": back,
        },
    )
    client.post(reverse("session_enrol", args=[session.pk]))

    assert response["Location"] == back
    assert session.enrolments.get().officer == user


def test_the_profile_page_refuses_to_send_the_officer_elsewhere(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("academy_profile"),
        {
            "full_name": "Ana",
            "force": officer.academy_profile.force.pk,
            "participant_type": "officer",
            "preferred_language": "en",
            "next": "https://elsewhere.example/",
        },
    )

    assert response["Location"] == reverse("academy_profile")


# One mail helper


def test_a_portuguese_officers_enrolment_email_is_in_portuguese_from_an_english_request(
    client, lisbon, django_capture_on_commit_callbacks
):
    officer = UserFactory(preferred_language="pt", full_name="João Pereira")
    session = make_session(lisbon.academy, title="Dia de intercâmbio")
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/sessions/{session.pk}/enrol/", HTTP_ACCEPT_LANGUAGE="en")

    (message,) = mail.outbox
    assert message.subject == "Tem uma vaga em Dia de intercâmbio"
    assert message.body.startswith("Caro/a João Pereira,")
    html, _type = message.alternatives[0]
    assert '<html lang="pt">' in html
    assert f"/pt/sessions/{session.pk}/" in message.body


def test_the_mail_helper_writes_to_the_address_field_of_the_user_model(db):
    user = UserFactory(preferred_language="fr")

    send_to(
        user,
        "academy/email/invitation",
        {"action_url": "https://academy.example/x", "login_url": ""},
        subject="Bonjour",
    )

    (message,) = mail.outbox
    assert message.to == [getattr(user, user.get_email_field_name())]
    assert "https://academy.example/x" in message.body


@pytest.mark.parametrize("language", ["pt", "es"])
def test_the_mail_helper_renders_in_the_recipients_language_whatever_is_active(db, language):
    user = UserFactory(preferred_language=language)

    send_to(
        user,
        "academy/email/invitation",
        {"action_url": "x", "login_url": ""},
        subject="-",
    )

    (message,) = mail.outbox
    html, _type = message.alternatives[0]
    assert f'<html lang="{language}">' in html
    assert "If you did not expect this email" not in message.body
