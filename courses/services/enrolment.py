"""Sessions and enrolment: places, waitlist, decisions, attendance and completion."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Attendance, Enrolment, Session
from courses.notifications import notify_officer
from courses.signals import attendance_marked, enrolment_completed

# What each role of a city may do on that city's page subtree. Trainers draft and
# submit; only coordinators publish (through the city's moderation workflow).


class EnrolmentRefused(Exception):
    """A state change that is not allowed, with the reason in the user's language."""


def _places_taken(session):
    return session.enrolments.holding_a_place().count()


def _state_for_a_place(session):
    return Enrolment.State.REQUESTED if session.approval_required else Enrolment.State.APPROVED


def _notify(enrolment, event):
    """Email the officer once the change is committed (a rolled-back change tells no one)."""
    transaction.on_commit(lambda: notify_officer.enqueue(enrolment.pk, event))


@transaction.atomic
def enrol(officer, session):
    """Enrol an officer in a session: a place if one is free, otherwise the waitlist.

    Race-free: the session row is locked while places are counted, so concurrent
    requests never give more places than the session has. Enrolling twice returns
    the existing enrolment unchanged.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    existing = Enrolment.objects.filter(officer=officer, session=session).first()
    if existing and existing.state not in (Enrolment.State.WITHDRAWN, Enrolment.State.REJECTED):
        return existing
    if existing and existing.state == Enrolment.State.REJECTED:
        raise EnrolmentRefused(_("Your request for this session was declined."))
    if not Session.objects.open_for_enrolment().filter(pk=session.pk).exists():
        raise EnrolmentRefused(_("Enrolment for this session is not open."))
    if _places_taken(session) < session.capacity:
        state = _state_for_a_place(session)
    else:
        state = Enrolment.State.WAITLISTED
    if existing:
        existing.state, existing.reason = state, ""
        existing.save(update_fields=["state", "reason", "updated_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(officer=officer, session=session, state=state)
    _notify(enrolment, state)
    return enrolment


@transaction.atomic
def withdraw(enrolment):
    """The officer leaves the session; a freed place goes to the first waitlisted officer."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state == Enrolment.State.COMPLETED:
        raise EnrolmentRefused(_("You have completed this session; it stays on your record."))
    if enrolment.state not in (*Enrolment.HOLDS_PLACE, Enrolment.State.WAITLISTED):
        raise EnrolmentRefused(_("You are not enrolled in this session."))
    freed = enrolment.state in Enrolment.HOLDS_PLACE
    enrolment.state = Enrolment.State.WITHDRAWN
    enrolment.save(update_fields=["state", "updated_at"])
    if freed:
        promote_waitlist(enrolment.session)
    return enrolment


@transaction.atomic
def promote_waitlist(session):
    """Give free places to waitlisted officers, first come first served."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        return []
    free = session.capacity - _places_taken(session)
    promoted = list(session.enrolments.filter(state=Enrolment.State.WAITLISTED)[: max(free, 0)])
    for enrolment in promoted:
        enrolment.state = _state_for_a_place(session)
        enrolment.save(update_fields=["state", "updated_at"])
        _notify(enrolment, enrolment.state)
    return promoted


@transaction.atomic
def decide(enrolment, *, approve, reason=""):
    """A coordinator approves or rejects a requested enrolment; the officer is told why."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state != Enrolment.State.REQUESTED:
        raise EnrolmentRefused(
            _("Only a requested enrolment can be approved or rejected; this one is %(state)s.")
            % {"state": enrolment.get_state_display().lower()}
        )
    enrolment.state = Enrolment.State.APPROVED if approve else Enrolment.State.REJECTED
    enrolment.reason = reason
    enrolment.save(update_fields=["state", "reason", "updated_at"])
    _notify(enrolment, enrolment.state)
    if not approve:
        promote_waitlist(enrolment.session)
    return enrolment


def decide_many(enrolments, *, approve, reason=""):
    """Approve or reject several requests; each is decided on its own.

    Returns the decided enrolments and, for the others, why they could not be decided.
    """
    decided, refused = [], []
    for enrolment in enrolments:
        try:
            decided.append(decide(enrolment, approve=approve, reason=reason))
        except EnrolmentRefused as refusal:
            refused.append((enrolment, str(refusal)))
    return decided, refused


