"""Assessment attempts under concurrent requests: two tabs, double clicks, the closing of
overdue attempts and trainers grading at once. An attempt is started, saved, closed and
graded once, on the answers and state it really has.

Each test shows that one row lock of courses/services/attempts.py is needed: it fails when that
``select_for_update()`` is removed (see tests/concurrency.py for how the race is made
to happen every time).
"""

import datetime
import threading
from decimal import Decimal

from django.http import QueryDict
from django.utils import timezone

from courses.models import AssessmentAttempt, AssessmentPage, Question
from courses.services import (
    StaleAnswers,
    answers_from_form,
    attempts,
    close_overdue_attempts,
    enrol,
    grade_response,
    save_answers,
    start_attempt,
    submit_attempt,
)
from tests.academy.sessions import make_session
from tests.concurrency import (
    MEETING_TIMEOUT,
    meet_before,
    meeting_point,
    race_test,
    run_at_once,
)
from tests.courses.builders import build_course, publish
from tests.factories import UserFactory


def assessment_for(academy, questions=None, **rules):
    """A published assessment, and an officer with a place in a session of its course."""
    course = build_course(academy, title="Mediation", modules=0)
    if questions is None:
        AssessmentPage.objects.child_of(course).update(**rules)
        assessment = AssessmentPage.objects.child_of(course).get().specific
    else:
        AssessmentPage.objects.child_of(course).delete()
        assessment = publish(course, AssessmentPage(title="Check", questions=questions, **rules))
    officer = UserFactory()
    enrol(officer, make_session(academy, course=course, capacity=5))
    return assessment, officer


def overdue(attempt):
    """The attempt's time ran out an hour ago (past the grace period)."""
    deadline = timezone.now() - datetime.timedelta(hours=1)
    AssessmentAttempt.objects.filter(pk=attempt.pk).update(deadline=deadline)


def written_questions():
    return [
        Question(kind="short_text", text=f"Describe conflict {n}.", points=Decimal(2))
        for n in (1, 2)
    ]


@race_test
def test_starting_in_one_tab_while_another_starts_and_submits_never_fails(lisbon, monkeypatch):
    """Fails without the row lock on the enrolment in start_attempt: the second tab counts
    no attempt, the first starts one and submits it, and the second then cannot create
    attempt 1 (it exists) nor resume it (it is submitted): a server error. (The attempts
    limit itself holds without the lock: the database allows one attempt per number.)"""
    assessment, officer = assessment_for(lisbon.academy, attempts_allowed=2)
    counted, submitted = threading.Event(), threading.Event()
    draw, role = attempts._draw_questions, threading.local()

    def draw_in_turn(assessment):
        # Both tabs have counted the attempts used before the first one starts.
        if role.name == "second tab":
            counted.set()
            submitted.wait(MEETING_TIMEOUT)
        else:
            counted.wait(MEETING_TIMEOUT)
        return draw(assessment)

    monkeypatch.setattr(attempts, "_draw_questions", draw_in_turn)

    def act(name):
        role.name = name
        if name == "second tab":
            start_attempt(officer, assessment)
            return
        try:
            submit_attempt(start_attempt(officer, assessment))
        finally:
            submitted.set()

    errors = run_at_once(act, ["first tab", "second tab"])

    assert errors == []
    assert AssessmentAttempt.objects.filter(officer=officer).count() <= 2


@race_test
def test_an_overdue_attempt_closed_while_its_officer_submits_is_submitted_once(lisbon, monkeypatch):
    """Fails without the row lock on the attempt in close_overdue_attempts: the closing
    reads the attempt in progress while the officer's submit grades it, and grades it
    again: the unanswered question gets a second response row, refused by the database
    (a server error for the officer, or a closing run that stops), and an answered
    attempt would be graded twice, both saying they submitted it."""
    assessment, officer = assessment_for(lisbon.academy, time_limit_minutes=10)
    attempt = start_attempt(officer, assessment)
    overdue(attempt)
    meet_before(monkeypatch, attempts, "_submit", 2)
    closed, submitted_now = [], []

    def act(who):
        if who == "officer":
            submitted_now.append(submit_attempt(attempt)[1])
        else:
            closed.append(close_overdue_attempts())

    errors = run_at_once(act, ["officer", "scheduler"])

    assert errors == []
    assert sum(closed) + sum(submitted_now) == 1


