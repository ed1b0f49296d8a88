"""Sessions and enrolment: places, waitlist, decisions, attendance and completion."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import Force, Profile
from courses import xapi
from courses.models import Attendance, Enrolment, EnrolmentRefused, Session
from courses.notifications import Event, notify_officer, notify_training_managers
from courses.queries import completion_rule_met

__all__ = ["EnrolmentRefused"]  # raised by the services, defined beside the state table


def _places_taken(session):
    return session.enrolments.holding_a_place().count()


def _state_for_a_place(session):
    return Enrolment.State.REQUESTED if session.approval_required else Enrolment.State.APPROVED


def needs_own_approval(officer, session):
    """Whether the officer's own force approves this request before the host decides: the
    force requires it, and the session is another city's."""
    profile = Profile.objects.for_user(officer)
    if profile.force_id is None or profile.force_id == session.academy.force_id:
        return False
    # Read as stored now: the force may have changed its rule since the profile was loaded.
    return Force.objects.filter(pk=profile.force_id, requires_own_approval=True).exists()


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
    existing = (
        Enrolment.objects.select_for_update().filter(officer=officer, session=session).first()
    )
    if existing and not (existing.is_withdrawn or existing.is_rejected):
        return existing
    if existing and existing.is_rejected:
        raise EnrolmentRefused(_("Your request for this session was declined."))
    if not Session.objects.open_for_enrolment().filter(pk=session.pk).exists():
        raise EnrolmentRefused(_("Enrolment for this session is not open."))
    if not session.admits_partners and Profile.objects.for_user(officer).is_partner:
        raise EnrolmentRefused(
            _("This session is for police officers and staff only: it admits no partners.")
        )
    if needs_own_approval(officer, session):
        # Asked of the own force first; no place is held until the host accepts.
        state = Enrolment.State.FORCE_REQUESTED
    elif _places_taken(session) < session.capacity:
        state = _state_for_a_place(session)
    else:
        state = Enrolment.State.WAITLISTED
    enrolment = existing or Enrolment(officer=officer, session=session)
    enrolment.set_state(state, by=officer)
    _notify(enrolment, state)
    if state == Enrolment.State.FORCE_REQUESTED:
        transaction.on_commit(lambda: notify_training_managers.enqueue(enrolment.pk))
    return enrolment


@transaction.atomic
def withdraw(enrolment, *, by=None):
    """The officer leaves the session; a freed place goes to the first waitlisted officer.

    ``by`` is who withdrew them: the officer unless said otherwise.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.is_completed:
        raise EnrolmentRefused(_("You have completed this session; it stays on your record."))
    if not enrolment.may_withdraw:
        raise EnrolmentRefused(_("You are not enrolled in this session."))
    freed = enrolment.holds_place
    enrolment.set_state(Enrolment.State.WITHDRAWN, by=by or enrolment.officer)
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
    promoted = list(
        session.enrolments.select_for_update().filter(state=Enrolment.State.WAITLISTED)[
            : max(free, 0)
        ]
    )
    for enrolment in promoted:
        enrolment.set_state(_state_for_a_place(session))
        _notify(enrolment, enrolment.state)
    return promoted


def _lock(enrolment):
    """Lock the enrolment's session, then the enrolment (the order of every service)."""
    session = Session.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    enrolment.session = session
    return enrolment


def _place_or_waitlist(session):
    """What an accepted request becomes: a place if one is free, otherwise the waitlist.
    The caller holds the session's row lock."""
    if _places_taken(session) < session.capacity:
        return Enrolment.State.APPROVED
    return Enrolment.State.WAITLISTED


@transaction.atomic
def decide(enrolment, *, approve, reason="", by=None):
    """A coordinator of the host (``by``) approves or rejects a request; the officer is told
    why, and the reason stays on the enrolment's record of changes.

    A request the officer's own force approved first holds no place yet: accepting it gives
    a place if one is free, otherwise the waitlist. Race-free: the session row is locked
    while the places are counted, so two coordinators accepting at once never give more
    places than the session has."""
    enrolment = _lock(enrolment)
    if not enrolment.is_awaiting_host:
        raise EnrolmentRefused(
            _("Only a requested enrolment can be approved or rejected; this one is %(state)s.")
            % {"state": enrolment.get_state_display().lower()}
        )
    if not approve:
        new = Enrolment.State.REJECTED
    elif enrolment.is_requested:
        new = Enrolment.State.APPROVED
    else:
        new = _place_or_waitlist(enrolment.session)
    freed = enrolment.holds_place and not approve
    enrolment.set_state(new, by=by, reason=reason)
    _notify(enrolment, enrolment.state)
    if freed:
        promote_waitlist(enrolment.session)
    return enrolment


