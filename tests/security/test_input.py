"""Bad input: forged posts without CSRF tokens, malformed and oversized posts and files, HTML
and script in what is shown back, NUL characters."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from courses.models import AssessmentAttempt, AssessmentPage, Enrolment, ModulePage, Question
from courses.services import enrol, start_attempt, submit_attempt
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_state_changes_need_the_csrf_token(csrf_client, lisbon, officer, lisbon_coordinator):
    course = build_course(lisbon.academy, modules=1)
    session = make_session(lisbon.academy, course=course, capacity=5)
    enrolment = enrol(officer, session)
    attempt = start_attempt(officer, AssessmentPage.objects.child_of(course).get().specific)
    csrf_client.force_login(officer)

    for url in (
        reverse("session_withdraw", args=[session.pk]),
        reverse("attempt_save", args=[attempt.pk]),
        reverse("attempt_submit", args=[attempt.pk]),
        reverse("academy_profile"),
        reverse("logout"),
    ):
        assert csrf_client.post(url, {"question": "0", "sequence": "0"}).status_code == 403
    enrolment.refresh_from_db()
    attempt.refresh_from_db()
    assert (
        enrolment.state == Enrolment.State.APPROVED
        and attempt.state == AssessmentAttempt.State.IN_PROGRESS
    )


def test_html_in_names_and_answers_is_shown_as_text(client, lisbon, lisbon_trainer):
    officer = UserFactory(full_name=SCRIPT)
    course = build_course(lisbon.academy, modules=1)
    session = make_session(lisbon.academy, course=course, capacity=5, title=SCRIPT)
    enrol(officer, session)
    attempt = start_attempt(officer, AssessmentPage.objects.child_of(course).get().specific)
    submit_attempt(attempt)
    client.force_login(officer)

    pages = [
        client.get(reverse("my_learning")),
        client.get(reverse("session_detail", args=[session.pk])),
    ]
    client.force_login(lisbon_trainer)
    pages += [
        client.get(reverse("academy_session_enrolments", args=[session.pk])),
        client.get(reverse("home_session_progress", args=[session.pk])),
    ]

    for page in pages:
        content = page.content.decode()
        assert '<script>alert("x")</script>' not in content
        assert "<img src=x onerror" not in content
        assert "&lt;script&gt;" in content


def test_an_oversized_import_file_is_refused_with_a_message(client, lisbon, lisbon_coordinator):
    client.force_login(lisbon_coordinator)
    big = SimpleUploadedFile("big.csv", b"email,full_name\n" + b"x" * (3 * 1024 * 1024))

    response = client.post(
        reverse("academy_officer_import"), {"force": lisbon.academy.force.pk, "file": big}
    )

    assert "larger than 2 MB" in response.content.decode()


def test_an_import_file_with_nul_or_binary_bytes_is_refused_with_a_message(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)
    url = reverse("academy_officer_import")
    files = {
        b"email,full_name\nana@lisboa.example,Ana\x00Costa\n": "Nothing was imported",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR": "Save the file as “CSV UTF-8”",
    }
    for content, message in files.items():
        upload = SimpleUploadedFile("officers.csv", content)
        response = client.post(url, {"force": lisbon.academy.force.pk, "file": upload})

        assert response.status_code == 200
        assert message in response.content.decode()
    assert not get_user_model().objects.filter(email="ana@lisboa.example").exists()


def test_forged_session_and_enrolment_ids_are_not_found(client, officer, db):
    client.force_login(officer)

    assert client.post(reverse("session_enrol", args=[999999])).status_code == 404
    assert client.get(reverse("session_detail", args=[999999])).status_code == 404
    assert client.get(reverse("attempt", args=[999999])).status_code == 404


def test_script_and_javascript_links_in_a_trainers_rich_text_never_reach_the_page(
    client, lisbon, lisbon_trainer
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from courses.models import ModulePage
    from tests.courses.builders import add_url

    # What a forged editor could post: Draftail's content state with a javascript: link, and
    # raw HTML in the text.
    forged = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "depth": 0,
                "text": f"Read this {SCRIPT}",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 9, "key": 0}],
            }
        ],
        "entityMap": {
            "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}}
        },
    }
    course = build_course(lisbon.academy, modules=0)
    client.force_login(lisbon_trainer)
    data = nested_form_data(
        {
            "title": "Forged",
            "slug": "forged",
            "estimated_minutes": "5",
            "body": streamfield([("paragraph", json.dumps(forged))]),
            "comments": inline_formset([]),
        }
    )

    assert client.post(add_url(ModulePage, course), data).status_code == 302
    module = ModulePage.objects.get(slug="forged")
    stored = str(module.body[0].value.source)
    module.save_revision().publish()
    page = client.get(module.url).content.decode()

    assert "javascript:" not in stored and "javascript:" not in page
    assert '<script>alert("x")</script>' not in page
    assert "<img src=x onerror" not in page
    assert "&lt;script&gt;" in page


def test_malformed_posts_get_a_clear_refusal_never_a_server_error(
    client, lisbon, officer, lisbon_trainer
):
    course = build_course(lisbon.academy, modules=1)
    session = make_session(lisbon.academy, course=course, capacity=5)
    enrol(officer, session)
    assessment = AssessmentPage.objects.child_of(course).get().specific
    assessment.questions.add(Question(kind="short_text", text="Describe it.", points=1))
    assessment.save_revision().publish()
    attempt = start_attempt(officer, assessment)
    module = ModulePage.objects.child_of(course).get()
    client.force_login(officer)
    save, submit = (
        reverse("attempt_save", args=[attempt.pk]),
        reverse("attempt_submit", args=[attempt.pk]),
    )
    nul, huge = "Residents\x00", "x" * 1_000_000

    posts = [
        (save, {"question": "abc", "sequence": "0"}),
        (save, {"question": "-1", "sequence": "0"}),
        (save, {"question": "0", "q0": "999999", "sequence": "0"}),
        (save, {"question": "0", "q0": "1 OR 1=1", "sequence": "0"}),
        (save, {"question": "1", "q1-text": nul, "sequence": "0"}),
        (save, {"question": "1", "q1-text": huge, "sequence": "0"}),
        (save, {"question": "0", "sequence": "not a number"}),
        (submit, {"question": ["0", "0", "7"], "sequence": "x"}),
        (reverse("module_heartbeat", args=[module.pk]), {"position": "9" * 400}),
        (reverse("module_heartbeat", args=[module.pk]), {"position": nul}),
        (reverse("academy_profile"), {"full_name": nul, "first_name": huge}),
        (reverse("session_enrol", args=[session.pk]), {"anything": nul}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
    for path in ("/en/certificates/verify/%00/", "/en/catalogue/?q=%00&page=abc&theme=x"):
        assert client.get(path).status_code < 500, path

    attempt.refresh_from_db()
    officer.refresh_from_db()
    assert attempt.state == AssessmentAttempt.State.IN_PROGRESS
    assert "\x00" not in officer.academy_profile.full_name
    assert [response.text for response in attempt.responses.all()] == ["", "Residents"]

    submit_attempt(attempt)
    response = attempt.responses.get(question=1)
    client.force_login(lisbon_trainer)
    grade = reverse("courses_grade_attempt", args=[attempt.pk])
    for points in ("NaN", "Infinity", "1e999", "½"):
        refused = client.post(grade, {f"points-{response.pk}": points})
        assert refused.status_code == 200, points  # the form again, with its error
        response.refresh_from_db()
        assert response.points is None, points
    client.post(grade, {f"points-{response.pk}": "1", f"comment-{response.pk}": nul})
    response.refresh_from_db()
    assert (response.points, response.comment) == (1, "Residents")
