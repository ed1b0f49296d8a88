"""Accessibility of the main pages, on a desktop and at a phone's width: axe-core's WCAG 2.1
A and AA rules (contrast included; `npm ci` installs it), and our own basics: a language, one
main heading, a label for every control, text for every image, nothing wider than the screen.
(Anything the pages' Content-Security-Policy blocks fails the test: see conftest.)"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, ModulePage, Session

from .conftest import sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    });
    return result.violations.map(
        (rule) => rule.id + ": " + rule.nodes.map((node) => node.target.join(" ")).join(", "));
}"""

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHECKS = """() => {
    const problems = [];
    if (!document.documentElement.lang) problems.push("no lang on <html>");
    const h1 = document.querySelectorAll("h1").length;
    if (h1 !== 1) problems.push(h1 + " h1 headings");
    for (const control of document.querySelectorAll(
            "input:not([type=hidden]):not([type=submit]), select, textarea")) {
        const labelled = control.labels && control.labels.length
            || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
        if (!labelled) problems.push("unlabelled " + control.outerHTML.slice(0, 80));
    }
    for (const image of document.querySelectorAll("img")) {
        if (!image.hasAttribute("alt")) problems.push("image without alt " + image.src);
    }
    if (!document.querySelector("main")) problems.push("no <main>");
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 1) problems.push("page " + overflow + "px wider than the screen");
    return problems;
}"""


def shown(page, base, path):
    """Open ``path`` and check that it is the page shown (a 200 of the sign-in page
    it may have redirected to would hide that the page itself was never checked)."""
    assert page.goto(base + path).status == 200, path
    assert urlsplit(page.url).path == path, f"{path} led to {page.url}"


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_pass_the_basic_checks(demo, open_page, width):
    course = CoursePage.objects.live().filter(locale__language_code="en").first()
    module = ModulePage.objects.live().filter(locale__language_code="en").first()
    session = Session.objects.order_by("starts_on").last()
    public = [
        "/en/",
        "/en/catalogue/",
        course.url,
        "/en/accounts/sign-up/",
        "/en/accounts/login/",
        "/en/certificates/verify/",
        f"/en/sessions/{session.pk}/",
    ]
    if not AXE.exists():
        pytest.fail(f"axe-core is needed for the accessibility checks: run `npm ci` ({AXE}).")
    page = open_page(width=width, height=900)
    # Injected by the browser itself, so the page's own policy still holds for its code.
    page.add_init_script(path=str(AXE))
    problems = {}

    def check(path):
        shown(page, demo, path)
        expect(page.locator("main h1")).to_have_count(1)
        problems[path] = page.evaluate(CHECKS) + page.evaluate(AXE_RUN)

    for path in public:
        check(path)
    sign_in(page, demo, "officer.lisbon@academy.example")
    for path in ["/en/my-learning/", "/en/accounts/profile/", course.url, module.url]:
        check(path)

    assert {path: found for path, found in problems.items() if found} == {}


def test_the_admin_pages_of_this_project_pass_axe(demo, open_page):
    """Our own admin pages (dashboard panels, session pages, reports) inside Wagtail's."""
    session = Session.objects.filter(academy__slug="lisbon", course__isnull=False).first()
    held = Session.objects.filter(academy__slug="lisbon", course__isnull=True).first()
    page = open_page()
    page.add_init_script(path=str(AXE))
    sign_in(page, demo, "coordinator.lisbon@academy.example")
    problems = {}
    for path in [
        "/admin/",
        "/admin/sessions/",
        f"/admin/sessions/{session.pk}/enrolments/",
        f"/admin/sessions/{session.pk}/progress/",
        f"/admin/sessions/{held.pk}/attendance/",
        f"/admin/certificates/sessions/{held.pk}/certificates/",
        "/admin/reports/sessions/",
        "/admin/assessments/",
        "/admin/grading/",
        "/admin/import-officers/",
        "/admin/network-courses/",
        "/admin/certificates/",
    ]:
        shown(page, demo, path)
        expect(page.locator("h1").first).not_to_be_empty()
        problems[path] = page.evaluate(AXE_RUN)

    assert {path: found for path, found in problems.items() if found} == {}
