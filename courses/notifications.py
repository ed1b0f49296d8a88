"""Emails to officers about their enrolments, in their language, with the session's dates."""

import datetime
import re
from email.utils import parseaddr

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from academy.mail import send_to
from academy.models import address_of, profile_of
from courses.models import Enrolment, Reminder


class Event(models.TextChoices):
    """What an enrolment email is about: the enrolment's new state, or a change of its
    session."""

    REQUESTED = Enrolment.State.REQUESTED.value, Enrolment.State.REQUESTED.label
    APPROVED = Enrolment.State.APPROVED.value, Enrolment.State.APPROVED.label
    WAITLISTED = Enrolment.State.WAITLISTED.value, Enrolment.State.WAITLISTED.label
    REJECTED = Enrolment.State.REJECTED.value, Enrolment.State.REJECTED.label
    FORCE_REQUESTED = (
        Enrolment.State.FORCE_REQUESTED.value,
        Enrolment.State.FORCE_REQUESTED.label,
    )
    FORCE_APPROVED = Enrolment.State.FORCE_APPROVED.value, Enrolment.State.FORCE_APPROVED.label
    CANCELLED = "cancelled", gettext_lazy("Session cancelled")
    CHANGED = "changed", gettext_lazy("Session changed")


SUBJECTS = {
    Event.REQUESTED: lambda s: _("Your request for %(session)s was received") % {"session": s},
    Event.APPROVED: lambda s: _("You have a place in %(session)s") % {"session": s},
    Event.WAITLISTED: lambda s: _("You are on the waiting list for %(session)s") % {"session": s},
    Event.REJECTED: lambda s: _("Your request for %(session)s was declined") % {"session": s},
    Event.FORCE_REQUESTED: lambda s: (
        _("Your request for %(session)s goes to your force first") % {"session": s}
    ),
    Event.FORCE_APPROVED: lambda s: (
        _("Your force approved your request for %(session)s") % {"session": s}
    ),
    Event.CANCELLED: lambda s: _("%(session)s is cancelled") % {"session": s},
    Event.CHANGED: lambda s: _("%(session)s has changed") % {"session": s},
}


# Characters a TEXT value may not hold (RFC 5545, 3.3.11: controls other than HTAB).
# Line breaks are escaped before, so any left here come from data typed before they
# were refused; they are dropped rather than let start a property of their own.
ICS_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _ics_text(value):
    """Escape a value for an iCalendar TEXT property (RFC 5545, 3.3.11): every line break
    (CRLF, a bare LF or a bare CR) is the two characters ``\\n``."""
    text = (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )
    return ICS_CONTROLS.sub("", text)


def _ics_param(value):
    """A parameter value (such as CN): quoted, without the quotes and controls it may not hold."""
    return '"' + ICS_CONTROLS.sub("", str(value).replace('"', "").replace("\t", " ")) + '"'