@race_test
def test_a_new_attempt_started_while_overdue_ones_are_closed_grades_the_old_one_once(
    lisbon, monkeypatch
):
    """Fails without the row lock on the overdue attempts in start_attempt: starting reads
    the old attempt in progress while the closing grades it, and grades it a second time:
    its unanswered question gets a second response row, refused by the database, and the
    officer's new attempt is a server error."""
    assessment, officer = assessment_for(lisbon.academy, time_limit_minutes=10)
    attempt = start_attempt(officer, assessment)
    overdue(attempt)
    submit, meet, graded = attempts._submit, meeting_point(2), []

    def submit_counted(attempt, **kwargs):
        meet()
        graded.append(attempt.pk)
        return submit(attempt, **kwargs)

    monkeypatch.setattr(attempts, "_submit", submit_counted)

    def act(who):
        if who == "officer":
            start_attempt(officer, assessment)
        else:
            close_overdue_attempts()

    errors = run_at_once(act, ["officer", "scheduler"])

    assert errors == []
    assert graded == [attempt.pk]
    assert AssessmentAttempt.objects.get(pk=attempt.pk).state == AssessmentAttempt.State.GRADED
    assert AssessmentAttempt.objects.filter(officer=officer).in_progress().count() == 1


@race_test
def test_two_tabs_saving_different_answers_at_once_keep_one_and_warn_the_other(lisbon, monkeypatch):
    """Fails without the row lock on the attempt in save_answers: both tabs pass the check
    of the page's sequence number, and both write the answer, the second over the first
    (or it fails on the one-response-per-question constraint): a server error or an
    answer silently overwritten instead of a warning."""
    assessment, officer = assessment_for(lisbon.academy)
    attempt = start_attempt(officer, assessment)
    choices = [choice["id"] for choice in attempt.questions[0]["choices"]]
    meet_before(monkeypatch, attempts, "_store", 2)
    saved = []

    def save(choice):
        form = QueryDict(mutable=True)
        form.setlist("question", ["0"])
        form.setlist("q0", [str(choice)])
        save_answers(attempt, answers_from_form(attempt, form), sequence=0)
        saved.append(choice)

    errors = run_at_once(save, choices)

    assert [type(error) for error in errors] == [StaleAnswers]
    attempt.refresh_from_db()
    assert attempt.sequence == 1
    assert [response.selected for response in attempt.responses.all()] == [saved]


@race_test
def test_two_trainers_grading_the_written_answers_at_once_give_the_attempt_its_score(
    lisbon, lisbon_trainer, monkeypatch
):
    """Fails without the row lock on the attempt in grade_response: each trainer's grading
    sees the other answer still ungraded, so the attempt stays "waiting for a trainer"
    with every answer graded, and never counts towards completion."""
    assessment, officer = assessment_for(lisbon.academy, questions=written_questions())
    attempt = start_attempt(officer, assessment)
    form = QueryDict(mutable=True)
    form.setlist("question", ["0", "1"])
    form["q0-text"], form["q1-text"] = "Noise at night.", "A shared hedge."
    submit_attempt(attempt, answers=answers_from_form(attempt, form), sequence=0)
    meet_before(monkeypatch, attempts, "_finalise", 2)

    errors = run_at_once(
        lambda response: grade_response(response, points=2, comment="Clear.", by=lisbon_trainer),
        list(attempt.responses.all()),
    )

    assert errors == []
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (AssessmentAttempt.State.GRADED, 4)


@race_test
def test_twenty_parallel_submits_grade_one_attempt_once(lisbon, monkeypatch):
    """Fails without the row lock on the attempt in submit_attempt: every request finds it
    in progress, stores the answers and grades it (or fails on the one-response-per-question
    constraint)."""
    assessment, officer = assessment_for(lisbon.academy)
    attempt = start_attempt(officer, assessment)
    right = [c["id"] for c in attempt.questions[0]["choices"] if c["correct"]]
    meet_before(monkeypatch, attempts, "_store", 20)

    errors = run_at_once(
        lambda _n: submit_attempt(attempt, answers={0: (right, "")}, sequence=0), range(20)
    )

    assert errors == []
    attempt.refresh_from_db()
    assert attempt.state == AssessmentAttempt.State.GRADED and attempt.score == 1
    assert attempt.responses.count() == 1 and attempt.sequence == 1
