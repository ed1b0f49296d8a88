"""The public site sends a Content-Security-Policy without 'unsafe-inline', and its pages
keep to it: no inline script, style attribute or event handler anywhere in their markup."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from certificates.services import issue_certificate
from courses.models import AssessmentPage, ModulePage
from courses.services import enrol, start_attempt
from tests.academy.sessions import make_session
from tests.certificates.test_certificates import completed
from tests.courses.builders import build_course

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts (data blocks such as
    application/json are not run), style elements and attributes, on* handlers and
    javascript: addresses."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            runs = attributes.get("type", "text/javascript") in {"text/javascript", "module"}
            self._in_script = runs and "src" not in attributes
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            address = (value or "").strip().lower()
            if name in {"href", "src", "action"} and address.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def officer_pages(lisbon, officer):
    """Every main page an officer sees, with progress, an attempt and a certificate."""
    course = build_course(lisbon.academy, modules=2)
    session = make_session(lisbon.academy, course=course, capacity=5)
    enrol(officer, session)
    module = ModulePage.objects.child_of(course).first()
    attempt = start_attempt(officer, AssessmentPage.objects.child_of(course).get().specific)
    certificate = issue_certificate(completed(lisbon.academy, officer))
    return [
        "/en/",
        reverse("catalogue"),
        lisbon.academy.url,
        course.url,
        module.url,
        reverse("session_detail", args=[session.pk]),
        reverse("attempt", args=[attempt.pk]),
        reverse("my_learning"),
        reverse("academy_profile"),
        reverse("password_change"),
        reverse("certificate_verify", args=[certificate.code]),
    ]


def test_public_pages_send_a_policy_without_unsafe_inline(client, db, home):
    for url in ("/en/", reverse("login"), reverse("sign_up"), reverse("certificate_verify_form")):
        response = client.get(url)

        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_signed_out_pages_have_no_inline_code(client, db, home):
    for url in (
        reverse("login"),
        reverse("sign_up"),
        reverse("password_reset"),
        reverse("certificate_verify_form"),
        "/en/no-such-page/",
    ):
        assert inline_code(client.get(url).content.decode()) == [], url


def test_an_officers_pages_have_no_inline_code(client, officer, officer_pages):
    client.force_login(officer)

    for url in officer_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


def test_pages_seen_by_staff_with_the_wagtail_user_bar_have_no_inline_code(
    client, lisbon, lisbon_trainer
):
    course = build_course(lisbon.academy, modules=1)
    client.force_login(lisbon_trainer)

    for url in ("/en/", course.url, ModulePage.objects.child_of(course).get().url):
        html = client.get(url).content.decode()
        assert "wagtail-userbar" in html
        assert inline_code(html) == [], url


def test_the_checker_finds_inline_code():
    found = inline_code(
        '<div style="width: 5%"></div><script>alert(1)</script><a onclick="x()">'
        '<script type="application/json">{"data": 1}</script><script src="/s.js"></script>'
    )

    assert found == ["<div style='width: 5%'>", "<script>alert(1)", "<a onclick='x()'>"]
