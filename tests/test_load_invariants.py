"""The load test's checker of the records: silent on sound records, loud on broken ones."""

import pytest

from courses.models import AssessmentAttempt, AssessmentPage, Enrolment, Response, Session
from courses.services import enrol, save_answers, start_attempt, submit_attempt
from loadtest.invariants import SavedAnswer, check_invariants
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def broken(invariants):
    return {invariant.rule: invariant.problems for invariant in invariants if not invariant.holds}


@pytest.fixture
def course(lisbon):
    return build_course(lisbon.academy, modules=1)


@pytest.fixture
def session(lisbon, course):
    return make_session(lisbon.academy, capacity=2, course=course)


@pytest.fixture
def officers(session):
    officers = UserFactory.create_batch(2)
    for officer in officers:
        enrol(officer, session)
    return officers


@pytest.fixture
def assessment(course):
    return AssessmentPage.objects.child_of(course).get()


@pytest.fixture
def submitted(officers, assessment):
    """An attempt answered right (the first choice of its one question) and submitted."""
    attempt = start_attempt(officers[0], assessment)
    right = attempt.questions[0]["choices"][0]["id"]
    attempt = save_answers(attempt, {0: ([right], "")}, attempt.sequence)
    attempt, _now = submit_attempt(attempt)
    return attempt


def test_sound_records_break_no_rule(submitted):
    saved = SavedAnswer(submitted.pk, 0, tuple(submitted.responses.get().selected), 1)

    assert broken(check_invariants([saved])) == {}


def test_a_session_with_more_places_given_than_it_has_is_reported(session, officers):
    Session.objects.filter(pk=session.pk).update(capacity=1)

    problems = broken(check_invariants())

    assert list(problems) == ["places given never exceed a session's places"]
    assert "2 places given, 1 places" in problems["places given never exceed a session's places"][0]


def test_an_answer_saved_but_not_stored_is_reported(submitted):
    other_choice = submitted.questions[0]["choices"][1]["id"]
    told = SavedAnswer(submitted.pk, 0, (other_choice,), submitted.sequence + 5)

    problems = broken(check_invariants([told]))

    assert list(problems) == ["no saved answer lost"]


def test_an_older_save_overwritten_by_a_later_one_is_not_a_loss(submitted):
    other_choice = submitted.questions[0]["choices"][1]["id"]
    stored = tuple(submitted.responses.get().selected)
    told = [
        SavedAnswer(submitted.pk, 0, (other_choice,), 1),
        SavedAnswer(submitted.pk, 0, stored, 2),
    ]

    assert broken(check_invariants(told)) == {}


def test_an_answer_sent_without_a_reply_may_be_the_one_stored(submitted):
    stored = tuple(submitted.responses.get().selected)
    other_choice = submitted.questions[0]["choices"][1]["id"]
    told = [
        SavedAnswer(submitted.pk, 0, (other_choice,), submitted.sequence + 5),
        SavedAnswer(submitted.pk, 0, stored, None),
    ]

    assert broken(check_invariants(told)) == {}


def test_a_submitted_attempt_that_lost_an_answer_is_reported(submitted):
    Response.objects.filter(attempt=submitted).delete()
    AssessmentAttempt.objects.filter(pk=submitted.pk).update(score=0)

    problems = broken(check_invariants())

    assert list(problems) == ["submitted attempts keep an answer per question"]


def test_a_score_that_is_not_the_sum_of_its_answers_is_reported(submitted):
    AssessmentAttempt.objects.filter(pk=submitted.pk).update(score=submitted.score * 2)

    problems = broken(check_invariants())

    assert list(problems) == ["every attempt graded once"]


def test_more_attempts_than_allowed_are_reported(submitted, assessment):
    start_attempt(submitted.officer, assessment)
    AssessmentPage.objects.filter(pk=assessment.pk).update(attempts_allowed=1)

    assert list(broken(check_invariants())) == ["no more attempts than allowed"]


def test_a_certificate_of_an_enrolment_not_completed_is_reported(submitted, officers, session):
    from certificates.models import Certificate

    enrolment = Enrolment.objects.get(officer=officers[0], session=session)
    Certificate.objects.create(
        enrolment=enrolment,
        academy=session.academy,
        year=2026,
        number=1,
        serial="LIS-2026-000001",
        code="A" * 32,
        language="en",
        snapshot={},
        sha256="0" * 64,
    )

    assert list(broken(check_invariants())) == [
        "valid certificates: completed enrolments only, one each"
    ]
