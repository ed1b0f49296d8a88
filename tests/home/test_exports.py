"""Every report's CSV and XLSX read as the admin shows them: names as written (a UTF-8 byte
order mark for Excel), times in local time, a sheet named after the report."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from academy.exports import sheet_name
from courses.models import AssessmentPage
from courses.services import enrol, start_attempt, submit_attempt
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


@pytest.fixture
def attempt(madrid):
    """A submitted attempt of João's."""
    course = build_course(madrid.academy, modules=1)
    session = make_session(madrid.academy, course=course, capacity=5)
    officer = UserFactory(full_name="João Conceição")
    enrol(officer, session)
    assessment = AssessmentPage.objects.child_of(course).get()
    attempt = start_attempt(officer, assessment)
    submit_attempt(attempt)
    attempt.refresh_from_db()
    return attempt


def export(client, attempt, export_format):
    url = reverse("courses_assessment_results", args=[attempt.assessment_id])
    return b"".join(client.get(url, {"export": export_format}).streaming_content)


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_csv_export_starts_with_a_byte_order_mark_and_keeps_accented_names(
    client, attempt, madrid_coordinator
):
    client.force_login(madrid_coordinator)

    content = export(client, attempt, "csv")

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\xef\xbb\xbf") == 1
    assert [row["Officer"] for row in csv_rows(content)] == ["João Conceição"]


def test_times_in_a_csv_export_are_local_with_their_offset(client, attempt, madrid_coordinator):
    client.force_login(madrid_coordinator)

    (row,) = csv_rows(export(client, attempt, "csv"))

    started = datetime.datetime.fromisoformat(row["Started"])
    local = timezone.localtime(attempt.started_at)
    assert started.utcoffset() == local.utcoffset() != datetime.timedelta(0)
    assert started == attempt.started_at.replace(microsecond=0)


def test_times_in_an_xlsx_export_are_the_local_time_the_admin_shows(
    client, attempt, madrid_coordinator
):
    client.force_login(madrid_coordinator)

    sheet = load_workbook(io.BytesIO(export(client, attempt, "xlsx"))).active
    headings, row = sheet.iter_rows(values_only=True)

    started = dict(zip(headings, row, strict=True))["Started"]
    local = timezone.make_naive(timezone.localtime(attempt.started_at))
    assert abs(started - local) < datetime.timedelta(seconds=1)
    assert row[0] == "João Conceição"


@pytest.mark.parametrize(
    ("url_name", "sheet"),
    [
        ("courses_assessment_results", "Results"),
        ("courses_assessment_items", "Item analysis"),
        ("home_sessions_report", "Sessions"),
    ],
)
def test_the_xlsx_sheet_is_named_after_the_report(
    client, attempt, madrid_coordinator, url_name, sheet
):
    client.force_login(madrid_coordinator)
    args = [attempt.assessment_id] if url_name.startswith("courses") else []

    response = client.get(reverse(url_name, args=args), {"export": "xlsx"})

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [sheet]


def test_the_progress_sheet_is_named_after_the_report(client, attempt, madrid_coordinator):
    client.force_login(madrid_coordinator)
    url = reverse("home_session_progress", args=[attempt.enrolment.session_id])

    response = client.get(url, {"export": "xlsx"})

    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames == [
        "Progress"
    ]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Results: 2026/27 [draft]?", "Results 2026 27 draft"),
        ("A" * 40, "A" * 31),
        ("'quoted'", "quoted"),
        ("***", "Report"),
    ],
)
def test_a_sheet_name_is_one_excel_accepts(title, name):
    assert sheet_name(title) == name
