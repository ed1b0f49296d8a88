"""Domain operations on courses."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.copy_page import CopyPageAction

from academy import policy
from academy.models import AcademyPage
from courses.attempts import result
from courses.models import (
    AssessmentAttempt,
    AssessmentPage,
    CoursePage,
    Enrolment,
    ModulePage,
    ModuleProgress,
    Session,
)
from courses.notifications import remind
from courses.services.enrolment import EnrolmentRefused, attended_every_day, complete

# A heartbeat credits the time since the previous one, up to this; a longer gap means
# the officer was away, and is not counted at all.
HEARTBEAT_INTERVAL = datetime.timedelta(seconds=30)
HEARTBEAT_CAP = 2 * HEARTBEAT_INTERVAL


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


@transaction.atomic
def copy_course_to_academy(course, academy, user):
    """Copy a published course of another academy, with its modules and assessments, as a draft.

    The copy is owned by ``user``, goes through the receiving city's moderation
    like any draft, and keeps credit to the academy that wrote it. Only a coordinator
    of ``academy`` may do this.
    """
    if not policy.may_act_on(user, "copy_course", academy):
        raise PermissionDenied(
            _("Only coordinators of %(academy)s can copy courses into it.")
            % {"academy": academy.title}
        )
    source_academy = academy_of(course)
    if not course.live:
        raise ValidationError(_("Only published courses can be copied."))
    if source_academy is None or source_academy.pk == academy.pk:
        raise ValidationError(
            _("This course already belongs to %(academy)s.") % {"academy": academy.title}
        )
    slug = course.slug
    taken = set(academy.get_children().values_list("slug", flat=True))
    suffix = 2
    while slug in taken:
        slug = f"{course.slug}-{suffix}"
        suffix += 1
    return _copy_live_version(
        course,
        to=academy,
        user=user,
        update_attrs={"slug": slug, "origin_academy": course.origin_academy or source_academy},
    )


def _copy_live_version(page, *, to, user, update_attrs=None):
    """Copy ``page`` as readers see it, then its live children the same way, as drafts.

    Another city's drafts are not ours to copy: neither a newer unpublished revision of a
    live page nor a page that was never published (or was unpublished) goes across.
    """
    live = page.specific_class.objects.get(pk=page.pk)  # as saved, not as the caller holds it
    if live.live_revision_id:
        live = live.live_revision.as_object()
    copy = CopyPageAction(
        live,
        to=to,
        recursive=False,
        keep_live=False,
        copy_revisions=False,
        user=user,
        update_attrs=update_attrs,
    ).execute(skip_permission_checks=True)
    for child in page.get_children().live():
        _copy_live_version(child, to=copy, user=user)
    return copy.specific


def enrolment_for(officer, course):
    """The officer's enrolment that a course's pages follow, or None.

    An approved enrolment in a session of this course (in any of its languages)
    comes first; otherwise the latest completed one.
    """
    if not officer.is_authenticated:
        return None
    enrolments = (
        Enrolment.objects.for_officer(officer)
        .filter(
            state__in=Enrolment.ACTIVE,
            session__course__translation_key=course.translation_key,
        )
        .select_related("session")
        .order_by("-session__starts_on", "-pk")
    )
    enrolments = list(enrolments)
    approved = [e for e in enrolments if e.state == Enrolment.State.APPROVED]
    return (approved or enrolments or [None])[0]


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


def course_progress(enrolment, modules):
    """Progress of an enrolment through ``modules`` (the course's live modules, in order).

    One query whatever the number of modules: the progress rows are matched to the
    modules by translation key, so a translated course page shows the same progress.
    """
    rows = ModuleProgress.objects.filter(enrolment=enrolment).annotate(
        module_key=F("module__translation_key")
    )
    by_key = {row.module_key: row for row in rows}
    in_order = enrolment.session.course.modules_in_order if enrolment.session.course_id else False
    progress, blocked = CourseProgress(enrolment), False
    for module in modules:
        row = by_key.get(module.translation_key)
        progress.steps.append(ModuleStep(module, row, locked=in_order and blocked))
        if module.required and not (row and row.completed_at):
            blocked = True
    return progress


def _module_of_session(enrolment, module):
    """The version of ``module`` in the session course's language, where progress is kept."""
    course = enrolment.session.course
    if module.locale_id == course.locale_id:
        return module
    return ModulePage.objects.get(
        translation_key=module.translation_key, locale_id=course.locale_id
    )


def _progress_row(enrolment, module):
    """The progress row of a module, created on first visit, locked for this transaction."""
    module = _module_of_session(enrolment, module)
    ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    return ModuleProgress.objects.select_for_update().get(enrolment=enrolment, module=module)


def _check_open(enrolment, module):
    if not enrolment.is_active:
        raise EnrolmentRefused(_("You are not enrolled in a session of this course."))
    modules = ModulePage.objects.child_of(module.get_parent()).live().defer_streamfields()
    step = course_progress(enrolment, modules).step_for(module)
    if step and step.locked:
        raise EnrolmentRefused(
            _("Finish the previous modules first: this course is taken in order.")
        )


@transaction.atomic
def record_visit(enrolment, module):
    """The officer opened a module: it is started, and time counts from now."""
    row = _progress_row(enrolment, module)
    row.last_seen_at = timezone.now()
    row.save(update_fields=["last_seen_at"])
    return row


@transaction.atomic
def record_heartbeat(enrolment, module, position):
    """Add the time since the previous heartbeat (bounded) and remember the position.

    The progress row is locked, so concurrent heartbeats (two tabs, retries) each
    count only the time since the one before: time is never counted twice.
    """
    row = _progress_row(enrolment, module)
    now = timezone.now()
    elapsed = now - row.last_seen_at
    if datetime.timedelta(0) < elapsed <= HEARTBEAT_CAP:
        row.seconds_spent += int(elapsed.total_seconds())
    row.last_seen_at = now
    row.last_position = max(0, min(int(position), 10_000))
    row.save(update_fields=["seconds_spent", "last_seen_at", "last_position"])
    return row


@transaction.atomic
def complete_module(enrolment, module):
    """Mark a module done for an enrolment (once), then check the course's completion rule."""
    _check_open(enrolment, module)
    row = _progress_row(enrolment, module)
    if row.completed_at is None:
        row.completed_at = timezone.now()
        row.save(update_fields=["completed_at"])
    evaluate_completion(enrolment)
    return row


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
    if course.require_all_modules:
        required = ModulePage.objects.child_of(course).live().filter(required=True)
        done = ModuleProgress.objects.filter(
            enrolment=enrolment, module__in=required, completed_at__isnull=False
        )
        if done.count() < required.count():
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
        AssessmentAttempt.objects.filter(
            enrolment=enrolment,
            assessment__in=assessments,
            state=AssessmentAttempt.State.GRADED,
        )
    )
    for assessment in assessments:
        counted = result(
            enrolment, assessment, [a for a in graded if a.assessment_id == assessment.pk]
        )
        if counted is None or not counted.passed:
            return False
    return True


