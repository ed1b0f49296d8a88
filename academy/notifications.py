"""Emails to officers about their enrolments, in their language, with the session's dates."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

SUBJECTS = {
    "requested": lambda s: _("Your request for %(session)s was received") % {"session": s},
    "approved": lambda s: _("You have a place in %(session)s") % {"session": s},
    "waitlisted": lambda s: _("You are on the waiting list for %(session)s") % {"session": s},
    "rejected": lambda s: _("Your request for %(session)s was declined") % {"session": s},
    "cancelled": lambda s: _("%(session)s is cancelled") % {"session": s},
}


def _ics_text(value):
    """Escape a value for an iCalendar TEXT property (RFC 5545, 3.3.11)."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


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


def session_calendar(session, *, cancelled=False):
    """The session as an all-day iCalendar event (a cancellation when ``cancelled``)."""
    host = settings.WAGTAILADMIN_BASE_URL.split("//")[-1].split("/")[0] or "academy"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//EU-POLNET Academy//Sessions//EN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{host}",
        f"DTSTAMP:{timezone.now().astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{session.starts_on:%Y%m%d}",
        # DTEND of an all-day event is the day after the last day (exclusive).
        f"DTEND;VALUE=DATE:{session.ends_on + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text(session.title)}",
        f"LOCATION:{_ics_text(session.venue or session.get_format_display())}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SEQUENCE:{1 if cancelled else 0}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


@task()
def notify_officer(enrolment_id, event):
    """Send the officer the email for an event of their enrolment (see ``SUBJECTS``)."""
    from .models import Enrolment

    enrolment = Enrolment.objects.select_related("officer", "session__academy").get(pk=enrolment_id)
    officer, session = enrolment.officer, enrolment.session
    with translation.override(officer.preferred_language):
        context = {
            "officer": officer,
            "session": session,
            "enrolment": enrolment,
            "event": event,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("session_detail", args=[session.pk]),
        }
        message = EmailMultiAlternatives(
            subject=SUBJECTS[event](session.title),
            body=render_to_string("academy/email/enrolment.txt", context),
            to=[officer.email],
        )
        message.attach_alternative(
            render_to_string("academy/email/enrolment.html", context), "text/html"
        )
        if event in ("approved", "cancelled"):
            message.attach(
                "session.ics",
                session_calendar(session, cancelled=event == "cancelled"),
                "text/calendar",
            )
        message.send()


REMINDER_SUBJECTS = {
    "session_starts": lambda s: _("%(session)s starts soon") % {"session": s},
    "modules_left": lambda s: _("Modules left in %(session)s") % {"session": s},
    "certificate_issued": lambda s: _("Your certificate for %(session)s") % {"session": s},
}


def remind(enrolment, kind, key=None, **details):
    """Send a reminder about an enrolment once: ``key`` (the kind by default) is recorded, so
    running the reminders again sends nothing new. Officers who opted out get none.

    Returns True if a reminder is sent now.
    """
    from .models import Reminder

    if not enrolment.officer.reminders:
        return False
    _reminder, created = Reminder.objects.get_or_create(enrolment=enrolment, kind=key or kind)
    if created:
        transaction.on_commit(lambda: send_reminder.enqueue(enrolment.pk, kind, details))
    return created


@task()
def send_reminder(enrolment_id, kind, details):
    """The reminder email, in the officer's language (``REMINDER_SUBJECTS`` lists the kinds)."""
    from .models import Enrolment

    enrolment = Enrolment.objects.select_related("officer", "session__academy").get(pk=enrolment_id)
    officer, session = enrolment.officer, enrolment.session
    with translation.override(officer.preferred_language):
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        context = {
            "officer": officer,
            "session": session,
            "kind": kind,
            "details": details,
            "url": base + reverse("session_detail", args=[session.pk]),
            "my_learning_url": base + reverse("my_learning"),
            "profile_url": base + reverse("profile"),
        }
        message = EmailMultiAlternatives(
            subject=REMINDER_SUBJECTS[kind](session.title),
            body=render_to_string("academy/email/reminder.txt", context),
            to=[officer.email],
        )
        message.attach_alternative(
            render_to_string("academy/email/reminder.html", context), "text/html"
        )
        if kind == "session_starts":
            message.attach("session.ics", session_calendar(session), "text/calendar")
        message.send()


def remind_sessions_starting(days):
    """Remind every officer with a place in a session that starts in ``days`` days."""
    from .models import Enrolment

    starts_on = timezone.localdate() + datetime.timedelta(days=days)
    sent = 0
    for enrolment in Enrolment.objects.filter(
        session__starts_on=starts_on,
        session__cancelled_at__isnull=True,
        state=Enrolment.State.APPROVED,
    ).select_related("officer"):
        sent += remind(enrolment, "session_starts", key=f"starts_in_{days}", days=days)
    return sent
