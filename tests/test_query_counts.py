"""Pages cost the same number of queries whatever the size of the course or the session,
and show all they must at the larger size."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from academy.models import Profile
from certificates.reports import SessionProgressView
from courses.models import Enrolment, ModulePage, ModuleProgress
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import ForceFactory, UserFactory


def module_half_way(officer, academy, modules):
    """The middle module of a course of ``modules`` modules, the officer enrolled in a
    session of it and done with every module before."""
    course = build_course(academy, title=f"A course of {modules} modules", modules=modules)
    enrolment = enrol(officer, make_session(academy, course=course, title=f"Run of {modules}"))
    pages = list(ModulePage.objects.child_of(course).order_by("path"))
    middle = len(pages) // 2
    ModuleProgress.objects.bulk_create(
        ModuleProgress(enrolment=enrolment, module=module, completed_at=timezone.now())
        for module in pages[:middle]
    )
    return pages[middle]


def session_with_officers(academy, officers, title):
    """A course session with ``officers`` approved officers, each done with the first module."""
    course = build_course(academy, title=f"{title} course", modules=3)
    session = make_session(academy, course=course, capacity=officers, title=title)
    force = ForceFactory()
    users = get_user_model().objects.bulk_create(UserFactory.build_batch(officers, force=force))
    Profile.objects.bulk_create(
        Profile(user=user, full_name=user.get_full_name(), force=force) for user in users
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(officer=officer, session=session, state=Enrolment.State.APPROVED)
        for officer in users
    )
    first = ModulePage.objects.child_of(course).order_by("path").first()
    ModuleProgress.objects.bulk_create(
        ModuleProgress(enrolment=enrolment, module=first, completed_at=timezone.now())
        for enrolment in enrolments
    )
    return reverse("home_session_progress", args=[session.pk])


def test_a_module_page_costs_an_officer_the_same_queries_in_a_course_of_5_or_50_modules(
    client, lisbon, officer, django_assert_max_num_queries, django_assert_num_queries
):
    small = module_half_way(officer, lisbon.academy, 5)
    large = module_half_way(officer, lisbon.academy, 50)
    client.force_login(officer)
    # The first visit starts the module and fills the cache of the site's root paths.
    client.get(small.url)
    client.get(large.url)

    with django_assert_max_num_queries(30) as counted:
        small_page = client.get(small.url).content.decode()
    with django_assert_num_queries(len(counted.captured_queries)):
        large_page = client.get(large.url).content.decode()

    assert "2 of 5 required modules done (40%)" in small_page
    assert "25 of 50 required modules done (50%)" in large_page
    assert "<h1>Module 26</h1>" in large_page
    assert "← Module 25</a>" in large_page and "Module 27 →</a>" in large_page


def test_the_progress_report_costs_the_same_queries_past_one_page_of_officers(
    client, madrid, madrid_coordinator, django_assert_max_num_queries, django_assert_num_queries
):
    few = session_with_officers(madrid.academy, 3, "Few")
    many = session_with_officers(madrid.academy, SessionProgressView.paginate_by + 20, "Many")
    client.force_login(madrid_coordinator)
    client.get(few)

    with django_assert_max_num_queries(35) as counted:
        client.get(few)
    with django_assert_num_queries(len(counted.captured_queries)):
        page = client.get(many).content.decode()

    assert "?p=2" in page
    body = re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)
    assert body.count("<tr") == SessionProgressView.paginate_by
    assert all(f"{number}. Module {number}" in page for number in (1, 2, 3))
