"""Certificates that expire (a template's validity in months): reminders and who renews."""

import datetime

from django.utils import formats, timezone, translation

from academy.models import language_of
from courses.models import Session
from courses.notifications import remind, session_url

from .models import Certificate


def renewing_sessions(certificate):
    """Sessions open for enrolment, in any city, that renew the certificate: sessions of the
    same course (of the same kind of event, for an Exchange Day or peer review)."""
    session = certificate.enrolment.session
    sessions = Session.objects.open_for_enrolment().exclude(pk=session.pk)
    if session.course_id:
        sessions = sessions.filter(course_id=session.course_id)
    else:
        sessions = sessions.filter(kind=session.kind, academy_id=session.academy_id)
    return sessions.select_related("academy").order_by("starts_on")


def remind_certificates_expiring(days):
    """Remind each officer whose valid certificate expires in ``days`` days, once, with the
    sessions that renew it (in the officer's language)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    sent = 0
    for certificate in Certificate.objects.expiring_between(day, day).select_related(
        "enrolment__officer__academy_profile", "enrolment__session"
    ):
        enrolment = certificate.enrolment
        with translation.override(language_of(enrolment.officer)):
            details = {
                "serial": certificate.serial,
                "valid_until": formats.date_format(certificate.valid_until, "DATE_FORMAT"),
                "sessions": [
                    {
                        "title": session.title,
                        "academy": session.academy.title,
                        "starts_on": formats.date_format(session.starts_on, "DATE_FORMAT"),
                        "url": session_url(session),
                    }
                    for session in renewing_sessions(certificate)[:5]
                ],
            }
        key = f"expires:{certificate.serial}:{days}"
        sent += remind(enrolment, "certificate_expires", key=key, **details)
    return sent
