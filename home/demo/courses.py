"""Demo courses of the four founding academies (content in ``demo_content``)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale

from academy.services import publish_under
from courses.models import (
    AssessmentPage,
    Choice,
    CoursePage,
    Enrolment,
    ModulePage,
    Question,
    Session,
    Theme,
)
from courses.services import complete_module, decide, enrol, evaluate_completion, mark_attendance
from home.demo.content import COURSES, THEMES


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
    publish_under(academy, course)
    for module_data in data["modules"]:
        module = ModulePage(
            title=module_data["title"],
            slug=module_data["slug"],
            estimated_minutes=module_data["estimated_minutes"],
            required=module_data["required"],
            body=module_data["body"],
        )
        publish_under(course, module)
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
    publish_under(course, assessment)


# Host-city codes in the order demo officers travel: each officer is part-way through
# a course of the next city and has finished an Exchange Day of the one after.
CITY_ROUND = ["BRU", "LIS", "MAD", "NCE"]


def seed_sessions(onboardings):
    """Sessions of every academy and the demo officers' learning. Idempotent.

    Each academy runs its courses (open for enrolment, approval required) and held an
    Exchange Day last month. Each demo officer is approved in a course session of the
    next city with one module done, completed the Exchange Day of the city after, and
    asked for a place in a session of their own city (waiting for its coordinator).
    """
    today = timezone.localdate()
    sessions, exchange_days = {}, {}
    for number, code in enumerate(CITY_ROUND):
        academy = onboardings[code].academy
        courses = list(CoursePage.objects.child_of(academy).live().order_by("path"))
        for index, course in enumerate(courses):
            starts_on = today + datetime.timedelta(days=21 + 14 * index + 3 * number)
            sessions.setdefault(code, []).append(
                _session(
                    academy,
                    title=f"{course.title} ({starts_on:%B %Y})",
                    course=course,
                    kind=Session.Kind.COURSE,
                    starts_on=starts_on,
                    ends_on=starts_on + datetime.timedelta(days=1),
                    format=Session.Format.BLENDED if index else Session.Format.ONLINE,
                    capacity=20,
                )
            )
        held = today - datetime.timedelta(days=30 + number)
        exchange_days[code] = _session(
            academy,
            title=f"Exchange Day {academy.city}: community policing in practice",
            kind=Session.Kind.EXCHANGE_DAY,
            starts_on=held,
            ends_on=held,
            format=Session.Format.RESIDENTIAL,
            capacity=30,
        )
    for number, code in enumerate(CITY_ROUND):
        officer = get_user_model().objects.get(
            email=f"officer.{_slug(onboardings[code])}@academy.example"
        )
        course_session = sessions[CITY_ROUND[(number + 1) % 4]][0]
        enrolment = enrol(officer, course_session)
        if enrolment.state == Enrolment.State.REQUESTED:
            enrolment = decide(enrolment, approve=True)
        first_module = ModulePage.objects.child_of(course_session.course).live().first()
        if first_module:
            complete_module(enrolment, first_module)
        exchange_day = exchange_days[CITY_ROUND[(number + 2) % 4]]
        # The Exchange Day is over: the officer was registered when it was open.
        past, _created = Enrolment.objects.get_or_create(
            officer=officer, session=exchange_day, defaults={"state": Enrolment.State.APPROVED}
        )
        trainer = onboardings[CITY_ROUND[(number + 2) % 4]].trainer_group.user_set.first()
        mark_attendance(exchange_day, {(past.pk, exchange_day.starts_on): True}, by=trainer)
        evaluate_completion(past)
        enrol(officer, sessions[code][-1])


def _slug(onboarding):
    return onboarding.academy.city.lower()


def _session(academy, *, title, **fields):
    session, _created = Session.objects.get_or_create(
        academy=academy,
        title=title,
        defaults={"language": academy.default_language, "approval_required": True, **fields},
    )
    return session
