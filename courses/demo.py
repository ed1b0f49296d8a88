"""Demo courses of the four founding academies (content in ``demo_content``)."""

from decimal import Decimal

from wagtail.models import Locale

from .demo_content import COURSES, THEMES
from .models import AssessmentPage, Choice, CoursePage, ModulePage, Question, Theme


def seed_courses(onboardings):
    """Publish each academy's demo courses that are not there yet. Idempotent."""
    themes = {name: Theme.objects.get_or_create(name=name)[0] for name in THEMES}
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    for code, courses in COURSES.items():
        academy = onboardings[code].academy
        existing = set(CoursePage.objects.child_of(academy).values_list("slug", flat=True))
        for data in courses:
            if data["slug"] not in existing:
                _course(academy, data, themes, locales)


def _course(academy, data, themes, locales):
    course = CoursePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        learning_objectives=data["learning_objectives"],
        audience=data["audience"],
        level=data["level"],
        cpd_hours=Decimal(data["cpd_hours"]),
        modules_in_order=data["modules_in_order"],
    )
    course.themes = [themes[name] for name in data["themes"]]
    course.languages = [locales[code] for code in data["languages"] if code in locales]
    academy.add_child(instance=course)
    course.save_revision().publish()
    for module_data in data["modules"]:
        module = ModulePage(
            title=module_data["title"],
            slug=module_data["slug"],
            estimated_minutes=module_data["estimated_minutes"],
            required=module_data["required"],
            body=module_data["body"],
        )
        course.add_child(instance=module)
        module.save_revision().publish()
    _assessment(course, data["assessment"])


def _assessment(course, data):
    assessment = AssessmentPage(
        title=data["title"],
        slug=data["slug"],
        instructions=data["instructions"],
        pass_mark=data["pass_mark"],
        attempts_allowed=data["attempts_allowed"],
        time_limit_minutes=data["time_limit_minutes"],
        questions=[
            Question(
                kind=question["kind"],
                text=question["text"],
                points=Decimal(question["points"]),
                feedback=question["feedback"],
                partial_credit=(
                    Question.PartialCredit.PROPORTIONAL
                    if question["kind"] == Question.Kind.MULTIPLE
                    else Question.PartialCredit.ALL_OR_NOTHING
                ),
                choices=[
                    Choice(
                        text=choice["text"],
                        is_correct=choice["is_correct"],
                        feedback=choice["feedback"],
                    )
                    for choice in question["choices"]
                ],
            )
            for question in data["questions"]
        ],
    )
    course.add_child(instance=assessment)
    assessment.save_revision().publish()