@transaction.atomic
def cancel_session(session, *, reason=""):
    """Cancel a session (sessions with enrolments are never deleted); enrolled officers are told."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise EnrolmentRefused(_("This session is already cancelled."))
    session.cancelled_at = timezone.now()
    session.cancellation_reason = reason
    session.calendar_sequence += 1
    session.save(update_fields=["cancelled_at", "cancellation_reason", "calendar_sequence"])
    for enrolment in _expecting(session):
        _notify(enrolment, "cancelled")
    return session


def _expecting(session):
    """Officers who still expect the session: with a place not yet completed, or waiting."""
    return session.enrolments.filter(
        state__in=[*Enrolment.HOLDS_PLACE, Enrolment.State.WAITLISTED]
    ).exclude(state=Enrolment.State.COMPLETED)


# What an officer's calendar holds of a session besides its title.
CALENDAR_FIELDS = ("starts_on", "ends_on", "venue")
# Kept as stored when an edit is saved: a form opened before a cancellation or an update
# was sent must not undo it.
NOT_EDITED = ("cancelled_at", "cancellation_reason", "calendar_sequence")


@transaction.atomic
def update_session(session, save=None):
    """Save staff's edit of a session (``save`` writes it, ``session.save`` by default).

    When its dates or venue change, its calendar sequence goes up and each officer who
    expects the session is emailed the change (with the updated calendar event for those
    holding a place); another change, of the title say, tells no one. The session row is
    locked, so concurrent edits never send two updates with one sequence.
    """
    stored = Session.objects.select_for_update().get(pk=session.pk)
    for name in NOT_EDITED:
        setattr(session, name, getattr(stored, name))
    moved = not stored.is_cancelled and any(
        getattr(stored, name) != getattr(session, name) for name in CALENDAR_FIELDS
    )
    if moved:
        session.calendar_sequence += 1
    (save or session.save)()
    if moved:
        for enrolment in _expecting(session):
            _notify(enrolment, "changed")
    return session


@transaction.atomic
def complete(enrolment):
    """Mark an approved enrolment completed, once; fires ``enrolment_completed``.

    Returns True when this call completed it, False when it already was.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state == Enrolment.State.COMPLETED:
        return False
    if enrolment.state != Enrolment.State.APPROVED:
        raise EnrolmentRefused(_("Only an approved enrolment can be completed."))
    enrolment.state = Enrolment.State.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["state", "completed_at", "updated_at"])
    transaction.on_commit(lambda: enrolment_completed.send(sender=Enrolment, enrolment=enrolment))
    return True


@transaction.atomic
def mark_attendance(session, marks, *, by):
    """Record who was present on which day of a session.

    ``marks`` maps (enrolment id, day) to True (present), False (absent) or None
    (not marked). Only approved or completed enrolments of this session, on days of
    the session, can be marked. Sends ``attendance_marked`` for each enrolment touched.
    Race-free: the session row is locked while the marks are read and written, so two
    trainers marking at once never add two marks for one officer and day.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    days = session.days()
    enrolments = {e.pk: e for e in session.enrolments.filter(state__in=Enrolment.ACTIVE)}
    existing = {
        (mark.enrolment_id, mark.day): mark
        for mark in Attendance.objects.filter(enrolment__in=enrolments.values())
    }
    touched = set()
    for (enrolment_id, day), present in marks.items():
        if enrolment_id not in enrolments or day not in days:
            raise EnrolmentRefused(
                _("Attendance can only be marked for this session's officers and days.")
            )
        mark = existing.get((enrolment_id, day))
        if present is None:
            if mark:
                mark.delete()
                touched.add(enrolment_id)
        elif mark is None:
            Attendance.objects.create(
                enrolment_id=enrolment_id, day=day, present=present, marked_by=by
            )
            touched.add(enrolment_id)
        elif mark.present != present:
            mark.present, mark.marked_by = present, by
            mark.save(update_fields=["present", "marked_by", "marked_at"])
            touched.add(enrolment_id)
    for enrolment_id in sorted(touched):
        enrolment = enrolments[enrolment_id]
        transaction.on_commit(
            lambda e=enrolment: attendance_marked.send(sender=Enrolment, enrolment=e)
        )
    return touched


def attended_every_day(enrolment):
    """True when the officer was marked present on every day of the session."""
    session = enrolment.session
    # One mark per officer and day (a constraint): counting them is enough.
    present = enrolment.attendance.filter(
        present=True, day__range=(session.starts_on, session.ends_on)
    ).count()
    return present == session.day_count
