"""Deep URLs are routed in one query (academy.routing) to the very page Wagtail's own
routing finds, and what Wagtail refuses stays refused."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from courses.models import ModulePage
from tests.courses.builders import build_course


@pytest.fixture
def module(lisbon):
    course = build_course(lisbon.academy, title="Mediation", modules=2)
    return ModulePage.objects.child_of(course).order_by("path").last()


@pytest.fixture
def home(home, module):
    """The site's home page as the site serves it: read after its academy was added."""
    return Page.objects.get(pk=home.pk).specific


def components(page, home):
    return page.url_path[len(home.url_path) :].strip("/").split("/")


def test_a_module_is_found_as_wagtail_finds_it_in_two_queries(
    home, module, django_assert_num_queries
):
    request = RequestFactory().get(module.url)
    expected = Page.route(home, request, components(module, home))

    with django_assert_num_queries(2):
        found = home.route(request, components(module, home))

    assert found.page == expected.page == module
    assert type(found.page) is ModulePage
    assert found.page.get_parent().pk == module.get_parent().pk


def test_a_missing_page_is_not_found(home, module):
    path = [*components(module, home)[:-1], "no-such-module"]

    with pytest.raises(Http404):
        home.route(RequestFactory().get("/"), path)


def test_an_unpublished_module_is_not_found(home, module):
    module.unpublish()

    with pytest.raises(Http404):
        home.route(RequestFactory().get("/"), components(module, home))


def test_the_view_restrictions_of_a_routed_page_are_its_ancestors(home, module):
    from wagtail.models import PageViewRestriction

    course = module.get_parent()
    PageViewRestriction.objects.create(page=course, restriction_type="login")
    found = home.route(RequestFactory().get("/"), components(module, home)).page

    assert list(found.get_view_restrictions()) == list(Page.get_view_restrictions(module))
    assert found.get_view_restrictions().get().page_id == course.pk
