"""An officer with a record in every app: the person My data exports and erasure erases."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from academy.mail import send_to
from academy.services import publish_under
from certificates.services import issue_certificate
from courses.models import (
    AssessmentPage,
    Choice,
    ModulePage,
    PeerReview,
    Question,
    Response,
    Session,
)
from courses.services import (
    complete,
    complete_module,
    decide,
    enrol,
    grade_response,
    mark_attendance,
    save_answers,
    start_attempt,
    submit_attempt,
)
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.courses.package_builders import package_course, scorm12_files
from tests.courses.practices import build_practice
from tests.courses.test_package_play import commit, player_config
from tests.factories import UserFactory

NAME = "Zofia Quillfeather"
EMAIL = "zofia.quillfeather@police.example"
ANSWER = "I would first ask the residents of the street, as Zofia Quillfeather did."


def written_answer_assessment(course):
    return publish_under(
        course,
        AssessmentPage(
            title="Written check",
            questions=[
                Question(
                    kind="short_text",
                    text="Who do you ask first?",
                    points=Decimal(2),
                    choices=[],
                ),
                Question(
                    kind="single",
                    text="Who knows the street best?",
                    points=Decimal(1),
                    choices=[Choice(text="Its residents", is_correct=True), Choice(text="No one")],
                ),
            ],
        ),
    )


def package_enrolment(person, academy):
    course, module, package = package_course(academy, scorm12_files(), title="Radio procedure")
    session = make_session(academy, course=course, capacity=5, title="Radio, online")
    return module, package, enrol(person, session)


def build_record(city, trainer, coordinator, *, name=NAME, email=EMAIL):
    """A person with an enrolment decided with a reason that names them, module progress, a
    graded written answer, attendance, a certificate, e-mails, sign-ins and a log entry."""
    academy = city.academy
    # Portuguese: the certificate and the e-mails are in another language than the pages.
    person = UserFactory(full_name=name, email=email, force=academy.force, preferred_language="pt")
    course = build_course(academy, title="Listening to residents", modules=1)
    assessment = written_answer_assessment(course)
    session = make_session(
        academy,
        course=course,
        title="Listening, spring run",
        days_ahead=0,
        capacity=5,
        approval_required=True,
    )
    enrolment = enrol(person, session)
    decide(enrolment, approve=True, reason=f"{name} meets the prerequisites", by=coordinator)
    enrolment.refresh_from_db()
    complete_module(enrolment, ModulePage.objects.child_of(course).get())
    attempt = start_attempt(person, assessment)
    attempt = save_answers(attempt, {0: ([], ANSWER)}, attempt.sequence)
    submit_attempt(attempt)
    grade_response(
        Response.objects.get(attempt=attempt, question=0),
        points=2,
        comment=f"Well argued, {name}",
        by=trainer,
    )
    day = make_session(
        academy,
        title="Exchange Day on neighbourhood walks",
        days_ahead=0,
        capacity=5,
        format=Session.Format.RESIDENTIAL,
    )
    attended = enrol(person, day)
    mark_attendance(day, {(attended.pk, day.starts_on): True}, by=trainer)
    attended.refresh_from_db()
    if not attended.is_completed:
        complete(attended)
        attended.refresh_from_db()
    certificate = issue_certificate(attended)
    send_to(person, "academy/email/invitation", subject=f"Welcome, {name}")
    # Sign-ins: one refused, one accepted (django-axes records both).
    client = Client()
    client.post(reverse("login"), {"username": email, "password": "wrong"})
    client.post(reverse("login"), {"username": email, "password": "correct horse battery staple"})
    # The admin's history of the account names the person.
    log(instance=person, action="wagtail.edit", user=coordinator)
    # A SCORM course whose content saved words of the officer's own, and a peer review they
    # wrote (of another city's practice: the review is made here as the service saves it).
    module, package, scorm = package_enrolment(person, academy)
    client.force_login(person)
    _response, config = player_config(client, module)
    commit(client, module, config, 1, {"cmi.suspend_data": f"notes of {name}"})
    practice = build_practice(academy, title="Night buses")
    review_session = make_session(
        academy, kind=Session.Kind.PEER_REVIEW, practice=practice, title="Review of night buses"
    )
    review = PeerReview.objects.create(
        session=review_session,
        reviewer=person,
        strengths=f"As {name} saw it, the drivers know the riders",
        risks="Few buses after two.",
        recommendations="Publish the timetable.",
        transferable=PeerReview.Transferable.YES,
        transferable_why="Same network.",
        submitted_at=timezone.now(),
    )
    return {
        "person": person,
        "academy": academy,
        "enrolment": enrolment,
        "attempt": attempt,
        "certificate": certificate,
        "session": session,
        "day": day,
        "assessment": assessment,
        "scorm": scorm,
        "package": package,
        "review": review,
    }


@pytest.fixture
def record(lisbon, lisbon_trainer, lisbon_coordinator):
    return build_record(lisbon, lisbon_trainer, lisbon_coordinator)


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)
