"""Trainers write courses in the admin over HTTP; validation speaks their language."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import AssessmentPage, CoursePage, ModulePage
from tests.courses.builders import add_url, assessment_form, build_course, course_form, question


@pytest.fixture
def trainer_client(client, madrid_trainer):
    client.force_login(madrid_trainer)
    return client


@pytest.fixture
def course(madrid):
    return build_course(madrid.academy)


def test_trainer_creates_a_course_in_their_academy(trainer_client, madrid, madrid_trainer):
    response = trainer_client.post(add_url(CoursePage, madrid.academy), course_form())

    assert response.status_code == 302, response.content.decode()[:3000]
    course = CoursePage.objects.get(slug="working-with-interpreters")
    assert course.get_parent().pk == madrid.academy.pk
    assert course.owner == madrid_trainer
    assert not course.live


def test_trainer_creates_a_module_with_content_blocks(trainer_client, course):
    body = streamfield(
        [
            ("heading", "Before the interview"),
            ("paragraph", rich_text("<p>Brief the interpreter on the context.</p>")),
            ("reflection", {"question": "What went wrong last time?", "guidance": ""}),
        ]
    )
    data = nested_form_data(
        {
            "title": "Preparing the interview",
            "slug": "preparing",
            "estimated_minutes": "25",
            "required": "on",
            "body": body,
            "comments": inline_formset([]),
        }
    )

    response = trainer_client.post(add_url(ModulePage, course), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    module = ModulePage.objects.get(slug="preparing")
    assert [block.block_type for block in module.body] == ["heading", "paragraph", "reflection"]
    assert module.estimated_minutes == 25


def test_trainer_creates_an_assessment_with_questions_and_choices(trainer_client, course):
    response = trainer_client.post(add_url(AssessmentPage, course), assessment_form())

    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = AssessmentPage.objects.get(slug="check")
    [saved] = assessment.questions.all()
    assert [(c.text, c.is_correct) for c in saved.choices.all()] == [
        ("The officer", True),
        ("The interpreter", False),
    ]


def test_lisbon_trainer_cannot_add_a_course_to_madrid(client, lisbon_trainer, madrid):
    client.force_login(lisbon_trainer)

    client.post(add_url(CoursePage, madrid.academy), course_form())

    assert not CoursePage.objects.filter(slug="working-with-interpreters").exists()


def post_invalid(client, course, **kwargs):
    response = client.post(add_url(AssessmentPage, course), assessment_form(**kwargs))
    assert response.status_code == 200
    assert not AssessmentPage.objects.filter(slug="check").exists()
    return response.content.decode()


def test_a_choice_question_without_a_correct_choice_is_explained(trainer_client, course):
    choices = [{"text": "The officer", "feedback": ""}, {"text": "The interpreter", "feedback": ""}]

    content = post_invalid(trainer_client, course, questions=[question(choices=choices)])

    assert "A choice question needs at least one correct choice: tick it." in content
    assert "Who should speak first in the interview?" in content  # what was typed is kept


def test_a_pass_mark_above_100_is_explained(trainer_client, course):
    content = post_invalid(trainer_client, course, pass_mark="120")

    assert "The pass mark is a percentage between 0 and 100." in content


def test_a_time_limit_that_is_not_positive_is_explained(trainer_client, course):
    content = post_invalid(trainer_client, course, time_limit_minutes="0")

    assert "The time limit must be a positive number of minutes, or empty for none." in content


def test_a_pool_asking_for_more_questions_than_it_holds_is_explained(trainer_client, course):
    questions = [question(pool="legal"), question(pool="legal", text="Second question")]

    content = post_invalid(
        trainer_client,
        course,
        questions=questions,
        pools=[{"pool": "legal", "questions_to_draw": "5"}],
    )

    assert "The pool “legal” holds 2 questions: it cannot draw 5." in content


def test_a_pool_draw_within_the_pool_is_accepted(trainer_client, course):
    questions = [question(pool="legal"), question(pool="legal", text="Second question")]

    response = trainer_client.post(
        add_url(AssessmentPage, course),
        assessment_form(questions=questions, pools=[{"pool": "legal", "questions_to_draw": "1"}]),
    )

    assert response.status_code == 302
    assert AssessmentPage.objects.get(slug="check").pools.get().questions_to_draw == 1


def test_a_single_choice_question_with_two_correct_choices_is_explained(trainer_client, course):
    choices = [
        {"text": "The officer", "is_correct": "on", "feedback": ""},
        {"text": "The interpreter", "is_correct": "on", "feedback": ""},
    ]

    content = post_invalid(trainer_client, course, questions=[question(choices=choices)])

    assert "exactly one correct choice; 2 are ticked." in content


def test_short_text_questions_need_no_choices(trainer_client, course):
    response = trainer_client.post(
        add_url(AssessmentPage, course),
        assessment_form(questions=[question(kind="short_text", choices=[])]),
    )

    assert response.status_code == 302
