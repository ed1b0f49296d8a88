"""Assessment attempts: start, save answers, submit, grade (results: ``courses.queries``).

Every operation locks the row it changes, so a double click, a retry or two tabs never
start two attempts, grade one twice or overwrite newer answers with older ones; the
database holds the same rules as constraints.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import xapi
from courses.models import AssessmentAttempt, Enrolment, Question, Response
from courses.queries import enrolment_for, may_grade

from .enrolment import evaluate_completion

# Time given past the limit for a submit that was sent in time but arrived late.
GRACE = datetime.timedelta(seconds=30)
MAX_TEXT = 5000
CENTS = Decimal("0.01")


class AttemptRefused(Exception):
    """An attempt operation that is not allowed; the message says why, to the officer."""


class StaleAnswers(AttemptRefused):
    """A form older than the answers saved since (another tab, a replayed post)."""


# Starting


def _draw_questions(assessment):
    """The questions an attempt asks, as a snapshot: pools drawn and order shuffled as set."""
    chooser = random.SystemRandom()
    questions = list(
        Question.objects.filter(assessment=assessment)
        .prefetch_related("choices")
        .order_by("sort_order", "pk")
    )
    draws = {draw.pool: draw.questions_to_draw for draw in assessment.pools.all()}
    asked, pools = [], {}
    for question in questions:
        if question.pool and question.pool in draws:
            pools.setdefault(question.pool, []).append(question)
        else:
            asked.append(question)
    for pool, members in pools.items():
        drawn = set(chooser.sample(members, min(draws[pool], len(members))))
        asked.extend(question for question in members if question in drawn)
    asked.sort(key=lambda question: (question.sort_order or 0, question.pk))
    if assessment.shuffle_questions:
        chooser.shuffle(asked)
    snapshot = []
    for question in asked:
        choices = [
            {"id": c.pk, "text": c.text, "correct": c.is_correct, "feedback": c.feedback}
            for c in sorted(question.choices.all(), key=lambda c: (c.sort_order or 0, c.pk))
        ]
        if assessment.shuffle_choices and question.kind != Question.Kind.TRUE_FALSE:
            chooser.shuffle(choices)
        snapshot.append(
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.text,
                "points": str(question.points),
                "partial_credit": question.partial_credit,
                "feedback": question.feedback,
                "choices": choices,
            }
        )
    return snapshot


def _course_enrolment(officer, assessment):
    enrolment = enrolment_for(officer, assessment.get_parent())  # by its translation key
    if enrolment is None or not enrolment.is_approved:
        raise AttemptRefused(
            _("Assessments are open to officers with a place in a session of this course.")
        )
    return enrolment


@transaction.atomic
def start_attempt(officer, assessment):
    """Start an attempt, or resume the one in progress. Race-free: the enrolment is locked
    while attempts are counted, and the database allows one attempt in progress.

    One row lock (the enrolment's) and the same queries whatever the number of questions;
    an attempt in progress whose time is up is locked too, and submitted."""
    enrolment = _course_enrolment(officer, assessment)
    Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    attempts = AssessmentAttempt.objects.filter(assessment=assessment, officer=officer)
    current = attempts.in_progress().first()
    if current is not None and _is_overdue(current):
        current = _locked(current)  # its own tab may be saving or submitting it right now
        if current.is_in_progress:
            _submit(current, automatically=True)
        current = None
    if current is not None:
        return current
    used = attempts.count()
    if used >= assessment.attempts_allowed:
        raise AttemptRefused(_("You have no attempt left at this assessment."))
    questions = _draw_questions(assessment)
    now = timezone.now()
    try:
        with transaction.atomic():
            return AssessmentAttempt.objects.create(
                assessment=assessment,
                enrolment=enrolment,
                officer=officer,
                number=used + 1,
                questions=questions,
                max_score=sum((Decimal(q["points"]) for q in questions), Decimal(0)),
                pass_mark=assessment.pass_mark,
                deadline=(
                    now + datetime.timedelta(minutes=assessment.time_limit_minutes)
                    if assessment.time_limit_minutes
                    else None
                ),
            )
    except IntegrityError:  # the same officer started it a moment ago, from another session
        return attempts.in_progress().get()


# Answering


def answers_from_form(attempt, data):
    """The answers a form posts, by question position: ``{position: (choice ids, text)}``.

    Only the questions the form names (``question`` fields) are read: a page posting
    one answer (the autosave script) leaves the others as they are.
    """
    answers = {}
    for value in data.getlist("question"):
        try:
            position = int(value)
        except ValueError:
            raise AttemptRefused(_("This form is not one of this attempt's.")) from None
        if not 0 <= position < len(attempt.questions):
            raise AttemptRefused(_("This form is not one of this attempt's."))
        selected = data.getlist(f"q{position}")
        # NUL never comes from typing, and PostgreSQL cannot store it in text.
        text = data.get(f"q{position}-text", "").replace("\x00", "")
        answers[position] = (selected, text)
    return answers


def _checked(attempt, answers):
    """Answers validated against the attempt's own questions and choices."""
    checked = {}
    for position, (selected, text) in answers.items():
        question = attempt.questions[position]
        allowed = {choice["id"] for choice in question["choices"]}
        try:
            ids = sorted({int(choice) for choice in selected if str(choice).strip()})
        except (TypeError, ValueError):
            ids = None
        if ids is None or not set(ids) <= allowed:
            raise AttemptRefused(
                _("Question %(number)d: that choice is not one of its options.")
                % {"number": position + 1}
            )
        if question["kind"] != Question.Kind.MULTIPLE and len(ids) > 1:
            raise AttemptRefused(
                _("Question %(number)d takes one answer.") % {"number": position + 1}
            )
        if len(text) > MAX_TEXT:
            raise AttemptRefused(
                _("Question %(number)d: keep the answer under %(count)d characters.")
                % {"number": position + 1, "count": MAX_TEXT}
            )
        checked[position] = (
            ids,
            text.strip() if question["kind"] == Question.Kind.SHORT_TEXT else "",
        )
    return checked


def _store(attempt, checked):
    """Write the answers: at most three queries whatever their number."""
    existing = {response.question: response for response in attempt.responses.all()}
    new, changed, now = [], [], timezone.now()
    for position, (ids, text) in checked.items():
        response = existing.get(position)
        if response is None:
            new.append(Response(attempt=attempt, question=position, selected=ids, text=text))
        elif response.selected != ids or response.text != text:
            response.selected, response.text, response.saved_at = ids, text, now
            changed.append(response)
    Response.objects.bulk_create(new)
    Response.objects.bulk_update(changed, ["selected", "text", "saved_at"])


def _differs(attempt, checked):
    """Whether answers differ from those saved: an old form saying the same is harmless."""
    saved = {response.question: response for response in attempt.responses.all()}
    for position, (ids, text) in checked.items():
        response = saved.get(position)
        before = (response.selected, response.text) if response else ([], "")
        if before != (ids, text):
            return True
    return False


def _locked(attempt):
    return AssessmentAttempt.objects.select_for_update().get(pk=attempt.pk)


@transaction.atomic
def save_answers(attempt, answers, sequence):
    """Save answers of an attempt in progress; returns the attempt with its new sequence.

    ``sequence`` is the value the page was given: an older one means newer answers were
    saved since, and nothing is overwritten (``StaleAnswers``).
    """
    attempt = _locked(attempt)
    if attempt.is_in_progress and _is_overdue(attempt):
        _submit(attempt, automatically=True)
        raise AttemptRefused(
            _("Time is up: your attempt was submitted with the answers saved before.")
        )
    if not attempt.is_in_progress:
        raise AttemptRefused(_("This attempt is submitted: its answers can no longer change."))
    checked = _checked(attempt, answers)
    if sequence != attempt.sequence and _differs(attempt, checked):
        raise StaleAnswers(
            _(
                "Newer answers were saved since this page was opened (in another tab?). "
                "Nothing was overwritten: the page now shows the latest answers."
            )
        )
    _store(attempt, checked)
    attempt.sequence += 1
    attempt.save(update_fields=["sequence"])
    return attempt


def _is_overdue(attempt, now=None):
    return attempt.deadline is not None and (now or timezone.now()) > attempt.deadline + GRACE


# Submitting and grading


def _quantize(value):
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def choice_points(question, selected):
    """Points of a choice question: all or nothing, or right choices minus wrong ones."""
    points = Decimal(question["points"])
    correct = {c["id"] for c in question["choices"] if c["correct"]}
    wrong = {c["id"] for c in question["choices"] if not c["correct"]}
    chosen = set(selected)
    if question["kind"] != Question.Kind.MULTIPLE or question["partial_credit"] != (
        Question.PartialCredit.PROPORTIONAL
    ):
        return points if chosen == correct and correct else Decimal(0)
    right_share = Decimal(len(chosen & correct)) / len(correct) if correct else Decimal(0)
    wrong_share = Decimal(len(chosen & wrong)) / len(wrong) if wrong else Decimal(0)
    return _quantize(max(Decimal(0), right_share - wrong_share) * points)


def _finalise(attempt, responses):
    """The score once every answer has its points: the attempt is graded."""
    if any(response.points is None for response in responses):
        attempt.state = AssessmentAttempt.State.SUBMITTED
        return
    attempt.score = _quantize(sum((r.points for r in responses), Decimal(0)))
    attempt.state = AssessmentAttempt.State.GRADED
    attempt.graded_at = timezone.now()
    xapi.record(
        attempt.officer,
        "passed" if attempt.passed else "failed",
        xapi.page_activity("assessment", attempt.assessment),
        result=xapi.score_result(
            attempt.score / attempt.max_score if attempt.max_score else None,
            raw=attempt.score,
            success=attempt.passed,
            completion=True,
        ),
        enrolment=attempt.enrolment,
    )
    transaction.on_commit(lambda: _evaluate(attempt.enrolment_id))


def _evaluate(enrolment_id):
    evaluate_completion(Enrolment.objects.get(pk=enrolment_id))


def _submit(attempt, *, automatically=False):
    """Grade what can be graded automatically and close the attempt (row already locked)."""
    now = timezone.now()
    responses = {response.question: response for response in attempt.responses.all()}
    saved, new = list(responses.values()), []
    for position, question in enumerate(attempt.questions):
        response = responses.get(position)
        if response is None:
            response = responses[position] = Response(attempt=attempt, question=position)
            new.append(response)
        if question["kind"] == Question.Kind.SHORT_TEXT:
            if not response.text:
                response.points = Decimal(0)  # nothing written: nothing for a trainer to grade
        else:
            response.points = choice_points(question, response.selected)
    # The same queries whatever the number of questions.
    Response.objects.bulk_create(new)
    Response.objects.bulk_update(saved, ["points"])
    attempt.submitted_at = min(now, attempt.deadline) if automatically and attempt.deadline else now
    attempt.submitted_automatically = automatically
    xapi.record(
        attempt.officer,
        "submitted",
        xapi.page_activity("assessment", attempt.assessment),
        enrolment=attempt.enrolment,
    )
    _finalise(attempt, list(responses.values()))
    attempt.save()
    return attempt


@transaction.atomic
def submit_attempt(attempt, *, answers=None, sequence=None, time_is_up=False):
    """Submit an attempt, with the answers of the form if it sends them.

    Idempotent: submitting a submitted attempt returns it unchanged, so a double click,
    a retry or two tabs grade it exactly once. Returns (attempt, submitted now?).
    ``time_is_up`` closes it with the answers saved so far.
    """
    attempt = _locked(attempt)
    if attempt.state != AssessmentAttempt.State.IN_PROGRESS:
        return attempt, False
    if _is_overdue(attempt) or time_is_up:
        return _submit(attempt, automatically=True), True
    if answers:
        checked = _checked(attempt, answers)
        if sequence != attempt.sequence and _differs(attempt, checked):
            raise StaleAnswers(
                _(
                    "Newer answers were saved since this page was opened (in another tab?). "
                    "Nothing was submitted: check the latest answers and submit again."
                )
            )
        _store(attempt, checked)
        attempt.sequence += 1
    return _submit(attempt), True


def close_overdue_attempts(now=None):
    """Submit every attempt whose time is up, with the answers saved so far.

    Run regularly (``manage.py close_overdue_attempts``); pages also close an overdue
    attempt when its officer comes back. Returns how many were closed.
    """
    closed = 0
    overdue = AssessmentAttempt.objects.overdue(now or timezone.now(), GRACE)
    for attempt_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            attempt = AssessmentAttempt.objects.select_for_update().get(pk=attempt_id)
            if attempt.state == AssessmentAttempt.State.IN_PROGRESS:
                _submit(attempt, automatically=True)
                closed += 1
    return closed


@transaction.atomic
def grade_response(response, *, points, comment, by):
    """A trainer grades a written answer, with a comment the officer reads in the review."""
    attempt = _locked(response.attempt)
    if not may_grade(by, attempt.assessment):
        raise PermissionDenied
    response = Response.objects.select_for_update().get(pk=response.pk)
    maximum = Decimal(attempt.questions[response.question]["points"])
    if not Decimal(0) <= Decimal(points) <= maximum:
        raise AttemptRefused(
            _("Give between 0 and %(points)s points.") % {"points": f"{maximum.normalize():f}"}
        )
    response.points = _quantize(points)
    response.comment = comment.replace("\x00", "").strip()  # NUL: see answers_from_form
    response.graded_by = by
    response.graded_at = timezone.now()
    response.save()
    if attempt.state != AssessmentAttempt.State.IN_PROGRESS:
        _finalise(attempt, list(attempt.responses.all()))
        attempt.save()
    return response
