"""Reports and the admin dashboard: each city's staff see their own; the network sees all."""

import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from certificates.reports import ProgressRows, SessionProgressView
from certificates.services import issue_certificate
from courses.models import ModulePage
from courses.services import complete, complete_module, enrol, record_visit
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def course_session(academy, modules=3, officers=2, title="Spring run"):
    course = build_course(academy, title=f"{title} course", modules=modules)
    session = make_session(academy, course=course, capacity=600, title=title)
    module_pages = list(ModulePage.objects.child_of(course).order_by("path"))
    enrolments = [enrol(UserFactory(), session) for _ in range(officers)]
    return session, module_pages, enrolments


def test_the_progress_matrix_shows_each_officer_and_module(client, madrid, madrid_coordinator):
    session, modules, (first, second) = course_session(madrid.academy)
    complete_module(first, modules[0])
    record_visit(first, modules[1])
    client.force_login(madrid_coordinator)

    page = client.get(reverse("home_session_progress", args=[session.pk])).content.decode()

    assert (
        first.officer.academy_profile.full_name in page
        and second.officer.academy_profile.full_name in page
    )
    assert "1. Module 1" in page and "3. Module 3" in page
    assert "done" in page and "started" in page


def test_the_progress_matrix_exports_to_xlsx_with_the_right_rows(
    client, madrid, madrid_coordinator
):
    session, modules, enrolments = course_session(madrid.academy, officers=3)
    complete_module(enrolments[0], modules[0])
    client.force_login(madrid_coordinator)

    response = client.get(reverse("home_session_progress", args=[session.pk]), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Officer", "Force", "State", "1. Module 1")
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(e.officer.academy_profile.full_name for e in enrolments)
    done = {row[0]: row[3] for row in rows[1:]}
    assert done[enrolments[0].officer.academy_profile.full_name] == "done"


def test_the_dashboard_shows_how_far_each_sessions_officers_are(client, madrid, madrid_coordinator):
    session, modules, (first, second) = course_session(madrid.academy, modules=2, title="Run")
    complete_module(first, modules[0])
    client.force_login(madrid_coordinator)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    row = page.split(">Run <")[1].split("</tr>")[0]
    assert "25%" in row  # one module done of two, for two officers


def test_another_citys_staff_cannot_see_a_session_report(
    client, madrid, lisbon_coordinator, lisbon_trainer
):
    session, _modules, _enrolments = course_session(madrid.academy)

    for user in (lisbon_coordinator, lisbon_trainer):
        client.force_login(user)
        url = reverse("home_session_progress", args=[session.pk])
        assert client.get(url).status_code == 404
        assert client.get(url, {"export": "xlsx"}).status_code == 404


def test_the_progress_matrix_queries_do_not_grow_with_officers_or_modules(
    client, madrid, madrid_coordinator
):
    client.force_login(madrid_coordinator)

    def count(modules, officers, title):
        session, module_pages, enrolments = course_session(
            madrid.academy, modules=modules, officers=officers, title=title
        )
        for enrolment in enrolments:
            complete_module(enrolment, module_pages[0])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home_session_progress", args=[session.pk]))
        assert response.status_code == 200
        shown.update(page=response.content.decode(), enrolments=enrolments)
        return len(captured.captured_queries)

    shown = {}
    assert count(2, 2, "Small") == count(8, 15, "Large")
    page, enrolments = shown["page"], shown["enrolments"]
    body = re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)
    assert body.count("<tr") == 15
    assert [
        e.officer.academy_profile.full_name
        for e in enrolments
        if e.officer.academy_profile.full_name not in body
    ] == []
    assert [n for n in range(1, 9) if f"{n}. Module {n}" not in page] == []


def test_the_dashboard_shows_a_coordinator_their_requests_and_sessions_only(
    client, madrid, lisbon, madrid_coordinator
):
    waiting = make_session(madrid.academy, approval_required=True, title="Madrid mediation day")
    enrol(UserFactory(), waiting)
    make_session(lisbon.academy, title="Lisbon safety walk")
    done = make_session(madrid.academy, title="Madrid peer review", capacity=5)
    complete(enrol(UserFactory(), done))
    client.force_login(madrid_coordinator)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "1 enrolment request waits for your decision." in page
    assert "1 completed officer has no certificate yet." in page
    assert "Madrid mediation day" in page and "1/2" in page
    assert "Lisbon safety walk" not in page


