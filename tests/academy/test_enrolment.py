"""Sessions and enrolment: places, waitlist and decisions, through the services."""

import datetime

import pytest
from django.utils import timezone

from courses.models import Enrolment
from courses.services import EnrolmentRefused, decide, enrol, withdraw
from courses.services import enrolment as services
from tests.academy.sessions import make_session
from tests.concurrency import meet_after, race_test, run_at_once
from tests.factories import UserFactory


def test_places_then_waitlist(lisbon):
    session = make_session(lisbon.academy, capacity=2)
    states = [enrol(UserFactory(), session).state for _ in range(3)]

    assert states == [
        Enrolment.State.APPROVED,
        Enrolment.State.APPROVED,
        Enrolment.State.WAITLISTED,
    ]


def test_enrolling_twice_returns_the_same_enrolment(lisbon, officer):
    session = make_session(lisbon.academy)

    assert enrol(officer, session).pk == enrol(officer, session).pk
    assert Enrolment.objects.count() == 1


def test_a_freed_place_goes_to_the_first_waitlisted_officer(lisbon):
    session = make_session(lisbon.academy, capacity=1)
    first = enrol(UserFactory(), session)
    waiting = enrol(UserFactory(), session)
    later = enrol(UserFactory(), session)

    withdraw(first)

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert (waiting.state, later.state) == (Enrolment.State.APPROVED, Enrolment.State.WAITLISTED)


def test_a_decision_is_only_for_requested_enrolments(lisbon, officer):
    session = make_session(lisbon.academy, approval_required=True)
    enrolment = enrol(officer, session)
    decide(enrolment, approve=True)

    with pytest.raises(EnrolmentRefused, match="this one is approved"):
        decide(enrolment, approve=False)


def test_closed_enrolment_is_refused(lisbon, officer):
    session = make_session(
        lisbon.academy, enrolment_closes_at=timezone.now() - datetime.timedelta(days=1)
    )

    with pytest.raises(EnrolmentRefused, match="not open"):
        enrol(officer, session)


@race_test
def test_fifty_officers_at_once_never_exceed_twenty_places(lisbon, monkeypatch):
    """Fails without the row lock on the session in enrol: every request counts the places
    taken before the others are saved, and all fifty get one."""
    session = make_session(lisbon.academy, capacity=20, approval_required=True)
    officers = [UserFactory() for _ in range(50)]
    meet_after(monkeypatch, services, "_places_taken", 50)

    errors = run_at_once(lambda officer: enrol(officer, session), officers)

    assert errors == []
    states = list(Enrolment.objects.values_list("state", flat=True))
    assert states.count(Enrolment.State.REQUESTED) == 20
    assert states.count(Enrolment.State.WAITLISTED) == 30
