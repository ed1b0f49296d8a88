"""Reminders: sessions starting soon, modules left, certificates issued; once each, in the
officer's language, never to officers who opted out."""

from django.core import mail
from django.core.management import call_command

from certificates.services import issue_certificate
from courses.models import ModulePage
from courses.services import complete, complete_module, enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def send(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_session_starting_in_seven_days_is_announced_once_with_its_calendar(
    lisbon, django_capture_on_commit_callbacks
):
    officer = UserFactory(preferred_language="fr")
    enrol(officer, make_session(lisbon.academy, days_ahead=7, title="Journée d'échange"))
    enrol(UserFactory(), make_session(lisbon.academy, days_ahead=8, title="Later"))

    send(django_capture_on_commit_callbacks)
    send(django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert message.subject == "Journée d'échange commence bientôt"
    assert "dans 7 jours" in message.body
    assert message.attachments[0][0] == "session.ics"


def test_officers_who_opted_out_get_no_reminder(lisbon, django_capture_on_commit_callbacks):
    officer = UserFactory(reminders=False)
    enrol(officer, make_session(lisbon.academy, days_ahead=1))

    send(django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_modules_left_are_counted_before_the_session_ends(
    lisbon, django_capture_on_commit_callbacks
):
    course = build_course(lisbon.academy, title="Mediation", modules=3)
    session = make_session(lisbon.academy, course=course, capacity=5, days_ahead=-3, length=11)
    behind, done = UserFactory(), UserFactory()
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    complete_module(enrol(behind, session), modules[0])
    finished = enrol(done, session)
    for module in modules:
        complete_module(finished, module)

    send(django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == [behind.email]
    assert "2 required modules are left" in message.body


def test_the_officer_is_told_once_when_a_certificate_is_issued(
    lisbon, django_capture_on_commit_callbacks
):
    officer = UserFactory()
    enrolment = enrol(officer, make_session(lisbon.academy, capacity=5))
    complete(enrolment)
    enrolment.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(enrolment)
        issue_certificate(enrolment)

    (message,) = mail.outbox
    assert certificate.serial in message.body
    assert "/en/my-learning/" in message.body


def test_the_profile_turns_reminders_off(client, officer):
    client.force_login(officer)

    client.post(
        "/en/accounts/profile/",
        {
            "full_name": officer.academy_profile.full_name,
            "force": officer.academy_profile.force.pk,
            "participant_type": "officer",
            "preferred_language": "en",
        },
    )

    officer.refresh_from_db()
    assert officer.academy_profile.reminders is False
