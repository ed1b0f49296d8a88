import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from courses.models import AssessmentPage, CoursePage, ModulePage
from courses.services import copy_course_to_academy
from tests.courses.builders import assessment_form, build_course


@pytest.fixture
def draft_course(madrid, madrid_trainer):
    course = build_course(madrid.academy, title="De-escalation on the street")
    course.unpublish()
    course.owner = madrid_trainer
    course.save()
    return course


def workflow_action(client, user, page, action):
    client.force_login(user)
    task_state = page.current_workflow_task_state
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, action, task_state.pk],
        ),
        {"comment": ""},
    )


def submit(client, trainer, page):
    client.force_login(trainer)
    page.save_revision(user=trainer)
    page.get_workflow().start(page, trainer)
    page.refresh_from_db()


def test_trainer_submission_goes_to_their_city_coordinators(
    client, draft_course, madrid_trainer, madrid_coordinator, lisbon_coordinator
):
    submit(client, madrid_trainer, draft_course)

    workflow_action(client, lisbon_coordinator, draft_course, "approve")
    draft_course.refresh_from_db()
    assert not draft_course.live, "a Lisbon coordinator must not approve Madrid's course"

    workflow_action(client, madrid_coordinator, draft_course, "approve")
    draft_course.refresh_from_db()
    assert draft_course.live


def preview(client, user, page, data=None):
    """The page's preview as its editor sees it from the edit form."""
    client.force_login(user)
    if data is None:
        edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(preview_url, data).json()["is_valid"]
    response = client.get(preview_url)
    assert response.status_code == 200
    return response.content.decode()


def test_module_preview_is_what_an_officer_sees(client, madrid_trainer, madrid):
    course = build_course(madrid.academy)
    module = ModulePage.objects.child_of(course).first()

    # The editor's StreamField posts its blocks as below (the HTML form is built by script).
    data = nested_form_data(
        {
            "title": "Module 1",
            "slug": module.slug,
            "estimated_minutes": "20",
            "required": "on",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Residents know their street best.</p>")),
                    ("callout", {"kind": "legal", "text": rich_text("<p>Mind privacy.</p>")}),
                ]
            ),
            "comments": inline_formset([]),
        }
    )

    content = preview(client, madrid_trainer, module, data)

    assert "Residents know their street best." in content
    assert "Legal note" in content
    assert "<h1>Module 1</h1>" in content


def test_assessment_preview_shows_questions_but_never_the_answers(client, madrid_trainer, madrid):
    course = build_course(madrid.academy)
    assessment = AssessmentPage.objects.child_of(course).get()

    content = preview(client, madrid_trainer, assessment, assessment_form(slug=assessment.slug))

    questions = content[content.index('class="assessment-preview"') :]
    questions = questions[: questions.index("</form>")]
    assert "Who should speak first in the interview?" in questions
    assert "The officer" in questions and "The interpreter" in questions
    assert "correct" not in questions.lower() and "checked" not in questions


def test_coordinator_copies_a_course_of_another_academy_as_a_draft(
    client, madrid, lisbon, lisbon_coordinator
):
    course = build_course(madrid.academy, title="Mediation of neighbourhood conflicts")
    client.force_login(lisbon_coordinator)
    listing = client.get(reverse("courses_network"))
    assert "Mediation of neighbourhood conflicts" in listing.content.decode()

    response = client.post(
        reverse("courses_network"), {"course": course.pk, "academy": lisbon.academy.pk}
    )

    copy = CoursePage.objects.child_of(lisbon.academy).get()
    assert response.url == reverse("wagtailadmin_pages:edit", args=[copy.pk])
    assert copy.title == "Mediation of neighbourhood conflicts"
    assert not copy.live
    assert copy.owner == lisbon_coordinator
    assert copy.origin_academy.pk == madrid.academy.pk
    assert copy.get_children().count() == course.get_children().count()
    assert not copy.get_children().live().exists()
    assert course.get_children().live().count() == 3  # the original is untouched


def test_copy_keeps_the_original_questions_and_choices(madrid, lisbon, lisbon_coordinator):
    course = build_course(madrid.academy)

    copy = copy_course_to_academy(course, lisbon.academy, lisbon_coordinator)

    assessment = AssessmentPage.objects.child_of(copy).get()
    [question] = assessment.questions.all()
    assert [c.text for c in question.choices.all()] == ["Its residents", "The city council"]


