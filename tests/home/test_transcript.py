"""The officer's PDF transcript: their own record only, readable in every European script."""

import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from courses.services import complete, enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_transcript_lists_completed_sessions_with_cpd_hours_and_those_under_way(
    client, lisbon, madrid, officer
):
    course = build_course(lisbon.academy, title="Safer neighbourhoods", modules=1, cpd_hours=6)
    done = enrol(officer, make_session(lisbon.academy, course=course, title="Lisbon spring run"))
    complete(done)
    enrol(officer, make_session(madrid.academy, title="Madrid Exchange Day"))
    client.force_login(officer)

    response = client.get(reverse("transcript"))

    text = pdf_text(response)
    assert officer.academy_profile.full_name in text
    assert "Lisbon spring run" in text and "Lisbon" in text
    assert "Madrid Exchange Day" in text
    assert "Total CPD hours: 6.0" in text
    assert "attachment" in response["Content-Disposition"]


def test_transcript_prints_names_in_every_script_and_html_as_text(client, lisbon):
    officer = UserFactory(full_name='Γιώργος Łukasz Иван <font color="[[[1]]]">x</font>')
    enrol(officer, make_session(lisbon.academy, title="Peer review <b>Lisbon</b>"))
    client.force_login(officer)

    text = pdf_text(client.get(reverse("transcript")))

    assert 'Γιώργος Łukasz Иван <font color="[[[1]]]">x</font>' in text
    assert "Peer review <b>Lisbon</b>" in text


def test_transcript_has_nobody_elses_sessions(client, lisbon, officer):
    enrol(UserFactory(), make_session(lisbon.academy, title="Someone else's Exchange Day"))
    enrol(officer, make_session(lisbon.academy, title="My Exchange Day"))
    client.force_login(officer)

    text = pdf_text(client.get(reverse("transcript")))

    assert "My Exchange Day" in text
    assert "Someone else" not in text


def test_transcript_is_in_the_visitors_language(client, lisbon, officer):
    enrol(officer, make_session(lisbon.academy, title="Dia de intercâmbio"))
    client.force_login(officer)

    text = pdf_text(client.get("/pt/my-learning/transcript.pdf"))

    assert "Percurso de formação" in text


def test_transcript_needs_sign_in(client, db):
    response = client.get(reverse("transcript"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_transcript_queries_do_not_grow_with_enrolments(client, lisbon, officer):
    client.force_login(officer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("transcript")).status_code == 200
        return len(captured.captured_queries)

    for number in range(2):
        course = build_course(lisbon.academy, title=f"Course {number}", modules=2)
        complete(enrol(officer, make_session(lisbon.academy, course=course, title=f"Run {number}")))
    small = count()
    for number in range(2, 12):
        course = build_course(lisbon.academy, title=f"Course {number}", modules=4)
        complete(enrol(officer, make_session(lisbon.academy, course=course, title=f"Run {number}")))
    assert count() == small
    text = pdf_text(client.get(reverse("transcript")))
    assert [n for n in range(12) if not re.search(rf"\bRun {n}\b", text)] == []
