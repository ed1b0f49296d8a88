"""What the records must still say after many officers used the site at once.

``check_invariants()`` reads the database (Django must be set up) and returns one
``Invariant`` per rule, each with the problems found: an empty list means the rule holds.
The load test runs it at the end; ``tests/test_load_invariants.py`` shows it can fail.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from certificates.models import Certificate
from courses.models import AssessmentAttempt, Enrolment, Response, Session

CENTS = Decimal("0.01")


@dataclass
class Invariant:
    """A rule of the records, and what breaks it (nothing when it holds)."""

    rule: str
    problems: list = field(default_factory=list)

    @property
    def holds(self):
        return not self.problems


@dataclass(frozen=True)
class SavedAnswer:
    """An answer a client was told was saved: by the autosave (with the sequence it was
    given back) or by a submit (the sequence it posted, plus one). Without a sequence,
    an answer sent that never had a reply (the client was stopped, the request timed
    out): it may or may not be stored."""

    attempt: int
    question: int
    selected: tuple
    sequence: int | None


def check_invariants(saved_answers=()):
    """Check every rule; ``saved_answers`` are the answers clients had a 2xx for."""
    return [
        Invariant("one enrolment per officer and session", _duplicate_enrolments()),
        Invariant("places given never exceed a session's places", _overbooked_sessions()),
        Invariant("one attempt number per officer and assessment", _duplicate_attempt_numbers()),
        Invariant("at most one attempt in progress per officer", _attempts_in_progress()),
        Invariant("no more attempts than allowed", _attempts_over_the_limit()),
        Invariant("every attempt graded once", _grades_counted_twice()),
        Invariant("submitted attempts keep an answer per question", _unanswered_questions()),
        Invariant("no saved answer lost", _lost_answers(saved_answers)),
        Invariant("certificate serials unique", _duplicate_serials()),
        Invariant("valid certificates: completed enrolments only, one each", _stray_certificates()),
    ]


def _duplicates(queryset, *fields):
    rows = queryset.values(*fields).annotate(times=Count("pk")).filter(times__gt=1)
    return [
        ", ".join(f"{name} {row[name]}" for name in fields) + f": {row['times']} times"
        for row in rows.order_by(*fields)
    ]


def _duplicate_enrolments():
    return _duplicates(Enrolment.objects.all(), "session", "officer")


def _overbooked_sessions():
    sessions = Session.objects.with_places_taken().filter(places_taken__gt=F("capacity"))
    return [
        f"session {s.pk} ({s.title}): {s.places_taken} places given, {s.capacity} places"
        for s in sessions.order_by("pk")
    ]


def _duplicate_attempt_numbers():
    return _duplicates(AssessmentAttempt.objects.all(), "assessment", "officer", "number")


def _attempts_in_progress():
    return _duplicates(AssessmentAttempt.objects.in_progress(), "assessment", "officer")


def _attempts_over_the_limit():
    rows = (
        AssessmentAttempt.objects.values("assessment", "officer")
        .annotate(used=Count("pk"), allowed=F("assessment__attempts_allowed"))
        .filter(used__gt=F("allowed"))
        .order_by("assessment", "officer")
    )
    return [
        f"assessment {row['assessment']}, officer {row['officer']}: "
        f"{row['used']} attempts, {row['allowed']} allowed"
        for row in rows
    ]


def _grades_counted_twice():
    """Two grades of one answer, or a score that is not the sum of its answers' points."""
    problems = _duplicates(Response.objects.all(), "attempt", "question")
    graded = AssessmentAttempt.objects.filter(state=AssessmentAttempt.State.GRADED).annotate(
        total=Sum("responses__points")
    )
    for pk, score, total in graded.values_list("pk", "score", "total").order_by("pk"):
        if score is None or Decimal(total or 0).quantize(CENTS) != score.quantize(CENTS):
            problems.append(f"attempt {pk}: score {score}, its answers add up to {total}")
    return problems


def _unanswered_questions():
    closed = (
        AssessmentAttempt.objects.exclude(state=AssessmentAttempt.State.IN_PROGRESS)
        .annotate(answered=Count("responses"))
        .values_list("pk", "questions", "answered")
        .order_by("pk")
    )
    return [
        f"attempt {pk}: {answered} answers kept for {len(questions)} questions"
        for pk, questions, answered in closed
        if answered != len(questions)
    ]


def _lost_answers(saved_answers):
    """The answer stored for each question is the last one a client was told was saved.

    Writes to one attempt are ordered by its sequence (each save or submit that stores
    answers moves it on by one, under a lock); two writes told the same sequence said
    the same thing, or one of them changed nothing. An answer sent without a reply may
    have been stored after the last one confirmed.
    """
    latest, unconfirmed = {}, {}
    for answer in saved_answers:
        key = (answer.attempt, answer.question)
        if answer.sequence is None:
            unconfirmed.setdefault(key, set()).add(tuple(sorted(answer.selected)))
        elif key not in latest or answer.sequence >= latest[key].sequence:
            latest[key] = answer
    if not latest:
        return []
    attempts = {attempt for attempt, _question in latest}
    stored = {
        (row.attempt_id, row.question): tuple(sorted(row.selected))
        for row in Response.objects.filter(attempt__in=attempts)
    }
    problems = []
    for key, answer in sorted(latest.items()):
        kept = stored.get(key)
        if kept != tuple(sorted(answer.selected)) and kept not in unconfirmed.get(key, ()):
            problems.append(
                f"attempt {key[0]}, question {key[1] + 1}: saved {list(answer.selected)} "
                f"(sequence {answer.sequence}), stored {list(kept) if kept else 'nothing'}"
            )
    return problems


def _duplicate_serials():
    return _duplicates(Certificate.objects.all(), "serial")


def _stray_certificates():
    problems = _duplicates(Certificate.objects.valid(), "enrolment")
    not_completed = Certificate.objects.valid().filter(
        ~Q(enrolment__state=Enrolment.State.COMPLETED)
    )
    problems += [
        f"certificate {serial}: its enrolment is not completed"
        for serial in not_completed.values_list("serial", flat=True).order_by("serial")
    ]
    return problems
