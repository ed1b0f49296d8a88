"""A large academy network on top of the demo, for load tests: ``seed_demo --scale N``.

Each unit of scale adds four courses (spread over the host academies) of ten modules and
a final check each, and a thousand officers of the member forces. Every officer has a
place in a session of one course, has opened each of its modules and finished some; one
in four also asks for a place in another session, and one in ten has taken the final
check once. Scale 10 is forty courses, four hundred modules, ten thousand officers and a
hundred thousand module-progress rows.

Its courses are written in ``data/scale.yaml`` and published by the demo loader's
``publish_course``, through Wagtail's tree like every page of the demo; officers, sessions,
enrolments, progress, attempts and responses are bulk-created, with one password hash for
everyone.
"""

import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from academy.models import AcademyPage, Force, Profile
from courses.models import (
    AssessmentAttempt,
    CoursePage,
    Enrolment,
    ModuleProgress,
    Response,
    Session,
    Theme,
)
from courses.services import choice_points, save_answers, start_attempt, submit_attempt
from home.demo.content import read_scale
from home.demo.loader import DEMO_PASSWORD, publish_course

COURSES_PER_UNIT = 4
OFFICERS_PER_UNIT = 1000
MODULES_PER_COURSE = 10
# Officers seated in one session at most, and its places: the rest are left for
# officers who ask later (and for the load test's race to the last places).
SEATED_PER_SESSION = 25
SESSION_PLACES = 40
SESSIONS_PER_COURSE_AT_LEAST = 2
# Every fourth officer of a session asks for a place in the next session too.
ASKING_EVERY = 4
# Every tenth officer of a course has taken its final check once.
TESTED_EVERY = 10
BATCH = 5000

OFFICER_DOMAIN = "network.academy.example"

LANGUAGE_OF_COUNTRY = {"BE": "fr", "FR": "fr", "NL": "nl", "ES": "es", "PT": "pt"}