def test_the_network_report_is_for_network_admins(client, madrid, lisbon, network_admin):
    lisbon_officer = UserFactory(force=lisbon.academy.force)
    session = make_session(madrid.academy, title="Madrid Exchange Day", capacity=5)
    issue_certificate(complete_and_get(enrol(lisbon_officer, session)))
    client.force_login(network_admin)

    page = client.get(reverse("home_network_report")).content.decode()

    assert "Madrid City Police (Madrid)" in page
    per_force = page.split("Officers trained per force")[1].split("Officers trained per theme")[0]
    assert f"{lisbon_officer.academy_profile.force.name} (Lisbon)" in per_force
    export = client.get(reverse("home_network_report"), {"export": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    madrid_line = next(line for line in lines if line.startswith("Madrid City Police"))
    assert madrid_line.split(",")[1:4] == ["1", "1", "1"]


def test_coordinators_cannot_open_the_network_report(client, madrid, madrid_coordinator):
    client.force_login(madrid_coordinator)

    assert client.get(reverse("home_network_report")).status_code in (302, 403)


def complete_and_get(enrolment):
    complete(enrolment)
    enrolment.refresh_from_db()
    return enrolment


def test_the_sessions_report_gives_rates_and_certificates_of_the_citys_sessions(
    client, madrid, lisbon, madrid_coordinator
):
    session = make_session(madrid.academy, title="Madrid Exchange Day", capacity=5)
    done = complete_and_get(enrol(UserFactory(), session))
    enrol(UserFactory(), session)
    issue_certificate(done)
    make_session(lisbon.academy, title="Lisbon safety walk")
    client.force_login(madrid_coordinator)

    page = client.get(reverse("home_sessions_report")).content.decode()
    export = client.get(reverse("home_sessions_report"), {"export": "csv"})

    assert "Madrid Exchange Day" in page and "Lisbon safety walk" not in page
    assert "Completions per month (1 in the last twelve months)" in page
    lines = b"".join(export.streaming_content).decode().splitlines()
    row = next(line for line in lines if line.startswith("Madrid Exchange Day"))
    # places, waiting, completed, completion rate, pass rate, certificates, revoked, reissued,
    # partners among those with a place
    assert row.split(",")[3:] == ["2", "0", "1", "50", "", "1", "0", "0", "0"]


def test_the_progress_matrix_sorts_by_modules_done_across_pages(
    client, madrid, madrid_coordinator, monkeypatch
):
    session, modules, enrolments = course_session(madrid.academy, modules=3, officers=5)
    for count, enrolment in zip([0, 3, 1, 2, 0], enrolments, strict=True):
        for module in modules[:count]:
            complete_module(enrolment, module)
    monkeypatch.setattr(SessionProgressView, "paginate_by", 2)
    client.force_login(madrid_coordinator)
    url = reverse("home_session_progress", args=[session.pk])

    first = client.get(url, {"ordering": "progress"}).context["object_list"]
    second = client.get(url, {"ordering": "progress", "p": 2}).context["object_list"]

    assert [row.done for row in first] == [3, 2]
    assert [row.done for row in second] == [1, 0]
    assert first[0].officer == enrolments[1].officer.academy_profile.full_name


def test_the_progress_export_has_every_officer_once_whatever_its_length(
    client, madrid, madrid_coordinator, monkeypatch
):
    session, _modules, enrolments = course_session(madrid.academy, officers=5)
    monkeypatch.setattr(ProgressRows, "CHUNK", 2)
    client.force_login(madrid_coordinator)

    response = client.get(reverse("home_session_progress", args=[session.pk]), {"export": "csv"})

    lines = b"".join(response.streaming_content).decode().splitlines()[1:]
    names = sorted(line.split(",")[0] for line in lines)
    assert names == sorted(enrolment.officer.academy_profile.full_name for enrolment in enrolments)


def test_the_progress_page_names_its_session_in_the_header(client, madrid, madrid_coordinator):
    session, _modules, _enrolments = course_session(madrid.academy, title="Harbour patrol run")
    client.force_login(madrid_coordinator)

    page = client.get(reverse("home_session_progress", args=[session.pk])).content.decode()

    sublabel = re.search(r'class="w-breadcrumbs__sublabel[^"]*">\s*([^<]*?)\s*<', page)
    assert sublabel.group(1) == "Harbour patrol run"