def evaluate_completion(enrolment):
    """Complete an approved enrolment whose rule is met. Returns True if it completed now."""
    enrolment.refresh_from_db()
    if enrolment.state != Enrolment.State.APPROVED or not completion_rule_met(enrolment):
        return False
    return complete(enrolment)


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
            return 100 if self.enrolment.state == Enrolment.State.COMPLETED else 0
        return round(100 * self.modules_done / self.modules_required)


def learning_record(officer):
    """Every enrolment of an officer, newest session first, with module progress.

    Three queries whatever the number of enrolments and modules.
    """
    enrolments = list(
        Enrolment.objects.for_officer(officer)
        .select_related("session__academy", "session__course")
        .annotate(
            modules_done=Count(
                "module_progress",
                filter=Q(
                    module_progress__completed_at__isnull=False,
                    module_progress__module__required=True,
                ),
            )
        )
        .order_by("-session__starts_on", "-pk")
    )
    required = required_modules([e.session.course for e in enrolments if e.session.course_id])
    return [
        LearningRecord(
            enrolment=e,
            modules_done=e.modules_done,
            modules_required=required.get(e.session.course_id, 0),
        )
        for e in enrolments
    ]


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


def remind_modules_left(days):
    """Remind officers whose session ends in ``days`` days of the required modules left.

    A few queries per session ending that day, whatever the number of officers.
    """
    ends_on = timezone.localdate() + datetime.timedelta(days=days)
    sent = 0
    sessions = Session.objects.filter(
        ends_on=ends_on, cancelled_at__isnull=True, course__isnull=False
    ).select_related("course")
    for session in sessions:
        required = ModulePage.objects.child_of(session.course).live().filter(required=True)
        total = required.count()
        if not total:
            continue
        enrolments = (
            session.enrolments.filter(state=Enrolment.State.APPROVED)
            .select_related("officer")
            .annotate(
                done=Count(
                    "module_progress",
                    filter=Q(
                        module_progress__completed_at__isnull=False,
                        module_progress__module__in=required,
                    ),
                )
            )
        )
        for enrolment in enrolments:
            if enrolment.done < total:
                sent += remind(
                    enrolment,
                    "modules_left",
                    key=f"modules_left_{days}",
                    left=total - enrolment.done,
                )
    return sent