@dataclass(frozen=True)
class NetworkSize:
    """What a scale builds: every figure grows linearly with it."""

    courses: int
    officers: int

    @classmethod
    def at(cls, scale):
        return cls(
            courses=max(1, round(COURSES_PER_UNIT * scale)),
            officers=max(1, round(OFFICERS_PER_UNIT * scale)),
        )

    def officers_of(self, course):
        """Officers seated in a course (officers are dealt to courses in turn)."""
        return self.officers // self.courses + (course < self.officers % self.courses)

    def sessions_of(self, course):
        seated = -(-self.officers_of(course) // SEATED_PER_SESSION)
        return max(SESSIONS_PER_COURSE_AT_LEAST, seated)

    @property
    def modules(self):
        return self.courses * MODULES_PER_COURSE

    @property
    def progress_rows(self):
        return self.officers * MODULES_PER_COURSE

    @property
    def sessions(self):
        return sum(self.sessions_of(course) for course in range(self.courses))

    def seated_in(self, course, session):
        """Officers seated in one session of a course (a course's officers are dealt in turn)."""
        officers, sessions = self.officers_of(course), self.sessions_of(course)
        return officers // sessions + (session < officers % sessions)

    @property
    def requested(self):
        return sum(
            self.seated_in(course, session) // ASKING_EVERY
            for course in range(self.courses)
            for session in range(self.sessions_of(course))
        )

    @property
    def attempts(self):
        return sum(-(-self.officers_of(course) // TESTED_EVERY) for course in range(self.courses))


@dataclass
class LargeNetwork:
    """What ``seed_network_at_scale`` built (nothing when it was there already)."""

    size: NetworkSize
    built: bool
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


class NetworkAlreadyBuilt(Exception):
    """The database holds a large network of another size: it is not grown or shrunk."""


def scale_officers():
    """The officers of the large network (the demo's own officers are not among them)."""
    return get_user_model().objects.filter(email__endswith=f"@{OFFICER_DOMAIN}")


def seed_network_at_scale(scale):
    """Build the large network of ``scale`` on top of the demo network (all or nothing).

    Safe to rerun: a network of the same size is left as it is; one of another size
    raises ``NetworkAlreadyBuilt`` (start from an empty database to build another).
    """
    size = NetworkSize.at(scale)
    existing = scale_officers().count()
    if existing == size.officers:
        return LargeNetwork(size=size, built=False)
    if existing:
        raise NetworkAlreadyBuilt(
            f"This database already holds a large network of {existing} officers; scale "
            f"{scale:g} means {size.officers}. Rerun with the same scale, or start from an "
            "empty database."
        )
    started = time.perf_counter()
    with transaction.atomic():
        counts = _build(size)
    return LargeNetwork(size=size, built=True, seconds=time.perf_counter() - started, counts=counts)


def _build(size):
    data = read_scale()
    academies = list(AcademyPage.objects.in_default_locale().order_by("path"))
    themes = {theme.name: theme for theme in Theme.objects.all()}
    courses = [
        _course(academies[number % len(academies)], number, data, themes)
        for number in range(size.courses)
    ]
    sessions = _sessions(size, courses)
    officers = _officers(size, data["officers"])
    seats, asking = _enrolments(size, officers, sessions)
    progress = _progress(seats)
    attempts = _attempts(seats)
    return {
        "courses": len(courses),
        "modules": sum(len(course.modules) for course in courses),
        "officers": len(officers),
        "sessions": sum(len(group) for group in sessions),
        "approved enrolments": len(seats),
        "requested enrolments": len(asking),
        "module-progress rows": progress,
        "attempts": attempts,
    }


def _course(academy, number, data, themes):
    """The course ``number`` of the large network: the next topic of ``scale.yaml``."""
    topics, pattern = data["topics"], data["course"]
    topic = topics[number % len(topics)]
    intake = number // len(topics) + 1
    title = topic["title"]

    def filled(text):
        return text.replace("{topic}", title).replace("{city}", academy.city)

    course = {
        "title": f"{title} ({intake})" if intake > 1 else title,
        "slug": f"{slugify(title)}-{number + 1}",
        "summary": filled(pattern["summary"]),
        "learning_objectives": pattern.get("learning_objectives", ""),
        "audience": pattern.get("audience", ""),
        "themes": [topic["theme"]],
        "level": CoursePage.Level.INTERMEDIATE if number % 3 else CoursePage.Level.INTRODUCTORY,
        "cpd_hours": Decimal(MODULES_PER_COURSE) / 2,
        "modules": [
            {
                "title": module,
                "slug": slugify(module),
                "estimated_minutes": 15 + 5 * (position % 4),
                "body": [
                    {kind: filled(value) if isinstance(value, str) else value}
                    for block in [{"heading": module}, *pattern["module_body"]]
                    for kind, value in block.items()
                ],
            }
            for position, module in enumerate(pattern["modules"][:MODULES_PER_COURSE], start=1)
        ],
        "assessment": {
            **pattern["assessment"],
            "instructions": filled(pattern["assessment"].get("instructions", "")),
        },
    }
    course = publish_course(academy, course, themes)
    course.academy = academy
    return course


# Records, in bulk


def _sessions(size, courses):
    """Sessions of each course, upcoming and open, approval required; grouped by course."""
    today = timezone.localdate()
    built = []
    for number, course in enumerate(courses):
        academy = course.academy
        built.append(
            [
                Session(
                    academy=academy,
                    course=course,
                    kind=Session.Kind.COURSE,
                    title=f"{course.title}, intake {intake}",
                    starts_on=today + datetime.timedelta(days=28 + 7 * intake + number % 7),
                    ends_on=today + datetime.timedelta(days=29 + 7 * intake + number % 7),
                    format=Session.Format.BLENDED if intake % 2 else Session.Format.ONLINE,
                    language=academy.default_language,
                    capacity=SESSION_PLACES,
                    approval_required=True,
                )
                for intake in range(1, size.sessions_of(number) + 1)
            ]
        )
    Session.objects.bulk_create([session for group in built for session in group])
    return built


def _officers(size, names):
    given_names, family_names = names["given_names"], names["family_names"]
    forces = list(Force.objects.order_by("pk"))
    password = make_password(DEMO_PASSWORD)
    officers, profiles = [], []
    for number in range(1, size.officers + 1):
        given = given_names[number % len(given_names)]
        family = family_names[(number // len(given_names)) % len(family_names)]
        force = forces[number % len(forces)]
        officers.append(
            get_user_model()(
                email=f"officer.{number:05d}@{OFFICER_DOMAIN}",
                first_name=given,
                last_name=family,
                password=password,
            )
        )
        profiles.append(
            {
                "full_name": f"{given} {family}",
                "force": force,
                "preferred_language": LANGUAGE_OF_COUNTRY.get(force.country, "en"),
            }
        )
    officers = get_user_model().objects.bulk_create(officers, batch_size=BATCH)
    Profile.objects.bulk_create(
        [Profile(user=user, **profile) for user, profile in zip(officers, profiles, strict=True)],
        batch_size=BATCH,
    )
    return officers


@dataclass
class Seat:
    """An officer's approved enrolment, with its course and rank among the course's officers."""

    enrolment: Enrolment
    course: CoursePage
    rank: int


def _enrolments(size, officers, sessions):
    """Seat each officer in a session of their course, and let some ask for another place."""
    flat = [session for group in sessions for session in group]
    following = {session.pk: flat[(n + 1) % len(flat)] for n, session in enumerate(flat)}
    seats, asking = [], []
    for index, officer in enumerate(officers):
        course_number, rank = index % size.courses, index // size.courses
        group = sessions[course_number]
        session = group[rank % len(group)]
        seats.append(
            Seat(
                Enrolment(officer=officer, session=session, state=Enrolment.State.APPROVED),
                session.course,
                rank,
            )
        )
        if (rank // len(group)) % ASKING_EVERY == ASKING_EVERY - 1:
            asking.append(
                Enrolment(
                    officer=officer,
                    session=following[session.pk],
                    state=Enrolment.State.REQUESTED,
                )
            )
    Enrolment.objects.bulk_create([seat.enrolment for seat in seats], batch_size=BATCH)
    Enrolment.objects.bulk_create(asking, batch_size=BATCH)
    return seats, asking


def _progress(seats):
    """Every module opened; the first ones done, never all: nobody has completed yet.
    Those who took the final check are one module away."""
    now = timezone.now()
    rows = []
    for seat in seats:
        done = MODULES_PER_COURSE - 1 - seat.rank % MODULES_PER_COURSE
        for position, module in enumerate(seat.course.modules):
            finished = position < done
            rows.append(
                ModuleProgress(
                    enrolment=seat.enrolment,
                    module=module,
                    completed_at=now - datetime.timedelta(days=done - position)
                    if finished
                    else None,
                    seconds_spent=60 * module.estimated_minutes if finished else 120,
                    last_position=3 if finished else 1,
                )
            )
        if len(rows) >= BATCH:
            ModuleProgress.objects.bulk_create(rows)
            rows = []
    ModuleProgress.objects.bulk_create(rows)
    return len(seats) * MODULES_PER_COURSE


def _attempts(seats):
    """One graded attempt at the final check for every tenth officer of each course.

    The first one of each course goes through the real services (start, save, submit);
    the others copy its questions as asked and are bulk-created with their responses.
    """
    tested = [seat for seat in seats if seat.rank % TESTED_EVERY == 0]
    asked, through_services = {}, set()
    for seat in tested:
        if seat.course.pk in asked:
            continue
        attempt = start_attempt(seat.enrolment.officer, seat.course.assessment)
        answers = _answers(attempt.questions, seat.rank)
        attempt = save_answers(
            attempt, {p: (ids, "") for p, ids in answers.items()}, attempt.sequence
        )
        submit_attempt(attempt)
        asked[seat.course.pk] = attempt.questions
        through_services.add(seat.enrolment.pk)
    now = timezone.now()
    attempts, responses = [], []
    for seat in tested:
        if seat.enrolment.pk in through_services:
            continue
        questions = asked[seat.course.pk]
        answers = _answers(questions, seat.rank)
        points = {p: choice_points(questions[p], ids) for p, ids in answers.items()}
        attempt = AssessmentAttempt(
            assessment=seat.course.assessment,
            enrolment=seat.enrolment,
            officer=seat.enrolment.officer,
            number=1,
            state=AssessmentAttempt.State.GRADED,
            questions=questions,
            sequence=1,
            deadline=now + datetime.timedelta(minutes=20),
            submitted_at=now,
            graded_at=now,
            score=sum(points.values(), Decimal(0)),
            max_score=sum((Decimal(q["points"]) for q in questions), Decimal(0)),
            pass_mark=seat.course.assessment.pass_mark,
        )
        attempts.append(attempt)
        responses.extend(
            Response(attempt=attempt, question=p, selected=ids, points=points[p])
            for p, ids in answers.items()
        )
    AssessmentAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    Response.objects.bulk_create(responses, batch_size=BATCH)
    return len(tested)


def _answers(questions, rank):
    """Choices an officer ticks: right about two times in three, never the same pattern."""
    answers = {}
    for position, question in enumerate(questions):
        right = [choice["id"] for choice in question["choices"] if choice["correct"]]
        wrong = [choice["id"] for choice in question["choices"] if not choice["correct"]]
        answers[position] = right if (rank + position) % 3 else wrong[:1]
    return answers
