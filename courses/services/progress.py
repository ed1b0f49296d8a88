"""Writes of an officer's progress (visits, time, modules done), reminders of modules left,
and copying a course to another academy."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.copy_page import CopyPageAction

from academy import policy
from courses import xapi
from courses.models import Enrolment, EnrolmentRefused, ModulePage, ModuleProgress
from courses.notifications import remind
from courses.queries import academy_of, course_progress, required_modules
from courses.services.enrolment import evaluate_completion

# A heartbeat credits the time since the previous one, up to this; a longer gap means
# the officer was away, and is not counted at all.
HEARTBEAT_INTERVAL = datetime.timedelta(seconds=30)
HEARTBEAT_CAP = 2 * HEARTBEAT_INTERVAL


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


def record_visit(enrolment, module, row=None):
    """The officer opened a module: it is started, and time counts from now.

    ``row``: the module's progress row when the caller read it already; the visit is then
    one UPDATE (no lock needed: the time is set, not added to). A first visit creates the
    row and records the module as launched (xAPI).
    """
    if row is None:
        with transaction.atomic():
            module = _module_of_session(enrolment, module)
            row, created = ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
            if created:
                xapi.record(
                    enrolment.officer,
                    "launched",
                    xapi.page_activity("module", module),
                    enrolment=enrolment,
                    parent=xapi.page_activity("course", enrolment.session.course),
                )
    row.last_seen_at = timezone.now()
    ModuleProgress.objects.filter(pk=row.pk).update(last_seen_at=row.last_seen_at)
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
        xapi.record(
            enrolment.officer,
            "completed",
            xapi.page_activity("module", row.module),
            result=xapi.score_result(completion=True, duration=row.seconds_spent),
            enrolment=enrolment,
            parent=xapi.page_activity("course", enrolment.session.course),
        )
    evaluate_completion(enrolment)
    return row


def remind_modules_left(days):
    """Remind officers whose session ends in ``days`` days of the required modules left.

    Two queries per run and one per reminder sent, whatever the number of sessions.
    """
    ends_on = timezone.localdate() + datetime.timedelta(days=days)
    enrolments = list(
        Enrolment.objects.filter(
            state=Enrolment.State.APPROVED,
            session__ends_on=ends_on,
            session__cancelled_at__isnull=True,
            session__course__isnull=False,
        )
        .select_related("officer__academy_profile", "session__course")
        .with_required_modules_done()
    )
    required = required_modules({e.session.course for e in enrolments})
    sent = 0
    for enrolment in enrolments:
        left = required.get(enrolment.session.course_id, 0) - enrolment.required_modules_done
        if left > 0:
            sent += remind(enrolment, "modules_left", key=f"modules_left_{days}", left=left)
    return sent
