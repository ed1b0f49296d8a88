"""Public pages for visitors not signed in come from the cache (academy.page_cache), and
a stale copy is never served after a change; signed-in people never get the cached copy
and nothing of theirs gets into it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.ACADEMY_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def course(lisbon):
    return build_course(lisbon.academy, title="Mediation between neighbours", modules=1)


@pytest.fixture
def session(lisbon, course):
    return make_session(lisbon.academy, course=course, capacity=3, title="Spring run")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Changes made in it are committed, as far as the cache can tell (its callbacks run)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def visit(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return response


def test_a_visitor_gets_the_catalogue_from_the_cache_without_a_query(
    course, django_assert_num_queries
):
    first = visit(reverse("catalogue"))
    with django_assert_num_queries(0):
        second = visit(reverse("catalogue"))

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert "Mediation between neighbours" in second.content.decode()


def test_academy_and_course_pages_are_cached_for_visitors(lisbon, course):
    for url in (lisbon.academy.url, course.url):
        visit(url)
        assert visit(url)["X-Page-Cache"] == "hit"


def test_places_left_are_fresh_after_an_enrolment(course, session, committed):
    assert "3 places left" in visit(course.url).content.decode()
    with committed():
        enrol(UserFactory(), session)

    page = visit(course.url)
    assert page.get("X-Page-Cache") != "hit"
    assert "2 places left" in page.content.decode()


def test_a_full_session_shows_full_at_once(course, session, committed):
    visit(reverse("catalogue"))
    visit(course.url)
    with committed():
        for _officer in range(3):
            enrol(UserFactory(), session)

    assert "full: waiting list" in visit(course.url).content.decode()
    assert "3 places left" not in visit(reverse("catalogue")).content.decode()


def test_a_changed_session_is_shown_at_once(course, session, committed):
    visit(course.url)
    with committed():
        session.capacity = 10
        session.save()

    assert "10 places left" in visit(course.url).content.decode()


def test_a_new_session_is_shown_at_once(lisbon, course, session, committed):
    visit(course.url)
    with committed():
        make_session(lisbon.academy, course=course, capacity=7, title="Autumn run")

    assert "Autumn run" in visit(course.url).content.decode()


def test_a_published_change_of_a_course_is_shown_at_once(course, committed):
    visit(course.url)
    visit(reverse("catalogue"))
    with committed():
        course.summary = "Agreements that last, written with both parties."
        course.save_revision().publish()

    assert "Agreements that last" in visit(course.url).content.decode()
    assert "Agreements that last" in visit(reverse("catalogue")).content.decode()


def test_a_new_course_is_in_the_catalogue_at_once(lisbon, course, committed):
    visit(reverse("catalogue"))
    with committed():
        build_course(lisbon.academy, title="Working with youth clubs", modules=1)

    assert "Working with youth clubs" in visit(reverse("catalogue")).content.decode()


def test_an_unpublished_course_is_gone_at_once(course, committed):
    url = course.url
    visit(url)
    with committed():
        course.unpublish()

    assert Client().get(url).status_code == 404


def test_a_change_not_yet_committed_is_not_frozen_into_the_cache(course, session):
    """Until the change commits, pages stored are of the old generation: never served after."""
    visit(course.url)
    session.capacity = 10
    session.save()  # its transaction (the test's) never commits: no invalidation yet

    assert "3 places left" in visit(course.url).content.decode()


def test_a_signed_in_officer_never_gets_the_visitors_copy(course, officer):
    visit(course.url)
    client = Client()
    client.force_login(officer)

    page = visit(course.url, client)

    assert "X-Page-Cache" not in page
    assert officer.get_full_name() in page.content.decode()


def test_what_a_signed_in_person_sees_never_reaches_visitors(course, officer, network_admin):
    for person in (officer, network_admin):
        client = Client()
        client.force_login(person)
        visit(course.url, client)
        visit(reverse("catalogue"), client)

    for url in (course.url, reverse("catalogue")):
        page = visit(url).content.decode()
        assert officer.get_full_name() not in page
        assert network_admin.get_full_name() not in page
        assert "Sign out" not in page and "wagtail-userbar" not in page
        assert "Sign in" in page


def test_each_visitor_gets_their_own_working_csrf_token(course):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    mine = TOKEN.search(visit(course.url, first).content.decode()).group(1)
    served = visit(course.url, second)
    theirs = TOKEN.search(served.content.decode()).group(1)

    assert served["X-Page-Cache"] == "hit"
    assert theirs != mine
    answer = second.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": theirs, "language": "fr", "next": course.url},
    )
    assert answer.status_code == 302


def test_a_page_behind_a_password_is_never_cached(course):
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-walk"
    )
    visit(course.url)

    assert "X-Page-Cache" not in visit(course.url)


def test_a_page_put_behind_a_password_after_it_was_cached_asks_for_it_at_once(course, committed):
    visit(course.url)
    assert visit(course.url)["X-Page-Cache"] == "hit"
    with committed():
        PageViewRestriction.objects.create(
            page=course, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-walk"
        )

    page = visit(course.url)
    assert "X-Page-Cache" not in page
    assert 'name="password"' in page.content.decode()
    assert "Mediation between neighbours" not in page.content.decode().split("<main")[-1]


def test_a_page_under_a_newly_restricted_academy_is_no_longer_served_from_the_cache(
    lisbon, course, committed
):
    visit(course.url)
    with committed():
        PageViewRestriction.objects.create(
            page=lisbon.academy, restriction_type=PageViewRestriction.LOGIN
        )

    assert Client().get(course.url).status_code == 302
