"""Issue 21: a place is held only once the host accepts, and two coordinators accepting
requests that the officers' forces approved never give more places than the session has.

Fails without the row lock on the session in ``decide`` (see tests/concurrency.py)."""

from courses.models import Enrolment
from courses.services import decide, decide_for_force, enrol
from courses.services import enrolment as services
from tests.academy.sessions import make_session
from tests.concurrency import meet_after, race_test, run_at_once
from tests.factories import UserFactory


@race_test
def test_two_hosts_accepting_at_once_give_one_last_place(
    lisbon, madrid, lisbon_training_manager, madrid_coordinator, monkeypatch
):
    session = make_session(madrid.academy, capacity=1, approval_required=True)
    requests = []
    for _n in range(2):
        enrolment = enrol(UserFactory(force=lisbon.academy.force), session)
        requests.append(decide_for_force(enrolment, approve=True, by=lisbon_training_manager))
    meet_after(monkeypatch, services, "_places_taken", 2)

    errors = run_at_once(
        lambda enrolment: decide(enrolment, approve=True, reason="Welcome", by=madrid_coordinator),
        requests,
    )

    assert errors == []
    states = sorted(Enrolment.objects.filter(session=session).values_list("state", flat=True))
    assert states == [Enrolment.State.APPROVED, Enrolment.State.WAITLISTED]
