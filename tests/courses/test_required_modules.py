"""One definition of "required modules done": the progress matrix, My learning, the course
page, the dashboard, the completion rule and the modules-left reminder agree on a course
with an optional module."""

import csv
import io

from django.core import mail
from django.urls import reverse

from courses.models import Enrolment, ModulePage
from courses.queries import completion_rule_met, learning_record
from courses.services import complete_module, enrol, remind_modules_left
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def test_every_count_of_required_modules_done_skips_optional_modules(
    client, madrid, madrid_coordinator, django_capture_on_commit_callbacks
):
    course = build_course(
        madrid.academy, title="Mediation", modules=4, require_passed_assessments=False
    )
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    ModulePage.objects.filter(pk=modules[3].pk).update(required=False)
    # The session ends in five days: the modules-left reminder of five days is due.
    session = make_session(
        madrid.academy, course=course, capacity=5, days_ahead=-5, length=11, title="Mediation"
    )
    officer = UserFactory()
    enrolment = enrol(officer, session)
    for module in (modules[0], modules[1], modules[3]):  # two required and the optional one
        complete_module(enrolment, module)

    # The completion rule: two of three required modules is not enough.
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED
    assert not completion_rule_met(enrolment)

    # My learning.
    (record,) = learning_record(officer)
    assert (record.modules_done, record.modules_required) == (2, 3)
    client.force_login(officer)
    assert "2 of 3 modules" in client.get(reverse("my_learning")).content.decode()

    # The course page.
    assert "2 of 3 required modules done" in client.get(course.url).content.decode()

    # The progress matrix.
    client.force_login(madrid_coordinator)
    export = client.get(reverse("home_session_progress", args=[session.pk]), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["Required modules done"] for row in rows] == ["2"]

    # The dashboard: two of three required modules for its one officer.
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "67%" in page.split(">Mediation <")[1].split("</tr>")[0]

    # The reminder: one required module left.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_modules_left(5) == 1
    (message,) = mail.outbox
    assert "1 required module is left" in message.body

    # The third required module completes the course.
    complete_module(enrolment, modules[2])
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.COMPLETED
