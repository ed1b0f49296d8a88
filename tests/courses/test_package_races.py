"""A package's commits under concurrent requests (two tabs, a retried request)."""

from courses.models import PackageTracking, Statement
from courses.services import enrol
from courses.services import packages as services
from tests.academy.sessions import make_session
from tests.concurrency import meet_after, race_test, run_at_once
from tests.courses.package_builders import package_course, scorm12_files
from tests.factories import UserFactory


@race_test
def test_two_tabs_committing_at_once_each_keep_their_time(lisbon, monkeypatch):
    """Fails without the row lock in ``_tracking_row`` (services/packages.py): both tabs read
    the row before either writes, and the later save drops the other tab's launch, so its
    time is lost."""
    course, module, package = package_course(lisbon.academy, scorm12_files())
    enrolment = enrol(UserFactory(), make_session(lisbon.academy, course=course, capacity=5))
    services.commit_tracking(
        enrolment, module, package, sco="lesson-1", launch="first", sequence=1, report={}
    )
    meet_after(monkeypatch, services, "_tracking_row", 2)
    tabs = {"tab-one": 120, "tab-two": 60}

    errors = run_at_once(
        lambda launch: services.commit_tracking(
            enrolment,
            module,
            package,
            sco="lesson-1",
            launch=launch,
            sequence=1,
            report={"seconds": tabs[launch]},
        ),
        list(tabs),
    )

    assert errors == []
    assert PackageTracking.objects.get(enrolment=enrolment).seconds_spent == 180


@race_test
def test_a_commit_sent_twice_at_once_counts_once(lisbon, monkeypatch):
    """Without the row lock both requests find the sequence new: each would record the
    completion (two xAPI statements for one event)."""
    course, module, package = package_course(lisbon.academy, scorm12_files())
    enrolment = enrol(UserFactory(), make_session(lisbon.academy, course=course, capacity=5))
    services.commit_tracking(
        enrolment, module, package, sco="lesson-1", launch="tab", sequence=1, report={}
    )
    meet_after(monkeypatch, services, "_tracking_row", 2)

    errors = run_at_once(
        lambda _n: services.commit_tracking(
            enrolment,
            module,
            package,
            sco="lesson-1",
            launch="tab",
            sequence=2,
            report={"seconds": 90, "completion": "completed"},
        ),
        range(2),
    )

    assert errors == []
    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert tracking.seconds_spent == 90
    assert tracking.launches["tab"] == {"seq": 2, "seconds": 90}
    completions = Statement.objects.filter(payload__verb__display__contains={"en-US": "completed"})
    assert completions.count() == 3  # the SCO, the module and the course: once each