def _ics_fold(line):
    """Fold a content line at 75 octets, as RFC 5545 (3.1) requires."""
    encoded, parts = line.encode(), []
    while len(encoded) > 75:
        cut = 75 if not parts else 74
        while cut and (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


def session_url(session):
    """The public page of the session, at the site's public address, in the active language."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("session_detail", args=[session.pk])


def _organizer(session):
    """The academy that runs the session, with its contact address (the site's otherwise)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    address = session.academy.contact_email or address
    return f"ORGANIZER;CN={_ics_param(session.academy.title)}:mailto:{address}"


def _description(session):
    course = session.course.localized if session.course_id else None
    about = (
        course.summary
        if course
        else _("%(kind)s at %(academy)s")
        % {"kind": session.get_kind_display(), "academy": session.academy.title}
    )
    return "\n\n".join(
        [
            about,
            _("Format: %(format)s") % {"format": session.get_format_display()},
            session_url(session),
        ]
    )


def session_calendar(session, *, cancelled=False, officer=None):
    """The session as an all-day iCalendar event, in the active language.

    Sent to ``officer`` it is an invitation (METHOD:REQUEST, or CANCEL when ``cancelled``)
    that calendars update in place: the UID stays and SEQUENCE is the session's
    ``calendar_sequence``. Without an officer it is published, for a download.
    """
    host = settings.WAGTAILADMIN_BASE_URL.split("//")[-1].split("/")[0] or "academy"
    method = "PUBLISH" if officer is None else "CANCEL" if cancelled else "REQUEST"
    # DTEND of an all-day event is the day after the last day (exclusive); a session stored
    # as ending on the last day a date can hold (before lengths were capped) ends there.
    day_after = min(session.ends_on, datetime.date.max - datetime.timedelta(days=1))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//EU-POLNET Academy//Sessions//EN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{host}",
        f"DTSTAMP:{timezone.now().astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{session.starts_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day_after + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text(session.title)}",
        f"DESCRIPTION:{_ics_text(_description(session))}",
        f"URL:{session_url(session)}",
        _organizer(session),
    ]
    if officer is not None:
        address = address_of(officer)
        lines.append(f"ATTENDEE;RSVP=FALSE:mailto:{address}")
    # The venue only: an online session has no place to go to (its format is described).
    if session.venue:
        lines.append(f"LOCATION:{_ics_text(session.venue)}")
    lines += [
        f"STATUS:{'CANCELLED' if cancelled or session.is_cancelled else 'CONFIRMED'}",
        f"SEQUENCE:{session.calendar_sequence}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


@task()
def notify_officer(enrolment_id, event):
    """Send the officer the email for an event of their enrolment (see ``SUBJECTS``)."""
    enrolment = Enrolment.objects.select_related(
        "officer__academy_profile", "session__academy"
    ).get(pk=enrolment_id)
    officer, session = enrolment.officer, enrolment.session
    # A change updates the event in the calendars of officers with a place only: the
    # others never got it, and have no place to keep free.
    attachments = []
    if event in (Event.APPROVED, Event.CANCELLED) or (
        event == Event.CHANGED and enrolment.is_approved
    ):
        attachments.append(
            (
                "session.ics",
                lambda: session_calendar(
                    session, cancelled=event == Event.CANCELLED, officer=officer
                ),
                "text/calendar",
            )
        )
    send_to(
        officer,
        "courses/email/enrolment",
        {
            "officer": officer,
            "session": session,
            "enrolment": enrolment,
            "event": event,
            "Event": Event,
            "url": lambda: session_url(session),
        },
        subject=lambda: SUBJECTS[event](session.title),
        attachments=attachments,
    )


@task()
def notify_training_managers(enrolment_id):
    """Tell the training managers of the officer's force that a request awaits their
    approval, each in their own language."""
    enrolment = Enrolment.objects.select_related(
        "officer__academy_profile__force__training_manager_group", "session__academy"
    ).get(pk=enrolment_id)
    profile = profile_of(enrolment.officer)
    group = profile.force.training_manager_group if profile and profile.force else None
    if group is None:
        return
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for manager in group.user_set.filter(is_active=True).select_related("academy_profile"):
        send_to(
            manager,
            "courses/email/force_request",
            {
                "officer": enrolment.officer,
                "session": enrolment.session,
                "url": base + reverse("courses_force_requests"),
            },
            subject=lambda: _("A request of your force's officer awaits your approval"),
        )


REMINDER_SUBJECTS = {
    "session_starts": lambda s: _("%(session)s starts soon") % {"session": s},
    "modules_left": lambda s: _("Modules left in %(session)s") % {"session": s},
    "certificate_issued": lambda s: _("Your certificate for %(session)s") % {"session": s},
    "certificate_expires": lambda s: (
        _("Your certificate for %(session)s expires soon") % {"session": s}
    ),
}


def remind(enrolment, kind, key=None, **details):
    """Send a reminder about an enrolment once: ``key`` (the kind by default) is recorded, so
    running the reminders again sends nothing new. Officers who opted out get none.

    Returns True if a reminder is sent now.
    """
    profile = profile_of(enrolment.officer)
    if profile is not None and not profile.reminders:
        return False
    _reminder, created = Reminder.objects.get_or_create(enrolment=enrolment, kind=key or kind)
    if created:
        transaction.on_commit(lambda: send_reminder.enqueue(enrolment.pk, kind, details))
    return created


@task()
def send_reminder(enrolment_id, kind, details):
    """The reminder email, in the officer's language (``REMINDER_SUBJECTS`` lists the kinds)."""
    enrolment = Enrolment.objects.select_related(
        "officer__academy_profile", "session__academy"
    ).get(pk=enrolment_id)
    officer, session = enrolment.officer, enrolment.session
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    attachments = []
    if kind == "session_starts":
        attachments.append(
            ("session.ics", lambda: session_calendar(session, officer=officer), "text/calendar")
        )
    send_to(
        officer,
        "courses/email/reminder",
        {
            "officer": officer,
            "session": session,
            "kind": kind,
            "details": details,
            # Links in the officer's language: reversed while it is active.
            "url": lambda: session_url(session),
            "my_learning_url": lambda: base + reverse("my_learning"),
            "profile_url": lambda: base + reverse("academy_profile"),
        },
        subject=lambda: REMINDER_SUBJECTS[kind](session.title),
        attachments=attachments,
    )


def remind_sessions_starting(days):
    """Remind every officer with a place in a session that starts in ``days`` days."""
    starts_on = timezone.localdate() + datetime.timedelta(days=days)
    sent = 0
    for enrolment in Enrolment.objects.filter(
        session__starts_on=starts_on,
        session__cancelled_at__isnull=True,
        state=Enrolment.State.APPROVED,
    ).select_related("officer__academy_profile"):
        sent += remind(enrolment, "session_starts", key=f"starts_in_{days}", days=days)
    return sent