def test_trainer_cannot_copy_courses_into_their_academy(madrid, lisbon, lisbon_trainer):
    course = build_course(madrid.academy)

    with pytest.raises(PermissionDenied):
        copy_course_to_academy(course, lisbon.academy, lisbon_trainer)
    assert not CoursePage.objects.child_of(lisbon.academy).exists()


def test_coordinator_cannot_copy_into_another_city(madrid, lisbon, lisbon_coordinator):
    course = build_course(lisbon.academy)

    with pytest.raises(PermissionDenied):
        copy_course_to_academy(course, madrid.academy, lisbon_coordinator)


def test_network_courses_page_is_for_coordinators_only(client, madrid, lisbon_trainer):
    client.force_login(lisbon_trainer)

    assert client.get(reverse("courses_network")).status_code in (302, 403)


def test_a_draft_course_cannot_be_copied(client, draft_course, lisbon, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    response = client.post(
        reverse("courses_network"), {"course": draft_course.pk, "academy": lisbon.academy.pk}
    )

    assert response.status_code == 404
    assert not Page.objects.child_of(lisbon.academy).type(CoursePage).exists()


def test_copy_leaves_out_a_module_that_was_never_published(madrid, lisbon, lisbon_coordinator):
    course = build_course(madrid.academy, modules=1)
    course.add_child(
        instance=ModulePage(
            title="Unfinished: interviews with minors",
            live=False,
            body=[("paragraph", "<p>Notes not ready for anyone.</p>")],
        )
    )

    copy = copy_course_to_academy(course, lisbon.academy, lisbon_coordinator)

    titles = [page.title for page in copy.get_children()]
    assert titles == ["Module 1", "Final check"]


def test_copy_leaves_out_a_module_that_was_unpublished(madrid, lisbon, lisbon_coordinator):
    course = build_course(madrid.academy, modules=2)
    ModulePage.objects.child_of(course).get(title="Module 2").unpublish()

    copy = copy_course_to_academy(course, lisbon.academy, lisbon_coordinator)

    assert not copy.get_children().filter(title="Module 2").exists()


def test_copy_takes_a_modules_live_text_not_its_newer_draft(madrid, lisbon, lisbon_coordinator):
    course = build_course(madrid.academy, modules=1)
    module = ModulePage.objects.child_of(course).get()
    draft = module.get_latest_revision_as_object()
    draft.title = "Draft title of Madrid"
    draft.body = [("paragraph", "<p>Draft wording only Madrid may read.</p>")]
    draft.save_revision()

    copy = copy_course_to_academy(course, lisbon.academy, lisbon_coordinator)

    copied = ModulePage.objects.child_of(copy).get()
    for version in (copied, copied.get_latest_revision_as_object()):
        assert version.title == "Module 1"
        assert "Residents know their street best." in str(version.body)
        assert "Draft wording" not in str(version.body)
    assert copied.draft_title == "Module 1"


def test_copy_takes_a_courses_live_summary_not_its_newer_draft(madrid, lisbon, lisbon_coordinator):
    course = build_course(madrid.academy, summary="What residents expect of us.")
    draft = course.get_latest_revision_as_object()
    draft.title = "Renamed in a Madrid draft"
    draft.summary = "A draft summary."
    draft.save_revision()

    copy = copy_course_to_academy(course, lisbon.academy, lisbon_coordinator)

    copy = copy.get_latest_revision_as_object()
    assert (copy.title, copy.summary) == (course.title, "What residents expect of us.")


def test_copy_takes_an_assessments_live_questions_not_a_newer_draft(
    madrid, lisbon, lisbon_coordinator
):
    course = build_course(madrid.academy)
    assessment = AssessmentPage.objects.child_of(course).get()
    draft = assessment.get_latest_revision_as_object()
    [question] = draft.questions.all()
    question.text = "A draft question"
    draft.questions = [question]
    draft.save_revision()

    copy = copy_course_to_academy(course, lisbon.academy, lisbon_coordinator)

    copied = AssessmentPage.objects.child_of(copy).get().get_latest_revision_as_object()
    assert [q.text for q in copied.questions.all()] == ["Who knows the street best?"]
