"""An officer's learning: progress through modules, resume, order, completion, My learning."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment, ModulePage, ModuleProgress
from courses.services import enrol, record_heartbeat
from courses.signals import enrolment_completed
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def enrolled(officer, academy, modules=3, **course_fields):
    course = build_course(academy, title="Safer neighbourhoods", modules=modules, **course_fields)
    session = make_session(academy, course=course, capacity=600, title="Spring run")
    enrolment = enrol(officer, session)
    return course, list(ModulePage.objects.child_of(course).order_by("path")), enrolment


def test_an_enrolled_officer_sees_the_progress_bar_and_resumes(client, lisbon, officer):
    course, modules, _enrolment = enrolled(officer, lisbon.academy)
    client.force_login(officer)

    client.post(reverse("module_done", args=[modules[0].pk]))
    client.get(modules[1].url)
    page = client.get(course.url).content.decode()

    assert "1 of 3 required modules done (33%)" in page
    assert 'aria-valuenow="33"' in page
    assert f"Resume: {modules[1].title}" in page


def test_marking_a_module_done_twice_counts_it_once(client, lisbon, officer):
    _course, modules, enrolment = enrolled(officer, lisbon.academy)
    client.force_login(officer)

    client.post(reverse("module_done", args=[modules[0].pk]))
    client.post(reverse("module_done", args=[modules[0].pk]))

    assert (
        ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).count() == 1
    )


def test_modules_are_for_enrolled_officers(client, lisbon, officer):
    course = build_course(lisbon.academy, modules=1)
    module = ModulePage.objects.child_of(course).get()
    client.force_login(officer)

    page = client.get(module.url).content.decode()

    assert "Modules are open to officers enrolled in a session of this course." in page
    assert client.post(reverse("module_done", args=[module.pk])).status_code == 404


def test_a_course_taken_in_order_locks_later_modules(client, lisbon, officer):
    _course, modules, enrolment = enrolled(officer, lisbon.academy, modules_in_order=True)
    client.force_login(officer)

    page = client.get(modules[1].url).content.decode()
    client.post(reverse("module_done", args=[modules[1].pk]))

    assert "the course is taken in order" in page
    assert not ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False)


def test_finishing_every_module_completes_the_enrolment_once(
    client, lisbon, officer, django_capture_on_commit_callbacks
):
    _course, modules, enrolment = enrolled(
        officer, lisbon.academy, modules=2, require_passed_assessments=False
    )
    completions = []

    def listen(enrolment, **kwargs):
        completions.append(enrolment.pk)

    enrolment_completed.connect(listen)
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        for module in modules:
            client.post(reverse("module_done", args=[module.pk]))
        client.post(reverse("module_done", args=[modules[-1].pk]))
    enrolment_completed.disconnect(listen)

    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.COMPLETED
    assert completions == [enrolment.pk]


def test_heartbeats_count_time_once_and_bounded(lisbon, officer):
    _course, modules, enrolment = enrolled(officer, lisbon.academy, modules=1)
    row = record_heartbeat(enrolment, modules[0], 2)
    ModuleProgress.objects.filter(pk=row.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(seconds=30)
    )

    record_heartbeat(enrolment, modules[0], 3)
    record_heartbeat(enrolment, modules[0], 3)  # a retry right after adds nothing
    ModuleProgress.objects.filter(pk=row.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(hours=3)
    )
    record_heartbeat(enrolment, modules[0], 4)  # back after a long break: not counted

    row.refresh_from_db()
    assert 30 <= row.seconds_spent <= 31
    assert row.last_position == 4


def test_my_learning_lists_every_city_and_nobody_elses(client, lisbon, madrid, officer):
    enrolled(officer, lisbon.academy)
    enrol(officer, make_session(madrid.academy, title="Madrid Exchange Day"))
    stranger = UserFactory()
    enrol(stranger, make_session(madrid.academy, title="Someone else's peer review"))
    client.force_login(officer)

    page = client.get(reverse("my_learning")).content.decode()

    assert "Spring run" in page and "Madrid Exchange Day" in page
    assert "Someone else" not in page
    assert "0 of 3 modules" in page


def test_my_learning_queries_do_not_grow_with_enrolments(client, lisbon, officer):
    client.force_login(officer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("my_learning")).status_code == 200
        return len(captured.captured_queries)

    for number in range(2):
        course = build_course(lisbon.academy, title=f"Course {number}", modules=2)
        enrol(officer, make_session(lisbon.academy, course=course, title=f"Run {number}"))
    count()  # the first request fills the cache of the site's root paths
    small = count()
    for number in range(2, 12):
        course = build_course(lisbon.academy, title=f"Course {number}", modules=5)
        enrol(officer, make_session(lisbon.academy, course=course, title=f"Run {number}"))
    assert count() == small
    page = client.get(reverse("my_learning")).content.decode()
    assert [n for n in range(12) if f">Run {n}</a>" not in page] == []


def test_course_page_queries_do_not_grow_with_modules_for_an_officer(client, lisbon, officer):
    client.force_login(officer)

    def count(course):
        client.get(course.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(course.url).status_code == 200
        return len(captured.captured_queries)

    small, _m, _e = enrolled(officer, lisbon.academy, modules=2)
    large = build_course(lisbon.academy, title="Large", modules=12)
    enrol(officer, make_session(lisbon.academy, course=large, title="Large run"))
    for module in ModulePage.objects.child_of(large)[:5]:
        client.post(reverse("module_done", args=[module.pk]))
    assert count(large) == count(small)
    page = client.get(large.url).content.decode()
    assert "5 of 12 required modules done (42%)" in page
    assert [n for n in range(1, 13) if f">Module {n}<" not in page] == []


def test_my_learning_shows_what_comes_next(client, lisbon, madrid, officer):
    _course, modules, enrolment = enrolled(officer, lisbon.academy)
    enrol(officer, make_session(madrid.academy, title="Madrid peer review", approval_required=True))
    client.force_login(officer)

    page = client.get(reverse("my_learning")).content.decode()

    coming = page.split("Coming up")[1].split("Your record")[0]
    assert "Spring run" in coming and "Continue the course" in coming
    assert "0 of 3 modules" in coming
    assert "Madrid peer review" in coming and "the academy decides on your request" in coming
