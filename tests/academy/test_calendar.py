"""Sessions in officers' calendars: the .ics download, invitations, updates when the dates or
the venue change, cancellations; every file is parsed back with the icalendar library."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from courses.models import Enrolment, Session
from courses.services import cancel_session, enrol
from tests.academy.sessions import make_session
from tests.academy.test_sessions import session_form
from tests.courses.builders import build_course
from tests.factories import UserFactory


def parse(text):
    """The calendar's METHOD and its one event."""
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def emailed_calendars(to):
    """The calendar files mailed to ``to``, parsed, oldest first."""
    return [
        parse(content)
        for message in mail.outbox
        if message.to == [to.email]
        for name, content, _mimetype in message.attachments
        if name == "session.ics"
    ]


def download(client, session):
    response = client.get(reverse("session_ics", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    return parse(response.content)


def content_lines(client, session):
    """The lines of the session's calendar file as any client splits them."""
    text = client.get(reverse("session_ics", args=[session.pk])).content.decode()
    return re.split(r"\r\n|\r|\n|\x0b|\x0c", text)


def test_the_session_page_links_to_its_calendar_file(client, lisbon, officer):
    session = make_session(lisbon.academy)
    client.force_login(officer)

    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()

    assert f'href="{reverse("session_ics", args=[session.pk])}"' in page
    assert "Add to my calendar (.ics)" in page


def test_the_calendar_file_describes_the_course_and_links_to_the_session_page(client, lisbon):
    course = build_course(lisbon.academy, summary="Working with residents, step by step.")
    session = make_session(
        lisbon.academy, course=course, venue="Lisbon Police Academy, room 2", capacity=5
    )

    method, event = download(client, session)

    page = f"http://testserver/en/sessions/{session.pk}/"
    assert method == "PUBLISH"
    assert str(event["URL"]) == page
    assert "Working with residents, step by step." in event["DESCRIPTION"]
    assert page in event["DESCRIPTION"]
    assert event["LOCATION"] == "Lisbon Police Academy, room 2"
    assert event["DTSTART"].dt == session.starts_on
    assert event["DTEND"].dt == session.ends_on + datetime.timedelta(days=1)


def test_an_online_session_has_no_location_and_says_online_in_its_description(client, lisbon):
    session = make_session(lisbon.academy, format=Session.Format.ONLINE, venue="")

    _method, event = download(client, session)

    assert "LOCATION" not in event
    assert "Online" in event["DESCRIPTION"]


@pytest.mark.parametrize(
    ("contact", "organizer"),
    [
        ("courses@lisbon.example", "mailto:courses@lisbon.example"),
        ("", "mailto:academy@localhost"),
    ],
    ids=["academy's contact", "site's address"],
)
def test_the_organizer_is_the_academy(client, lisbon, settings, contact, organizer):
    settings.DEFAULT_FROM_EMAIL = "EU-POLNET Academy <academy@localhost>"
    lisbon.academy.contact_email = contact
    lisbon.academy.save()

    _method, event = download(client, make_session(lisbon.academy))

    assert str(event["ORGANIZER"]) == organizer
    assert event["ORGANIZER"].params["CN"] == "Lisbon Municipal Police"


@pytest.mark.parametrize("line_break", ["\r", "\n", "\r\n", "\x0b"])
def test_a_venue_stored_with_a_line_break_stays_one_location_value(client, lisbon, line_break):
    # Stored as it could be before titles and venues were checked (no form, no clean()).
    venue = f"Hall A{line_break}ATTENDEE:mailto:spy@attacker.example{line_break}LOCATION:Elsewhere"
    session = make_session(lisbon.academy, venue=venue, title=f"Day{line_break}STATUS:CANCELLED")

    _method, event = download(client, session)

    assert not any(
        line.startswith(("ATTENDEE", "STATUS:CANCELLED")) for line in content_lines(client, session)
    )
    assert event.get("ATTENDEE") is None
    assert str(event["STATUS"]) == "CONFIRMED"
    location = event["LOCATION"]
    assert isinstance(location, str)  # one value, not a list of two LOCATION properties
    assert location.startswith("Hall A") and location.endswith("LOCATION:Elsewhere")


@pytest.mark.parametrize("field", ["title", "venue"])
@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x07", "\x1b", "\x85", "\u2028"])
def test_control_characters_in_a_title_or_venue_are_refused_with_a_message(
    client, lisbon, lisbon_coordinator, field, control
):
    client.force_login(lisbon_coordinator)
    typed = f"Hall A{control}LOCATION:Elsewhere"

    response = client.post(reverse("sessions:add"), session_form(lisbon.academy, **{field: typed}))

    assert response.status_code == 200
    assert "no line breaks, tabs or other control characters" in response.content.decode()
    assert not Session.objects.exists()


def test_an_approved_officer_is_sent_an_invitation_from_the_academy(
    lisbon, django_capture_on_commit_callbacks
):
    officer = UserFactory()
    session = make_session(lisbon.academy, venue="Academy hall")

    with django_capture_on_commit_callbacks(execute=True):
        enrol(officer, session)

    ((method, event),) = emailed_calendars(officer)
    assert method == "REQUEST"
    assert str(event["ATTENDEE"]) == f"mailto:{officer.email}"
    assert "ORGANIZER" in event
    assert event["SEQUENCE"] == 0


def edit(client, session, **changes):
    data = session_form(
        session.academy,
        title=session.title,
        starts_on=f"{session.starts_on:%Y-%m-%d}",
        ends_on=f"{session.ends_on:%Y-%m-%d}",
        venue=session.venue,
        capacity=str(session.capacity),
        approval_required="",
    )
    data.update(changes)
    response = client.post(reverse("sessions:edit", args=[session.pk]), data)
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def session_with_officers(lisbon, django_capture_on_commit_callbacks):
    """A full session: a French officer with a place, a Portuguese one waiting."""
    session = make_session(lisbon.academy, capacity=1, venue="Academy hall")
    Session.objects.filter(pk=session.pk).update(
        starts_on=datetime.date(2031, 3, 10), ends_on=datetime.date(2031, 3, 11)
    )
    session.refresh_from_db()
    placed, waiting = UserFactory(preferred_language="fr"), UserFactory(preferred_language="pt")
    with django_capture_on_commit_callbacks(execute=True):
        enrol(placed, session)
        enrol(waiting, session)
    assert Enrolment.objects.get(officer=waiting).state == Enrolment.State.WAITLISTED
    return session, placed, waiting


@pytest.mark.parametrize(
    "change",
    [
        {"starts_on": "2031-03-09"},
        {"ends_on": "2031-03-12"},
        {"venue": "Harbour police station"},
    ],
    ids=["start", "end", "venue"],
)
def test_a_change_of_dates_or_venue_sends_each_officer_an_update(
    client,
    lisbon_coordinator,
    session_with_officers,
    django_capture_on_commit_callbacks,
    change,
):
    session, placed, waiting = session_with_officers
    (_method, invitation), *_ = emailed_calendars(placed)
    mail.outbox.clear()
    client.force_login(lisbon_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, session, **change)

    by_officer = {message.to[0]: message for message in mail.outbox}
    assert set(by_officer) == {placed.email, waiting.email}
    assert by_officer[placed.email].body.startswith("Bonjour")
    assert f"/fr/sessions/{session.pk}/" in by_officer[placed.email].body
    assert by_officer[waiting.email].body.startswith("Caro/a")
    ((method, update),) = emailed_calendars(placed)
    assert method == "REQUEST"
    assert update["UID"] == invitation["UID"]
    assert update["SEQUENCE"] > invitation["SEQUENCE"]
    assert update["DTSTART"].dt == datetime.date.fromisoformat(
        change.get("starts_on", "2031-03-10")
    )
    # Without a place there is nothing to keep free in a calendar: the email says it all.
    assert emailed_calendars(waiting) == []


def test_each_change_raises_the_sequence_again(
    client, lisbon_coordinator, session_with_officers, django_capture_on_commit_callbacks
):
    session, placed, _waiting = session_with_officers
    client.force_login(lisbon_coordinator)

    for ends_on in ("2031-03-12", "2031-03-13"):
        with django_capture_on_commit_callbacks(execute=True):
            edit(client, session, ends_on=ends_on)

    sequences = [event["SEQUENCE"] for _method, event in emailed_calendars(placed)]
    assert sequences == [0, 1, 2]


def test_a_change_of_title_only_sends_nothing(
    client, lisbon_coordinator, session_with_officers, django_capture_on_commit_callbacks
):
    session, _placed, _waiting = session_with_officers
    mail.outbox.clear()
    client.force_login(lisbon_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, session, title="A new name for the same day")

    session.refresh_from_db()
    assert session.title == "A new name for the same day"
    assert session.calendar_sequence == 0
    assert mail.outbox == []


def test_a_cancellation_is_sent_by_the_academy_with_a_higher_sequence(
    session_with_officers, django_capture_on_commit_callbacks
):
    session, placed, _waiting = session_with_officers
    (_method, invitation), *_ = emailed_calendars(placed)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session, reason="Venue flooded.")

    method, cancellation = emailed_calendars(placed)[-1]
    assert method == "CANCEL"
    assert cancellation["UID"] == invitation["UID"]
    assert cancellation["SEQUENCE"] > invitation["SEQUENCE"]
    assert str(cancellation["STATUS"]) == "CANCELLED"
    assert str(cancellation["ORGANIZER"]).startswith("mailto:")


def test_saving_an_edit_form_opened_before_a_cancellation_keeps_the_session_cancelled(
    client, lisbon_coordinator, session_with_officers, django_capture_on_commit_callbacks
):
    session, _placed, _waiting = session_with_officers
    client.force_login(lisbon_coordinator)
    client.get(reverse("sessions:edit", args=[session.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session, reason="Venue flooded.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, session, ends_on="2031-03-12")

    session.refresh_from_db()
    assert session.is_cancelled and session.calendar_sequence == 1
    assert mail.outbox == []
