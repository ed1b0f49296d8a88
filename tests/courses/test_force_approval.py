"""Issue 21: a force that requires its own approval. The officer's request goes to the own
force's training manager, then to the host academy's coordinators; each decision has a
reason and an e-mail in the officer's language; no place is held until the host accepts."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from academy import policy
from academy.services import onboard_force
from courses.models import Enrolment
from courses.services import EnrolmentRefused, decide, decide_for_force, enrol
from tests.academy.sessions import make_session
from tests.factories import UserFactory

State = Enrolment.State


@pytest.fixture
def lisbon_officer(lisbon, lisbon_training_manager):
    return UserFactory(force=lisbon.academy.force, preferred_language="pt")


@pytest.fixture
def madrid_session(madrid):
    return make_session(madrid.academy, capacity=1, approval_required=True, title="Madrid day")


def test_onboarding_a_force_twice_changes_nothing(lisbon):
    first = onboard_force(lisbon.academy.force)
    second = onboard_force(lisbon.academy.force)

    assert first.created and not second.created
    assert first.training_manager_group == second.training_manager_group
    assert Group.objects.filter(name__endswith="training managers").count() == 1


def test_the_onboard_force_command_sets_the_own_approval(lisbon):
    call_command("onboard_force", "--all", "--requires-own-approval", stdout=StringIO())

    lisbon.academy.force.refresh_from_db()
    assert lisbon.academy.force.requires_own_approval
    assert lisbon.academy.force.training_manager_group is not None


def test_an_officer_of_such_a_force_asks_the_own_force_first(lisbon_officer, madrid_session):
    enrolment = enrol(lisbon_officer, madrid_session)

    assert enrolment.state == State.FORCE_REQUESTED
    assert not enrolment.holds_place


def test_a_session_of_the_own_city_needs_no_force_approval(lisbon, lisbon_officer):
    session = make_session(lisbon.academy, approval_required=True)

    assert enrol(lisbon_officer, session).state == State.REQUESTED


def test_the_managers_approval_sends_the_request_to_the_host_without_a_place(
    lisbon_officer, lisbon_training_manager, madrid_session
):
    enrolment = enrol(lisbon_officer, madrid_session)

    decide_for_force(
        enrolment, approve=True, reason="Travel budget agreed.", by=lisbon_training_manager
    )

    enrolment.refresh_from_db()
    assert enrolment.state == State.FORCE_APPROVED
    assert madrid_session.enrolments.holding_a_place().count() == 0
    assert enrolment in madrid_session.enrolments.requested()


def test_the_host_accepting_gives_the_place(
    lisbon_officer, lisbon_training_manager, madrid_session, madrid_coordinator
):
    enrolment = enrol(lisbon_officer, madrid_session)
    decide_for_force(enrolment, approve=True, reason="Agreed.", by=lisbon_training_manager)

    decide(enrolment, approve=True, reason="Welcome.", by=madrid_coordinator)

    enrolment.refresh_from_db()
    assert enrolment.state == State.APPROVED
    assert [change.to_state for change in enrolment.state_changes.all()] == [
        State.FORCE_REQUESTED,
        State.FORCE_APPROVED,
        State.APPROVED,
    ]


def test_the_host_accepting_a_full_session_puts_the_officer_on_the_waitlist(
    lisbon_officer, lisbon_training_manager, madrid_session, madrid_coordinator
):
    enrolment = enrol(lisbon_officer, madrid_session)
    decide_for_force(enrolment, approve=True, reason="Agreed.", by=lisbon_training_manager)
    enrol(UserFactory(), madrid_session)  # takes the only place meanwhile

    decide(enrolment, approve=True, reason="Welcome.", by=madrid_coordinator)

    enrolment.refresh_from_db()
    assert enrolment.state == State.WAITLISTED


def test_for_a_session_without_approval_the_managers_approval_gives_the_place(
    madrid, lisbon_officer, lisbon_training_manager
):
    session = make_session(madrid.academy, capacity=1, approval_required=False)
    enrolment = enrol(lisbon_officer, session)

    decide_for_force(enrolment, approve=True, reason="Agreed.", by=lisbon_training_manager)

    enrolment.refresh_from_db()
    assert enrolment.state == State.APPROVED


def test_the_host_cannot_decide_before_the_own_force(
    lisbon_officer, madrid_session, madrid_coordinator
):
    enrolment = enrol(lisbon_officer, madrid_session)

    with pytest.raises(EnrolmentRefused):
        decide(enrolment, approve=True, by=madrid_coordinator)


def test_the_managers_rejection_is_emailed_in_the_officers_language_with_its_reason(
    lisbon_officer, lisbon_training_manager, madrid_session, django_capture_on_commit_callbacks
):
    enrolment = enrol(lisbon_officer, madrid_session)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide_for_force(
            enrolment, approve=False, reason="Sem orçamento este ano.", by=lisbon_training_manager
        )

    (message,) = mail.outbox
    assert message.to == [lisbon_officer.email]
    assert "recusado" in message.subject.lower() or "recusad" in message.body.lower()
    assert "Sem orçamento este ano." in message.body


def test_the_managers_approval_is_emailed_with_its_reason(
    lisbon_officer, lisbon_training_manager, madrid_session, django_capture_on_commit_callbacks
):
    enrolment = enrol(lisbon_officer, madrid_session)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide_for_force(
            enrolment, approve=True, reason="Viagem aprovada.", by=lisbon_training_manager
        )

    (message,) = mail.outbox
    assert "Viagem aprovada." in message.body
    assert "Madrid day" in message.subject


def test_a_manager_sees_only_the_officers_of_the_own_force(
    lisbon_officer, lisbon_training_manager, madrid_session
):
    mine = enrol(lisbon_officer, madrid_session)
    other = enrol(UserFactory(), madrid_session)

    seen = policy.scope_to_managed_forces(Enrolment.objects.all(), lisbon_training_manager)

    assert list(seen) == [mine]
    assert other not in seen


def test_a_coordinator_manages_no_force(lisbon_coordinator):
    assert not policy.manages_a_force(lisbon_coordinator)


def test_the_manager_approves_in_the_admin(
    client, lisbon_officer, lisbon_training_manager, madrid_session
):
    enrolment = enrol(lisbon_officer, madrid_session)
    client.force_login(lisbon_training_manager)

    page = client.get(reverse("courses_force_requests"))
    assert "Madrid day" in page.content.decode()
    client.post(
        reverse("courses_force_requests"),
        {"enrolments": [enrolment.pk], "decision": "approve", "reason": "OK"},
    )

    enrolment.refresh_from_db()
    assert enrolment.state == State.FORCE_APPROVED


def test_a_manager_cannot_decide_another_forces_request(
    client, lisbon, madrid, lisbon_training_manager
):
    madrid_force = onboard_force(madrid.academy.force, requires_own_approval=True).force
    enrolment = enrol(UserFactory(force=madrid_force), make_session(lisbon.academy))
    client.force_login(lisbon_training_manager)

    client.post(
        reverse("courses_force_requests"),
        {"enrolments": [enrolment.pk], "decision": "approve", "reason": "OK"},
    )

    enrolment.refresh_from_db()
    assert enrolment.state == State.FORCE_REQUESTED


def test_the_force_report_lists_and_exports_only_the_own_officers(
    client, lisbon_officer, lisbon_training_manager, madrid_session
):
    enrol(lisbon_officer, madrid_session)
    enrol(UserFactory(full_name="Outsider Person"), madrid_session)
    client.force_login(lisbon_training_manager)

    page = client.get(reverse("courses_force_records")).content.decode()
    csv = b"".join(client.get(reverse("courses_force_records") + "?export=csv")).decode()
    xlsx = client.get(reverse("courses_force_records") + "?export=xlsx")

    name = lisbon_officer.academy_profile.full_name
    assert name in page and name in csv
    assert "Outsider Person" not in page and "Outsider Person" not in csv
    assert xlsx.status_code == 200


def test_officers_and_coordinators_cannot_open_the_managers_pages(client, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    # Wagtail turns the refusal into a redirect to the dashboard, with a message.
    assert client.get(reverse("courses_force_requests")).status_code in (302, 403)
    assert client.get(reverse("courses_force_records")).status_code in (302, 403)


def test_the_training_managers_are_told_a_request_awaits_them_in_their_language(
    lisbon, lisbon_training_manager, madrid_session, django_capture_on_commit_callbacks
):
    officer = UserFactory(force=lisbon.academy.force, full_name="Ana Costa")
    lisbon_training_manager.academy_profile.preferred_language = "pt"
    lisbon_training_manager.academy_profile.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enrol(officer, madrid_session)

    (message,) = [m for m in mail.outbox if m.to == [lisbon_training_manager.email]]
    assert "Ana Costa" in message.body and "Madrid day" in message.body
    assert "/admin/force-requests/" in message.body
    assert "aprovação" in message.subject
