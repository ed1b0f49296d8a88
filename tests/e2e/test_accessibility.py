"""Accessibility basics of the main pages, on a desktop and at a phone's width: a language,
one main heading, a label for every control, text for every image, nothing wider than the
screen."""

import pytest

from courses.models import CoursePage

from .conftest import sign_in

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


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_pass_the_basic_checks(demo, open_page, width):
    course = CoursePage.objects.live().filter(locale__language_code="en").first()
    public = [
        "/en/",
        "/en/catalogue/",
        course.url,
        "/en/accounts/sign-up/",
        "/en/accounts/login/",
        "/en/certificates/verify/",
    ]
    page = open_page(width=width, height=900)
    problems = {}
    for path in public:
        page.goto(demo + path)
        problems[path] = page.evaluate(CHECKS)
    sign_in(page, demo, "officer.lisbon@academy.example")
    for path in ["/en/my-learning/", "/en/accounts/profile/"]:
        page.goto(demo + path)
        problems[path] = page.evaluate(CHECKS)

    assert {path: found for path, found in problems.items() if found} == {}