@transaction.atomic
def decide_for_force(enrolment, *, approve, reason="", by=None):
    """A training manager of the officer's own force (``by``) approves or rejects a request
    for another city's session; the officer is told why in their language.

    Approved, the request goes to the host academy's coordinators (still without a place);
    for a session that needs no approval, it takes a place if one is free, otherwise the
    waitlist, as any enrolment would."""
    enrolment = _lock(enrolment)
    if not enrolment.is_awaiting_own_force:
        raise EnrolmentRefused(
            _(
                "Only a request awaiting its force's approval can be decided here; this one is "
                "%(state)s."
            )
            % {"state": enrolment.get_state_display().lower()}
        )
    session = enrolment.session
    if not approve:
        new = Enrolment.State.REJECTED
    elif session.approval_required:
        new = Enrolment.State.FORCE_APPROVED
    else:
        new = _place_or_waitlist(session)
    enrolment.set_state(new, by=by, reason=reason)
    _notify(enrolment, enrolment.state)
    return enrolment


def decide_many_for_force(enrolments, *, approve, reason="", by=None):
    """A training manager's decision on several requests, each decided on its own."""
    decided, refused = [], []
    for enrolment in enrolments:
        try:
            decided.append(decide_for_force(enrolment, approve=approve, reason=reason, by=by))
        except EnrolmentRefused as refusal:
            refused.append((enrolment, str(refusal)))
    return decided, refused


def decide_many(enrolments, *, approve, reason="", by=None):
    """Approve or reject several requests; each is decided on its own.

    Returns the decided enrolments and, for the others, why they could not be decided.
    """
    decided, refused = [], []
    for enrolment in enrolments:
        try:
            decided.append(decide(enrolment, approve=approve, reason=reason, by=by))
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
        _notify(enrolment, Event.CANCELLED)
    return session


def _expecting(session):
    """Officers who still expect the session: with a place not yet completed, or waiting."""
    return session.enrolments.filter(
        state__in=[
            Enrolment.State.REQUESTED,
            Enrolment.State.APPROVED,
            Enrolment.State.WAITLISTED,
            Enrolment.State.FORCE_REQUESTED,
            Enrolment.State.FORCE_APPROVED,
        ]
    )


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
            _notify(enrolment, Event.CHANGED)
    return session


@transaction.atomic
def complete(enrolment, *, by=None):
    """Mark an approved enrolment completed, once; ``enrolment_completed`` is sent on commit.

    Returns True when this call completed it, False when it already was.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.is_completed:
        return False
    if not enrolment.is_approved:
        raise EnrolmentRefused(_("Only an approved enrolment can be completed."))
    enrolment.set_state(Enrolment.State.COMPLETED, by=by)
    if enrolment.session.course_id:
        xapi.record(
            enrolment.officer,
            "completed",
            xapi.page_activity("course", enrolment.session.course),
            result=xapi.score_result(completion=True),
            enrolment=enrolment,
        )
    return True


@transaction.atomic
def evaluate_completion(enrolment):
    """Complete an approved enrolment whose rule is met. Returns True if it completed now.

    Called by every write that may meet the rule: a module done, an attempt graded,
    attendance marked.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.is_approved or not completion_rule_met(enrolment):
        return False
    return complete(enrolment)


@transaction.atomic
def mark_attendance(session, marks, *, by):
    """Record who was present on which day of a session.

    ``marks`` maps (enrolment id, day) to True (present), False (absent) or None
    (not marked). Only approved or completed enrolments of this session, on days of
    the session, can be marked. Each enrolment touched is checked against its completion
    rule (attendance may be what it waited for).
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
        evaluate_completion(enrolments[enrolment_id])
    return touched
