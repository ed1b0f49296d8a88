"""Reads of the learning domain: where an officer stands, results, what staff may see.

Writes are in ``courses.services``; views and pages call both, and these never change a row.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.db.models import F, Q
from django.utils import timezone

from academy import policy
from academy.models import AcademyPage
from courses.models import (
    AssessmentAttempt,
    AssessmentPage,
    CoursePage,
    Enrolment,
    ModulePage,
    ModuleProgress,
)

# Courses and academies


def academy_of(page):
    """The academy a course (or a page under it) belongs to."""
    return AcademyPage.objects.ancestor_of(page).first()


def shareable_courses(user):
    """Published courses of the academies the user does not coordinate."""
    own = AcademyPage.objects.coordinated_by(user)
    courses = CoursePage.objects.live().public().specific().select_related("origin_academy")
    for academy in own:
        courses = courses.not_descendant_of(academy)
    return courses.order_by("title")


# An enrolment's own fields and its session's course: what a module page needs of it.
ENROLMENT_WITH_COURSE_ID = [
    *(field.name for field in Enrolment._meta.concrete_fields),
    "session__course_id",
]


def enrolment_for(officer, course, with_course=True):
    """The officer's enrolment that a course's pages follow, or None.

    An approved enrolment in a session of this course (in any of its languages)
    comes first; otherwise the latest completed one. Its session and the session's course
    are read with it; with ``with_course`` false, only the session's course id (the caller
    has the course: a course page and a session are wide rows, the module page's hottest
    query).
    """
    if not officer.is_authenticated:
        return None
    enrolments = (
        Enrolment.objects.for_officer(officer)
        .active()
        .filter(session__course__translation_key=course.translation_key)
        .order_by("-session__starts_on", "-pk")
    )
    if with_course:
        enrolments = enrolments.select_related("session__course")
    else:
        enrolments = enrolments.select_related("session").only(*ENROLMENT_WITH_COURSE_ID)
    enrolments = list(enrolments)
    approved = [e for e in enrolments if e.is_approved]
    return (approved or enrolments or [None])[0]


# Required modules: what must be done (``required_modules``) and what is done
# (``ModuleProgress.objects.required_done()``, ``Enrolment.objects.with_required_modules_done()``).


def required_modules_of(course):
    """The live required modules of a course: those its completion rule asks for."""
    return ModulePage.objects.child_of(course).live().filter(required=True)


def required_modules(courses):
    """How many live required modules each course has, by course id: one query."""
    by_path = {course.path: course.pk for course in courses}
    counts = Counter()
    if by_path:
        under = Q()
        for path in by_path:
            under |= Q(path__startswith=path)
        modules = ModulePage.objects.live().filter(under, required=True)
        for path in modules.values_list("path", flat=True):
            parent = path[: -ModulePage.steplen]
            if parent in by_path:
                counts[by_path[parent]] += 1
    return counts


def required_modules_done(enrolment):
    """How many required modules of its course the enrolment has done."""
    return ModuleProgress.objects.filter(enrolment=enrolment).required_done().count()


# Where an officer stands in a course


@dataclass
class ModuleStep:
    module: ModulePage
    progress: ModuleProgress | None
    locked: bool

    @property
    def done(self):
        return bool(self.progress and self.progress.completed_at)


@dataclass
class CourseProgress:
    """Where an officer stands in a course: every module, what is done, what comes next."""

    enrolment: Enrolment
    steps: list = field(default_factory=list)

    @property
    def required(self):
        return [step for step in self.steps if step.module.required]

    @property
    def done_count(self):
        return sum(1 for step in self.required if step.done)

    @property
    def percent(self):
        required = self.required
        return round(100 * self.done_count / len(required)) if required else 100

    @property
    def next_step(self):
        """The first module not done yet that the officer may open."""
        return next((s for s in self.steps if not s.done and not s.locked), None)

    @property
    def resume_step(self):
        """The module the officer was last in, unless it is done; else the next one."""
        seen = [s for s in self.steps if s.progress and not s.done and not s.locked]
        if seen:
            return max(seen, key=lambda s: s.progress.last_seen_at)
        return self.next_step

    def step_for(self, module):
        return next(
            (s for s in self.steps if s.module.translation_key == module.translation_key), None
        )


PROGRESS_FIELDS = ("id", "enrolment_id", "module_id", "completed_at", "last_seen_at")


def course_progress(enrolment, modules):
    """Progress of an enrolment through ``modules`` (the course's live modules, in order).

    One query whatever the number of modules. Progress is kept on the modules in the
    language of the session's course (``services.progress``): modules in that language are
    matched to their rows by id; those of a translated course page by translation key, so
    it shows the same progress.
    """
    course = enrolment.session.course if enrolment.session.course_id else None
    # Whether a module is done, and when it was last seen (where to resume): no more.
    rows = ModuleProgress.objects.filter(enrolment=enrolment).only(*PROGRESS_FIELDS)
    if course is not None and all(module.locale_id == course.locale_id for module in modules):
        by_module = {row.module_id: row for row in rows}
        key = attrgetter("pk")
    else:
        by_module = {
            row.module_key: row for row in rows.annotate(module_key=F("module__translation_key"))
        }
        key = attrgetter("translation_key")
    in_order = course.modules_in_order if course is not None else False
    progress, blocked = CourseProgress(enrolment), False
    for module in modules:
        row = by_module.get(key(module))
        progress.steps.append(ModuleStep(module, row, locked=in_order and blocked))
        if module.required and not (row and row.completed_at):
            blocked = True
    return progress


@dataclass
class LearningRecord:
    """One line of an officer's record: an enrolment and how far it got."""

    enrolment: Enrolment
    modules_done: int
    modules_required: int

    @property
    def course(self):
        return self.enrolment.session.course if self.enrolment.session.course_id else None

    @property
    def percent(self):
        if not self.modules_required:
            return 100 if self.enrolment.is_completed else 0
        return round(100 * self.modules_done / self.modules_required)


def learning_record(officer):
    """Every enrolment of an officer, newest session first, with module progress.

    Two queries whatever the number of enrolments and modules.
    """
    enrolments = list(
        Enrolment.objects.for_officer(officer)
        .select_related("session__academy", "session__course")
        .with_required_modules_done()
        .order_by("-session__starts_on", "-pk")
    )
    required = required_modules([e.session.course for e in enrolments if e.session.course_id])
    return [
        LearningRecord(
            enrolment=e,
            modules_done=e.required_modules_done,
            modules_required=required.get(e.session.course_id, 0),
        )
        for e in enrolments
    ]


# The completion rule


def attended_every_day(enrolment):
    """True when the officer was marked present on every day of the session."""
    session = enrolment.session
    # One mark per officer and day (a constraint): counting them is enough.
    present = enrolment.attendance.filter(
        present=True, day__range=(session.starts_on, session.ends_on)
    ).count()
    return present == session.day_count


def completion_rule_met(enrolment):
    """Whether the enrolment meets its course's completion rule.

    A session without a course (Exchange Day, peer review) is completed by attending
    every day. Passing assessments needs recorded results; until an assessment has
    been passed, a rule that requires it is not met.
    """
    session = enrolment.session
    course = session.course
    if course is None:
        return attended_every_day(enrolment)
    if course.require_all_modules and required_modules_done(enrolment) < (
        required_modules_of(course).count()
    ):
        return False
    if course.require_passed_assessments and not passed_every_assessment(enrolment, course):
        return False
    if course.require_attendance and session.takes_attendance:
        return attended_every_day(enrolment)
    return True


def passed_every_assessment(enrolment, course):
    """Whether the enrolment's result (by each grading method) passes every live assessment."""
    assessments = list(AssessmentPage.objects.child_of(course).live().specific())
    if not assessments:
        return True
    graded = list(
        AssessmentAttempt.objects.graded().filter(enrolment=enrolment, assessment__in=assessments)
    )
    for assessment in assessments:
        counted = result(
            enrolment, assessment, [a for a in graded if a.assessment_id == assessment.pk]
        )
        if counted is None or not counted.passed:
            return False
    return True


# Attempts: results and review


def seconds_left(attempt, now=None):
    """Seconds until time is up, from the server's own start time (None: no limit)."""
    if attempt.deadline is None:
        return None
    return max(int((attempt.deadline - (now or timezone.now())).total_seconds()), 0)


def attempts_used(officer, assessment):
    """How many attempts an officer has started at an assessment (all count)."""
    return AssessmentAttempt.objects.filter(assessment=assessment, officer=officer).count()


def result(enrolment, assessment, attempts=None):
    """The attempt that counts, by the assessment's grading method (highest or last)."""
    if attempts is None:
        attempts = AssessmentAttempt.objects.filter(enrolment=enrolment, assessment=assessment)
    graded = [a for a in attempts if a.is_graded]
    if not graded:
        return None
    if assessment.grading_method == AssessmentPage.GradingMethod.LAST:
        return max(graded, key=lambda attempt: attempt.number)
    return max(
        graded,
        key=lambda attempt: (
            attempt.score / attempt.max_score if attempt.max_score else 0,
            attempt.number,
        ),
    )


def review_level(attempt, attempts_used):
    """What the officer may see of a submitted attempt now: None, or the review policy."""
    if attempt.is_in_progress:
        return None
    assessment = attempt.assessment
    when = assessment.review_from
    if when == AssessmentPage.ReviewFrom.NO_ATTEMPTS_LEFT and (
        attempts_used < assessment.attempts_allowed
    ):
        return None
    if (
        when == AssessmentPage.ReviewFrom.SESSION_ENDED
        and timezone.localdate() <= attempt.enrolment.session.ends_on
    ):
        return None
    return assessment.review_policy


# What trainers see


def staff_assessments(user):
    """Assessments under the academies (in every language) where ``user`` may grade."""
    return policy.scope(AssessmentPage.objects.all(), user, "grade")


def may_grade(user, assessment):
    """Trainers and coordinators of the assessment's academy (network admins too)."""
    return policy.may_act_on(user, "grade", assessment)


def item_analysis(attempts):
    """Per question of submitted attempts: facility, discrimination, how often each choice was
    picked.

    Facility is the mean share of the question's points that officers earned (1 = everyone
    right). Discrimination compares the best and the weakest 27% of attempts by total score:
    their difference in facility (from -1 to 1; above 0.3 the question separates them well).
    ``attempts`` have their responses prefetched; questions are matched by their id.
    """
    rows, scored = {}, []
    for attempt in attempts:
        responses = {response.question: response for response in attempt.responses.all()}
        shares = {}
        for position, question in enumerate(attempt.questions):
            response = responses.get(position)
            points = Decimal(question["points"])
            earned = response.points if response and response.points is not None else None
            row = rows.setdefault(
                question["id"],
                {
                    "id": question["id"],
                    "text": question["text"],
                    "asked": 0,
                    "shares": [],
                    "picks": {c["id"]: [c["text"], 0] for c in question["choices"]},
                },
            )
            row["asked"] += 1
            for choice_id in response.selected if response else []:
                row["picks"].setdefault(choice_id, ["?", 0])[1] += 1
            if earned is not None and points:
                share = float(earned / points)
                row["shares"].append(share)
                shares[question["id"]] = share
        # A submitted attempt whose written answers wait for a trainer counts what is graded.
        earned = sum((r.points for r in responses.values() if r.points is not None), Decimal(0))
        total = float(earned / attempt.max_score) if attempt.max_score else 0.0
        scored.append((total, shares))
    scored.sort(key=lambda item: item[0])
    group = max(1, round(len(scored) * 0.27)) if len(scored) >= 2 else 0
    lower, upper = scored[:group], scored[-group:] if group else []
    analysis = []
    for row in rows.values():
        shares = row.pop("shares")
        row["facility"] = sum(shares) / len(shares) if shares else None
        if group:
            high = [s[row["id"]] for _total, s in upper if row["id"] in s]
            low = [s[row["id"]] for _total, s in lower if row["id"] in s]
            row["discrimination"] = (
                sum(high) / len(high) - sum(low) / len(low) if high and low else None
            )
        else:
            row["discrimination"] = None
        row["picks"] = [{"text": text, "count": count} for text, count in row["picks"].values()]
        analysis.append(row)
    return analysis
