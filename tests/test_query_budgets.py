"""Query budgets of the hot paths (issue 17): what an officer clicks most costs a fixed,
small number of queries, whatever the size of the course, the session or the assessment."""

import pytest
from django.db import connection
from django.urls import reverse

from courses.models import AssessmentAttempt, AssessmentPage
from tests.academy.sessions import make_session
from tests.courses.test_assessments import form, make_assessment, right
from tests.test_query_counts import module_half_way

MODULE_PAGE_BUDGET = 12


def locks(captured):
    return [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]


def test_a_module_page_costs_an_enrolled_officer_at_most_12_queries_at_5_or_50_modules(
    client, lisbon, officer, django_assert_max_num_queries, django_assert_num_queries
):
    small = module_half_way(officer, lisbon.academy, 5)
    large = module_half_way(officer, lisbon.academy, 50)
    client.force_login(officer)
    client.get(small.url)  # the first visit starts the module
    client.get(large.url)

    with django_assert_max_num_queries(MODULE_PAGE_BUDGET) as counted:
        small_page = client.get(small.url).content.decode()
    with django_assert_num_queries(len(counted.captured_queries)):
        large_page = client.get(large.url).content.decode()

    assert "2 of 5 required modules done (40%)" in small_page
    assert "25 of 50 required modules done (50%)" in large_page
    assert "← Module 25</a>" in large_page and "Module 27 →</a>" in large_page


def test_a_module_page_costs_the_same_queries_whatever_the_sessions_of_its_course(
    client, lisbon, officer, django_assert_num_queries
):
    module = module_half_way(officer, lisbon.academy, 5)
    client.force_login(officer)
    client.get(module.url)
    with django_assert_num_queries(MODULE_PAGE_BUDGET) as counted:
        client.get(module.url)
    for number in range(20):
        make_session(lisbon.academy, course=module.get_parent().specific, title=f"Run {number}")

    with django_assert_num_queries(len(counted.captured_queries)):
        page = client.get(module.url).content.decode()

    assert "<h1>Module 3</h1>" in page


@pytest.fixture
def assessment_of(lisbon, officer):
    """An assessment of ``extra`` + 3 questions in a course the officer has a place in."""
    from courses.services import enrol
    from tests.courses.builders import build_course

    def build(extra):
        course = build_course(lisbon.academy, title=f"Course {extra}", modules=1)
        AssessmentPage.objects.child_of(course).delete()
        enrol(officer, make_session(lisbon.academy, course=course, title=f"Run {extra}"))
        return make_assessment(course, extra=extra)

    return build


def attempt_queries(client, assessment, officer, django_assert_max_num_queries):
    """The queries of starting, saving every answer, and submitting: one capture each."""
    with django_assert_max_num_queries(40) as start:
        client.post(reverse("attempt_start", args=[assessment.pk]))
    attempt = AssessmentAttempt.objects.get(officer=officer, assessment=assessment)
    answers = {position: right(attempt, position) for position in range(len(attempt.questions))}
    answers[2] = "Noise at night between two flats."
    with django_assert_max_num_queries(40) as save:
        client.post(reverse("attempt_save", args=[attempt.pk]), form(attempt, answers))
    attempt.refresh_from_db()
    answers[2] = "Noise at night, again."
    with django_assert_max_num_queries(40) as submit:
        client.post(reverse("attempt_submit", args=[attempt.pk]), form(attempt, answers))
    attempt.refresh_from_db()
    assert attempt.state == AssessmentAttempt.State.SUBMITTED
    assert attempt.responses.count() == len(attempt.questions)
    return start, save, submit


def test_starting_saving_and_submitting_cost_the_same_queries_for_3_or_30_questions(
    client, officer, assessment_of, django_assert_max_num_queries
):
    client.force_login(officer)
    few = attempt_queries(client, assessment_of(0), officer, django_assert_max_num_queries)
    many = attempt_queries(client, assessment_of(27), officer, django_assert_max_num_queries)

    assert [len(c.captured_queries) for c in few] == [len(c.captured_queries) for c in many]


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
def test_starting_saving_and_submitting_each_take_one_row_lock(
    client, officer, assessment_of, django_assert_max_num_queries
):
    client.force_login(officer)
    captured = attempt_queries(client, assessment_of(27), officer, django_assert_max_num_queries)

    assert [len(locks(c)) for c in captured] == [1, 1, 1]
