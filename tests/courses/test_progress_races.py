"""Module progress under concurrent requests (two tabs, a double click)."""

from courses.models import ModulePage, ModuleProgress
from courses.services import complete_module, enrol, record_visit
from courses.services import progress as services
from tests.academy.sessions import make_session
from tests.concurrency import meet_after, race_test, run_at_once
from tests.courses.builders import build_course
from tests.factories import UserFactory


@race_test
def test_a_module_marked_done_in_two_tabs_at_once_keeps_its_first_completion_time(
    lisbon, monkeypatch
):
    """Fails without the row lock on the progress row in ``_progress_row`` (services/progress.py):
    both tabs find the module not done and both save their own completion time, the later
    one over the earlier: the two tabs disagree on when it was done, and the record on
    both. (Heartbeats share the lock but need none: each writes the time since the
    ``last_seen_at`` it read, so a lost update never counts time twice.)"""
    course = build_course(lisbon.academy, title="Safer neighbourhoods", modules=1)
    module = ModulePage.objects.child_of(course).get()
    enrolment = enrol(UserFactory(), make_session(lisbon.academy, course=course, capacity=5))
    record_visit(enrolment, module)  # the module is open in both tabs
    meet_after(monkeypatch, services, "_progress_row", 2)
    done = []

    errors = run_at_once(lambda _n: done.append(complete_module(enrolment, module)), range(2))

    assert errors == []
    stored = ModuleProgress.objects.get(enrolment=enrolment, module=module).completed_at
    assert [row.completed_at for row in done] == [stored, stored]
