"""Enrolments under concurrent requests: each state change is made once, on the state it
saw, and a freed place always goes to someone waiting for it.

Each test shows that one row lock of courses/services/enrolment.py is needed: it fails when that
``select_for_update()`` is removed (see tests/concurrency.py for how the race is made
to happen every time).
"""

import threading

from django.core import mail

from courses.models import Attendance, Enrolment, Session
from courses.services import (
    EnrolmentRefused,
    cancel_session,
    complete,
    decide,
    enrol,
    mark_attendance,
    withdraw,
)
from courses.services import enrolment as services
from courses.signals import enrolment_completed
from tests.academy.sessions import make_session
from tests.concurrency import (
    MEETING_TIMEOUT,
    meet_after,
    meeting_before_saving,
    race_test,
    run_at_once,
)
from tests.factories import UserFactory


def states(*enrolments):
    return [Enrolment.objects.get(pk=enrolment.pk).state for enrolment in enrolments]


@race_test
def test_a_place_freed_while_an_officer_enrols_goes_to_that_officer(lisbon, monkeypatch):
    """Fails without the row lock on the session in promote_waitlist: the withdrawal looks
    for waitlisted officers before the newcomer, put on the waitlist because the place was
    still held, is saved; the newcomer then waits for a place that stays empty."""
    session = make_session(lisbon.academy, capacity=1)
    leaving = enrol(UserFactory(), session)
    newcomer = UserFactory()
    counted, withdrawn = threading.Event(), threading.Event()
    places_taken, role = services._places_taken, threading.local()

    def places_taken_in_turn(session):
        # The newcomer counts the place as taken, then the withdrawal looks for the
        # waitlisted: the order in which the race loses the place.
        if role.name == "enrol":
            taken = places_taken(session)
            counted.set()
            withdrawn.wait(MEETING_TIMEOUT)
            return taken
        counted.wait(MEETING_TIMEOUT)
        return places_taken(session)

    monkeypatch.setattr(services, "_places_taken", places_taken_in_turn)

    def act(name):
        role.name = name
        if name == "enrol":
            enrol(newcomer, session)
            return
        try:
            withdraw(leaving)
        finally:
            withdrawn.set()

    errors = run_at_once(act, ["withdraw", "enrol"])

    assert errors == []
    assert Enrolment.objects.get(officer=newcomer).state == Enrolment.State.APPROVED


@race_test
def test_two_requests_rejected_at_once_give_both_places_to_the_waitlist(lisbon, monkeypatch):
    """Fails without the row lock on the session in promote_waitlist: each rejection counts
    the other's place as still taken, so both give their one freed place to the same first
    waitlisted officer and the second waitlisted officer waits beside an empty place."""
    session = make_session(lisbon.academy, capacity=2, approval_required=True)
    requests = [enrol(UserFactory(), session) for _ in range(2)]
    waiting = [enrol(UserFactory(), session) for _ in range(2)]
    assert states(*waiting) == [Enrolment.State.WAITLISTED, Enrolment.State.WAITLISTED]
    meet_after(monkeypatch, services, "_places_taken", 2)

    errors = run_at_once(lambda request: decide(request, approve=False), requests)

    assert errors == []
    assert states(*waiting) == [Enrolment.State.REQUESTED, Enrolment.State.REQUESTED]


@race_test
def test_two_coordinators_deciding_one_request_at_once_make_one_decision(lisbon):
    """Fails without the row lock on the enrolment in decide: both coordinators see the
    request, both decisions are saved (the last one wins) and the officer is told both."""
    session = make_session(lisbon.academy, approval_required=True)
    request = enrol(UserFactory(), session)

    with meeting_before_saving(Enrolment, 2):
        errors = run_at_once(lambda approve: decide(request, approve=approve), [True, False])

    assert [type(error) for error in errors] == [EnrolmentRefused]
    assert "this one is" in str(errors[0])


