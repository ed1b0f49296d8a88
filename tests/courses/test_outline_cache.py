"""A module page takes its course's outline (the course and its live modules), its own
rendered body and the officer's enrolment from the cache (courses.outline,
academy.page_cache): what it shows is never older than the last committed change of a
page, a view restriction, an enrolment or a session, and the officer's progress never
comes from the cache."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import Enrolment, ModulePage
from courses.services import enrol, withdraw
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.courses.test_moderation_and_copy import preview
from tests.factories import UserFactory
from tests.test_query_budgets import MODULE_PAGE_BUDGET
from tests.test_query_counts import module_half_way

User = get_user_model()


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.ACADEMY_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Changes made in it are committed, as far as the cache can tell (its callbacks run)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def module(lisbon, officer):
    """Module 3 of 5, the officer enrolled and done with modules 1 and 2."""
    return module_half_way(officer, lisbon.academy, 5)


@pytest.fixture
def reader(officer):
    client = Client()
    client.force_login(officer)
    return client


def read(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def sibling(module, number):
    return ModulePage.objects.sibling_of(module).get(title=f"Module {number}")


def test_a_module_page_from_the_cache_costs_two_queries_less_at_5_or_50_modules(
    lisbon, officer, reader, module, django_assert_num_queries
):
    large = module_half_way(officer, lisbon.academy, 50)
    for page in (module, large):
        read(reader, page)  # the first visit starts the module and fills the cache

    with django_assert_num_queries(MODULE_PAGE_BUDGET - 2):
        small_page = read(reader, module)
    with django_assert_num_queries(MODULE_PAGE_BUDGET - 2):
        large_page = read(reader, large)

    assert "2 of 5 required modules done (40%)" in small_page
    assert "← Module 2</a>" in small_page and "Module 4 →</a>" in small_page
    assert "25 of 50 required modules done (50%)" in large_page


def test_progress_is_each_officers_own_not_the_cached_one(officer, reader, module):
    read(reader, module)
    session = Enrolment.objects.get(officer=officer).session
    newcomer, visitor = Client(), Client()
    newcomer.force_login(UserFactory())
    enrol(User.objects.get(pk=int(newcomer.session["_auth_user_id"])), session)

    assert "2 of 5 required modules done (40%)" in read(reader, module)
    assert "0 of 5 required modules done (0%)" in read(newcomer, module)
    assert "Modules are open to officers enrolled in a session" in read(visitor, module)


def test_a_renamed_module_is_shown_at_once(reader, module, committed):
    read(reader, module)
    following = sibling(module, 4)
    with committed():
        following.title = "Meeting the caretakers"
        following.save_revision().publish()

    assert "Meeting the caretakers →</a>" in read(reader, module)


def test_a_new_module_counts_at_once(lisbon, reader, module, committed):
    read(reader, module)
    course = module.get_parent()
    with committed():
        course.add_child(instance=ModulePage(title="Module 6", estimated_minutes=10))

    assert "2 of 6 required modules done (33%)" in read(reader, module)


def test_an_unpublished_module_is_gone_at_once(reader, module, committed):
    read(reader, module)
    with committed():
        sibling(module, 4).unpublish()

    page = read(reader, module)
    assert "2 of 4 required modules done (50%)" in page
    assert "Module 5 →</a>" in page


def test_a_module_put_behind_a_password_leaves_the_outline_at_once(reader, module, committed):
    read(reader, module)
    with committed():
        PageViewRestriction.objects.create(
            page=sibling(module, 4), restriction_type=PageViewRestriction.PASSWORD, password="x1"
        )

    assert "Module 5 →</a>" in read(reader, module)


def test_module_links_follow_a_moved_course_at_once(lisbon, reader, module, committed):
    read(reader, module)
    course = module.get_parent()
    with committed():
        shelf = lisbon.academy.add_child(instance=Page(title="Archive", slug="archive"))
        course.move(shelf, pos="last-child")

    module.refresh_from_db()
    page = read(reader, module)
    assert "/archive/" in module.url
    assert f'href="{sibling(module, 4).url}"' in page


def test_a_published_change_of_the_body_is_shown_at_once(reader, module, committed):
    assert "Agree with residents" not in read(reader, module)
    with committed():
        module.body = [("paragraph", "<p>Agree with residents on one problem.</p>")]
        module.save_revision().publish()

    assert "Agree with residents on one problem." in read(reader, module)
    assert '<div class="block-text prose"><p>Agree with residents' in read(reader, module)


def test_the_body_is_rendered_once_for_every_reader_in_a_language(officer, reader, module):
    colleague = UserFactory()
    enrol(colleague, Enrolment.objects.get(officer=officer).session)
    other = Client()
    other.force_login(colleague)

    first = reader.get(module.url)
    second = other.get(module.url)

    rendered = [[template.name for template in page.templates] for page in (first, second)]
    assert "courses/blocks/paragraph.html" in rendered[0]
    assert "courses/blocks/paragraph.html" not in rendered[1]
    for page in (first, second):
        assert '<div class="block-text prose"><p>Residents know their street best.</p></div>' in (
            page.content.decode()
        )


def test_a_change_not_yet_committed_is_not_frozen_into_the_cache(reader, module):
    """What is read before a change commits is stored under the old generation, never found
    again once it commits."""
    read(reader, module)
    following = sibling(module, 4)
    following.title = "Meeting the caretakers"
    following.save_revision().publish()  # the test's transaction never commits

    assert "Module 4 →</a>" in read(reader, module)


def test_a_course_outline_is_never_one_of_another_course(lisbon, reader, module):
    other = build_course(lisbon.academy, title="Mediation between neighbours", modules=2)
    read(reader, module)
    anonymous = Client()
    first = ModulePage.objects.child_of(other).first()

    assert "Module 3 →" not in anonymous.get(first.url).content.decode()
    assert "Mediation between neighbours" in anonymous.get(first.url).content.decode()


def test_an_officer_who_withdraws_loses_the_modules_at_once(officer, reader, module, committed):
    assert "Mark this module as done" in read(reader, module)
    with committed():
        withdraw(Enrolment.objects.get(officer=officer))

    page = read(reader, module)
    assert "Mark this module as done" not in page
    assert "Modules are open to officers enrolled in a session" in page


def test_a_waitlisted_officer_given_the_freed_place_reads_the_modules_at_once(lisbon, committed):
    course = build_course(lisbon.academy, title="Mediation between neighbours", modules=2)
    session = make_session(lisbon.academy, course=course, capacity=1, title="Spring run")
    first, second = UserFactory(), UserFactory()
    taken, waiting = enrol(first, session), enrol(second, session)
    assert waiting.state == Enrolment.State.WAITLISTED
    module = ModulePage.objects.child_of(course).first()
    client = Client()
    client.force_login(second)
    assert "Modules are open to officers enrolled in a session" in read(client, module)

    with committed():
        withdraw(taken)

    assert "Mark this module as done" in read(client, module)


def test_an_officers_enrolment_is_never_another_officers(lisbon, officer, reader, module):
    other = Client()
    other.force_login(UserFactory())
    read(reader, module)

    assert "Modules are open to officers enrolled in a session" in read(other, module)
    assert "Mark this module as done" in read(reader, module)


def test_a_trainers_preview_shows_the_body_being_written_not_the_cached_one(
    client, lisbon_trainer, reader, module
):
    read(reader, module)  # the published body is in the cache
    data = nested_form_data(
        {
            "title": module.title,
            "slug": module.slug,
            "estimated_minutes": "20",
            "required": "on",
            "body": streamfield([("paragraph", rich_text("<p>Knock on every door twice.</p>"))]),
            "comments": inline_formset([]),
        }
    )

    content = preview(client, lisbon_trainer, module, data)

    assert "Knock on every door twice." in content
    assert "Residents know their street best." not in content
    assert "Residents know their street best." in read(reader, module)
