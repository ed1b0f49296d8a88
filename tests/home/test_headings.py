"""Pages outline their content with headings that never skip a level (WCAG 1.3.1), and the
site has an icon where browsers look for it."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from courses.models import ModulePage
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course, publish


class Headings(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.levels = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def skipped_levels(response):
    """Each heading that goes down more than one level from the one before it."""
    assert response.status_code == 200
    levels = Headings(response.content.decode()).levels
    assert levels and levels[0] == 1
    return [
        f"h{before} → h{after}"
        for before, after in zip(levels, levels[1:], strict=False)
        if after > before + 1
    ]


@pytest.fixture
def learning(lisbon, officer, client):
    """An officer in a session of a course whose module has every block with a heading."""
    course = build_course(lisbon.academy, title="Working with interpreters", modules=0)
    module = publish(
        course,
        ModulePage(
            title="Interviews",
            body=[
                ("paragraph", "<p>An interpreter changes the interview.</p>"),
                ("key_points", {"title": "Key points", "points": ["Brief the interpreter"]}),
                (
                    "case_study",
                    {
                        "title": "The shop on the corner",
                        "scenario": "<p>A shopkeeper reports thefts.</p>",
                        "questions": ["Why should the nephew not interpret?"],
                    },
                ),
            ],
        ),
    )
    enrol(officer, make_session(lisbon.academy, course=course, capacity=10))
    client.force_login(officer)
    return course, module


def test_the_catalogue_skips_no_heading_level(client, learning):
    assert skipped_levels(client.get(reverse("catalogue"))) == []


def test_a_module_page_skips_no_heading_level(client, learning):
    _course, module = learning

    response = client.get(module.url)

    assert "The shop on the corner" in response.content.decode()
    assert skipped_levels(response) == []


def test_a_course_page_skips_no_heading_level(client, learning):
    course, _module = learning

    assert skipped_levels(client.get(course.url)) == []


def test_my_learning_skips_no_heading_level(client, learning):
    assert skipped_levels(client.get(reverse("my_learning"))) == []


def test_the_home_page_skips_no_heading_level(client, learning):
    assert skipped_levels(client.get("/en/")) == []


def test_pages_link_the_site_icon(client, learning):
    assert 'rel="icon"' in client.get("/en/").content.decode()


def test_the_browsers_favicon_address_leads_to_the_site_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("/static/home/favicon.svg")