@race_test
def test_an_officer_withdrawing_as_the_session_completes_is_withdrawn_or_completed(lisbon):
    """Fails without the row lock on the enrolment in withdraw (or in complete): both see
    it approved, both succeed, and the record ends withdrawn with a completion date (the
    completion already announced), or completed though the officer was told they left."""
    session = make_session(lisbon.academy, certificates_on_completion=False)
    enrolment = enrol(UserFactory(), session)

    with meeting_before_saving(Enrolment, 2):
        errors = run_at_once(lambda change: change(enrolment), [withdraw, complete])

    assert [type(error) for error in errors] == [EnrolmentRefused]
    enrolment.refresh_from_db()
    assert (enrolment.state == Enrolment.State.COMPLETED) == (enrolment.completed_at is not None)


@race_test
def test_an_enrolment_completed_by_two_requests_at_once_is_completed_once(lisbon):
    """Fails without the row lock on the enrolment in complete: both requests see it
    approved, so both complete it and ``enrolment_completed`` is sent twice (two
    certificates asked for, two completion messages)."""
    session = make_session(lisbon.academy, certificates_on_completion=False)
    enrolment = enrol(UserFactory(), session)
    sent, completed_now = [], []

    def count(sender, enrolment, **kwargs):
        sent.append(enrolment.pk)

    enrolment_completed.connect(count, weak=False)
    try:
        with meeting_before_saving(Enrolment, 2):
            errors = run_at_once(lambda _n: completed_now.append(complete(enrolment)), range(2))
    finally:
        enrolment_completed.disconnect(count)

    assert errors == []
    assert sorted(completed_now) == [False, True]
    assert sent == [enrolment.pk]


@race_test
def test_a_session_cancelled_twice_at_once_tells_each_officer_once(lisbon):
    """Fails without the row lock on the session in cancel_session: both coordinators see
    it open, both cancellations are saved and every officer gets two cancellation emails."""
    session = make_session(lisbon.academy, capacity=5)
    officers = [UserFactory() for _ in range(3)]
    for officer in officers:
        enrol(officer, session)
    mail.outbox.clear()

    with meeting_before_saving(Session, 2):
        errors = run_at_once(lambda reason: cancel_session(session, reason=reason), ["A", "B"])

    assert [str(error) for error in errors] == ["This session is already cancelled."]
    cancellations = [m.to for m in mail.outbox if "is cancelled" in m.subject]
    assert sorted(cancellations) == sorted([officer.email] for officer in officers)


@race_test
def test_two_trainers_marking_one_officer_present_at_once_record_one_mark(lisbon, lisbon_trainer):
    """Fails without the row lock on the session in mark_attendance: both trainers find the
    day unmarked and both add a mark; the second is refused by the database (one mark per
    officer and day), a server error for that trainer."""
    session = make_session(lisbon.academy, capacity=5, certificates_on_completion=False)
    enrolment = enrol(UserFactory(), session)
    present = {(enrolment.pk, session.starts_on): True}

    def mark(_n):
        mark_attendance(session, present, by=lisbon_trainer)

    with meeting_before_saving(Attendance, 2):
        errors = run_at_once(mark, range(2))

    assert errors == []
    assert list(Attendance.objects.values_list("present", flat=True)) == [True]


@race_test
def test_two_edits_moving_a_session_at_once_send_two_calendar_sequences(lisbon):
    """Fails without the row lock on the session in update_session: both edits read the
    same calendar sequence and both send their update under the next one, so calendars
    that got the first update ignore the second (same SEQUENCE) and keep the wrong venue."""
    session = make_session(lisbon.academy, capacity=5, venue="Town hall")
    before = session.calendar_sequence
    edits = []
    for venue in ("Police school", "Harbour station"):
        edit = Session.objects.get(pk=session.pk)
        edit.venue = venue
        edits.append(edit)

    with meeting_before_saving(Session, 2):
        errors = run_at_once(services.update_session, edits)

    assert errors == []
    assert Session.objects.get(pk=session.pk).calendar_sequence == before + 2
