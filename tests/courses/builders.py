"""Build courses the way the demo and the admin do, for tests."""

from decimal import Decimal

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from academy.services import publish_under as publish
from courses.models import AssessmentPage, Choice, CoursePage, ModulePage, Question


def build_course(academy, title="Community policing basics", modules=2, **fields):
    course = publish(
        academy,
        CoursePage(
            title=title,
            summary=fields.pop("summary", "Working with residents, step by step."),
            learning_objectives="<ul><li>Map the neighbourhood's partners</li></ul>",
            **fields,
        ),
    )
    for number in range(1, modules + 1):
        publish(
            course,
            ModulePage(
                title=f"Module {number}",
                estimated_minutes=20,
                body=[("paragraph", "<p>Residents know their street best.</p>")],
            ),
        )
    publish(
        course,
        AssessmentPage(
            title="Final check",
            questions=[
                Question(
                    kind="single",
                    text="Who knows the street best?",
                    points=Decimal(1),
                    choices=[
                        Choice(text="Its residents", is_correct=True),
                        Choice(text="The city council"),
                    ],
                )
            ],
        ),
    )
    return course


def add_url(model, parent):
    meta = model._meta
    return reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, parent.pk])


def course_form(**changes):
    data = {
        "title": "Working with interpreters",
        "slug": "working-with-interpreters",
        "summary": "How to run an interview through an interpreter.",
        "learning_objectives": rich_text("<ul><li>Brief the interpreter</li></ul>"),
        "audience": "Neighbourhood officers",
        "cpd_hours": "4.0",
        "level": "introductory",
        "require_all_modules": "on",
        "require_passed_assessments": "on",
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def question(kind="single", choices=None, **fields):
    data = {
        "kind": kind,
        "text": "Who should speak first in the interview?",
        "points": "1",
        "partial_credit": "all_or_nothing",
        "feedback": "",
        "pool": "",
        "choices": inline_formset(
            choices
            if choices is not None
            else [
                {"text": "The officer", "is_correct": "on", "feedback": ""},
                {"text": "The interpreter", "feedback": ""},
            ]
        ),
    }
    data.update(fields)
    return data


def assessment_form(questions=None, pools=None, **changes):
    data = {
        "title": "Check your understanding",
        "slug": "check",
        "instructions": rich_text("<p>Answer every question.</p>"),
        "pass_mark": "70",
        "attempts_allowed": "2",
        "time_limit_minutes": "",
        "grading_method": "highest",
        "review_policy": "answers",
        "review_from": AssessmentPage.ReviewFrom.SUBMITTED,
        "pools": inline_formset(pools or []),
        "questions": inline_formset(questions if questions is not None else [question()]),
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def sample_image(title="Neighbourhood walk", colour="#1d4e89"):
    """A real image in the library (a small generated PNG of one colour)."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="sample.png"))
