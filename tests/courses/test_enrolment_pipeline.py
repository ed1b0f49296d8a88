"""Enrolment states change only as ``Enrolment.PIPELINE`` allows, through ``set_state``,
and every change is recorded: from, to, who, when and why."""

import pytest
from django.utils import translation

from courses.models import Enrolment, EnrolmentRefused, EnrolmentStateChange
from courses.services import decide, enrol, withdraw
from courses.signals import enrolment_completed
from tests.academy.sessions import make_session
from tests.factories import UserFactory

State = Enrolment.State
TRANSITIONS = [(old, new) for old in State for new in State]


@pytest.fixture
def session(lisbon):
    return make_session(lisbon.academy, capacity=5)


def enrolment_in(session, state):
    return Enrolment.objects.create(officer=UserFactory(), session=session, state=state)


def test_the_pipeline_names_every_state():
    assert set(Enrolment.PIPELINE) == set(State)
    assert all(set(targets) <= set(State) for targets in Enrolment.PIPELINE.values())


@pytest.mark.parametrize(("old", "new"), TRANSITIONS, ids=[f"{o}-{n}" for o, n in TRANSITIONS])
def test_each_change_in_the_pipeline_works_and_every_other_is_refused(
    session, lisbon_coordinator, old, new, django_capture_on_commit_callbacks
):
    enrolment = enrolment_in(session, old)
    allowed = new in Enrolment.PIPELINE[old]

    if allowed:
        with django_capture_on_commit_callbacks(execute=True):
            enrolment.set_state(new, by=lisbon_coordinator, reason="Checked with the force.")
        stored = Enrolment.objects.get(pk=enrolment.pk)
        assert stored.state == new and stored.reason == "Checked with the force."
        (change,) = stored.state_changes.all()
        assert (change.from_state, change.to_state) == (old, new)
        assert change.changed_by == lisbon_coordinator
        assert change.reason == "Checked with the force."
        assert (stored.completed_at is not None) == (new == State.COMPLETED)
    else:
        with translation.override("en"), pytest.raises(EnrolmentRefused) as refusal:
            enrolment.set_state(new, by=lisbon_coordinator, reason="Why not?")
        assert str(refusal.value) == (
            f"An enrolment cannot go from “{old.label}” to “{new.label}”."
        )
        stored = Enrolment.objects.get(pk=enrolment.pk)
        assert (stored.state, stored.reason, stored.completed_at) == (old, "", None)
        assert not stored.state_changes.exists()


@pytest.mark.parametrize("state", list(State))
def test_an_enrolment_starts_only_in_an_initial_state(session, state):
    enrolment = Enrolment(officer=UserFactory(), session=session)

    if state in Enrolment.INITIAL:
        enrolment.set_state(state, by=enrolment.officer)
        (change,) = EnrolmentStateChange.objects.filter(enrolment=enrolment)
        assert (change.from_state, change.to_state) == ("", state)
    else:
        with pytest.raises(EnrolmentRefused):
            enrolment.set_state(state)
        assert not Enrolment.objects.filter(session=session).exists()


def test_the_refusal_is_translated(session):
    enrolment = enrolment_in(session, State.REJECTED)

    with translation.override("fr"), pytest.raises(EnrolmentRefused) as refusal:
        enrolment.set_state(State.APPROVED)

    assert str(refusal.value) != (
        f"An enrolment cannot go from “{State.REJECTED.label}” to “{State.APPROVED.label}”."
    )


def test_a_decision_keeps_its_reason_and_who_made_it(lisbon, lisbon_coordinator):
    session = make_session(lisbon.academy, capacity=5, approval_required=True)
    request = enrol(UserFactory(), session)

    decide(request, approve=False, reason="Not a member force yet.", by=lisbon_coordinator)

    history = list(request.state_changes.values_list("from_state", "to_state", "changed_by"))
    assert history == [
        ("", State.REQUESTED, request.officer.pk),
        (State.REQUESTED, State.REJECTED, lisbon_coordinator.pk),
    ]
    assert request.state_changes.last().reason == "Not a member force yet."


def test_a_freed_place_is_recorded_as_given_by_no_one(lisbon):
    session = make_session(lisbon.academy, capacity=1)
    first, waiting = enrol(UserFactory(), session), enrol(UserFactory(), session)

    withdraw(first)

    change = waiting.state_changes.last()
    assert (change.from_state, change.to_state, change.changed_by) == (
        State.WAITLISTED,
        State.APPROVED,
        None,
    )
    assert first.state_changes.last().changed_by == first.officer


def test_completing_sends_the_completion_event_once_after_commit(
    session, django_capture_on_commit_callbacks
):
    enrolment = enrolment_in(session, State.APPROVED)
    heard = []

    def listen(sender, enrolment, **kwargs):
        heard.append(enrolment.pk)

    enrolment_completed.connect(listen)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            enrolment.set_state(State.COMPLETED)
            assert heard == []  # not before the transaction commits
        for callback in callbacks:
            callback()
        with pytest.raises(EnrolmentRefused):
            enrolment.set_state(State.COMPLETED)
    finally:
        enrolment_completed.disconnect(listen)

    assert heard == [enrolment.pk]
