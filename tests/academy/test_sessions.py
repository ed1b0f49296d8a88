"""Sessions in the admin (per city) and on the public site: enrol, decide, cancel, emails."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Attendance, Enrolment, Session
from courses.notifications import session_calendar
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory


def session_form(academy, **fields):
    data = {
        "academy": academy.pk,
        "course": "",
        "kind": "exchange_day",
        "title": "Exchange Day: neighbourhood patrols",
        "starts_on": "2031-03-10",
        "ends_on": "2031-03-11",
        "format": "residential",
        "venue": "Lisbon Police Academy",
        "language": "pt",
        "capacity": "20",
        "enrolment_opens_at": "",
        "enrolment_closes_at": "",
        "approval_required": "on",
    }
    data.update(fields)
    return data


def test_a_coordinator_opens_a_session_of_their_academy(client, lisbon, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    response = client.post(reverse("sessions:add"), session_form(lisbon.academy))

    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.academy, session.capacity, session.days()[-1]) == (
        lisbon.academy,
        20,
        datetime.date(2031, 3, 11),
    )


def test_a_session_ending_before_it_starts_is_explained_and_kept(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)

    response = client.post(
        reverse("sessions:add"), session_form(lisbon.academy, ends_on="2031-03-01")
    )

    assert response.status_code == 200
    assert "A session cannot end before it starts." in response.content.decode()
    assert 'value="Exchange Day: neighbourhood patrols"' in response.content.decode()
    assert not Session.objects.exists()


def test_a_coordinator_cannot_open_a_session_for_another_city(
    client, lisbon, madrid, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)

    response = client.post(reverse("sessions:add"), session_form(madrid.academy))

    assert response.status_code == 200
    assert not Session.objects.exists()


def test_staff_see_and_edit_only_their_own_citys_sessions(
    client, lisbon, madrid, lisbon_coordinator
):
    own = make_session(lisbon.academy, title="Lisbon Exchange Day")
    other = make_session(madrid.academy, title="Madrid Exchange Day")
    client.force_login(lisbon_coordinator)

    listing = client.get(reverse("sessions:index")).content.decode()

    assert "Lisbon Exchange Day" in listing and "Madrid Exchange Day" not in listing
    assert client.get(reverse("sessions:edit", args=[own.pk])).status_code == 200
    for name in (
        "sessions:edit",
        "sessions:inspect",
        "sessions:delete",
        "academy_session_enrolments",
        "academy_session_attendance",
        "academy_session_cancel",
    ):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_a_session_with_enrolments_is_cancelled_not_deleted(
    client, lisbon, lisbon_coordinator, officer, django_capture_on_commit_callbacks
):
    session = make_session(lisbon.academy)
    enrol(officer, session)
    mail.outbox.clear()
    client.force_login(lisbon_coordinator)

    client.post(reverse("sessions:delete", args=[session.pk]))
    assert Session.objects.filter(pk=session.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("academy_session_cancel", args=[session.pk]), {"reason": "Venue flooded."}
        )

    session.refresh_from_db()
    assert session.is_cancelled
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert "Venue flooded." in mail.outbox[0].body
    assert "STATUS:CANCELLED" in mail.outbox[0].attachments[0][1]


def test_an_officer_enrols_from_the_session_page_once_even_when_clicking_twice(
    client, lisbon, officer
):
    session = make_session(lisbon.academy, capacity=5)
    client.force_login(officer)

    client.post(reverse("session_enrol", args=[session.pk]))
    response = client.post(reverse("session_enrol", args=[session.pk]), follow=True)

    assert Enrolment.objects.filter(officer=officer).count() == 1
    page = response.content.decode()
    assert "You have a place in this session." in page
    assert "4 of 5" in page


def test_the_officer_is_emailed_in_their_language_with_a_calendar_file(
    lisbon, django_capture_on_commit_callbacks
):
    officer = UserFactory(preferred_language="fr")
    session = make_session(lisbon.academy, title="Journée d'échange")

    with django_capture_on_commit_callbacks(execute=True):
        enrol(officer, session)

    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert "Vous avez une place" in message.subject
    html = message.alternatives[0][0]
    assert "Journée d&#x27;échange" in html or "Journée d'échange" in html
    name, calendar, mimetype = message.attachments[0]
    assert (name, mimetype) == ("session.ics", "text/calendar")
    assert f"DTSTART;VALUE=DATE:{session.starts_on:%Y%m%d}" in calendar
    assert f"DTEND;VALUE=DATE:{session.ends_on + datetime.timedelta(days=1):%Y%m%d}" in calendar


def test_calendar_lines_are_escaped_and_folded(lisbon):
    session = make_session(lisbon.academy, title="Patrols; partners, and " + "é" * 60)

    calendar = session_calendar(session)

    assert "SUMMARY:Patrols\\; partners\\, and" in calendar
    assert all(len(line.encode()) <= 75 for line in calendar.split("\r\n"))


def test_a_coordinator_rejects_requests_in_bulk_with_a_reason(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    session = make_session(lisbon.academy, capacity=5, approval_required=True)
    requests = [enrol(UserFactory(), session) for _ in range(3)]
    mail.outbox.clear()
    client.force_login(lisbon_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("academy_session_enrolments", args=[session.pk]),
            {
                "enrolments": [requests[0].pk, requests[1].pk],
                "decision": "reject",
                "reason": "Reserved for community officers.",
            },
        )

    states = [Enrolment.objects.get(pk=e.pk).state for e in requests]
    assert states == [Enrolment.State.REJECTED, Enrolment.State.REJECTED, Enrolment.State.REQUESTED]
    assert len(mail.outbox) == 2
    assert all("Reserved for community officers." in m.body for m in mail.outbox)


def test_rejecting_without_a_reason_is_refused_and_keeps_the_selection(
    client, lisbon, lisbon_coordinator
):
    session = make_session(lisbon.academy, approval_required=True)
    request = enrol(UserFactory(), session)
    client.force_login(lisbon_coordinator)

    response = client.post(
        reverse("academy_session_enrolments", args=[session.pk]),
        {"enrolments": [request.pk], "decision": "reject", "reason": ""},
    )

    assert "Say why" in response.content.decode()
    assert f'value="{request.pk}" id="enrolment-{request.pk}"' in response.content.decode()
    request.refresh_from_db()
    assert request.state == Enrolment.State.REQUESTED


def test_a_trainer_sees_enrolments_but_cannot_decide(client, lisbon, lisbon_trainer):
    session = make_session(lisbon.academy, approval_required=True)
    request = enrol(UserFactory(), session)
    client.force_login(lisbon_trainer)

    response = client.post(
        reverse("academy_session_enrolments", args=[session.pk]),
        {"enrolments": [request.pk], "decision": "approve", "reason": ""},
    )

    assert response.status_code in (302, 403)
    assert (
        "Decide on the selected requests"
        not in client.get(reverse("academy_session_enrolments", args=[session.pk])).content.decode()
    )
    request.refresh_from_db()
    assert request.state == Enrolment.State.REQUESTED


def test_full_attendance_completes_an_exchange_day(
    client, lisbon, lisbon_trainer, django_capture_on_commit_callbacks
):
    session = make_session(lisbon.academy, length=2)
    enrolment = enrol(UserFactory(), session)
    client.force_login(lisbon_trainer)
    first, second = session.days()
    url = reverse("academy_session_attendance", args=[session.pk])

    client.post(url, {f"mark-{enrolment.pk}-{first:%Y-%m-%d}": "present"})
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {f"mark-{enrolment.pk}-{second:%Y-%m-%d}": "present"})
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.COMPLETED
    assert Attendance.objects.filter(enrolment=enrolment, present=True).count() == 2


def test_attendance_outside_the_session_is_refused(client, lisbon, lisbon_trainer):
    session = make_session(lisbon.academy)
    enrolment = enrol(UserFactory(), session)
    client.force_login(lisbon_trainer)

    response = client.post(
        reverse("academy_session_attendance", args=[session.pk]),
        {f"mark-{enrolment.pk}-2001-01-01": "present"},
        follow=True,
    )

    assert not Attendance.objects.exists()
    assert response.status_code == 200


def header_sublabel(page):
    """What the header shows beside the page's name (the breadcrumbs' last item)."""
    return re.search(r'class="w-breadcrumbs__sublabel[^"]*">\s*([^<]*?)\s*<', page).group(1)


@pytest.mark.parametrize("name", ["academy_session_enrolments", "academy_session_attendance"])
def test_a_sessions_admin_pages_name_the_session_in_their_header(
    client, lisbon, lisbon_coordinator, name
):
    session = make_session(lisbon.academy, title="Night patrol Exchange Day")
    client.force_login(lisbon_coordinator)

    page = client.get(reverse(name, args=[session.pk])).content.decode()

    assert header_sublabel(page) == f"Night patrol Exchange Day ({session.starts_on:%Y-%m-%d})"


def test_the_sessions_list_shows_current_and_upcoming_sessions_first(
    client, lisbon, lisbon_coordinator
):
    for title, days_ahead in [
        ("Last year's day", -365),
        ("Later this year", 120),
        ("Last month's day", -30),
        ("Running now", 0),
        ("Next week", 7),
    ]:
        make_session(lisbon.academy, title=title, days_ahead=days_ahead)
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("sessions:index")).content.decode()

    titles = ["Running now", "Next week", "Later this year", "Last month's day", "Last year's day"]
    positions = [page.index(title.replace("'", "&#x27;")) for title in titles]
    assert positions == sorted(positions)


def test_the_sessions_list_has_a_capitalised_places_taken_header(
    client, lisbon, lisbon_coordinator
):
    make_session(lisbon.academy)
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("sessions:index")).content.decode()

    headers = [
        re.sub(r"<[^>]+>|\s+", " ", th).strip() for th in re.findall(r"<th.*?</th>", page, re.S)
    ]
    assert "Places taken" in headers


@pytest.mark.parametrize("url", ["/en/", "/en/lisbon/"], ids=["home", "academy"])
def test_upcoming_sessions_are_listed_with_places_left(client, lisbon, url):
    course = build_course(lisbon.academy, title="Safer nightlife")
    session = make_session(lisbon.academy, capacity=3, course=course, title="Nightlife, spring run")
    enrol(UserFactory(), session)
    make_session(lisbon.academy, title="Past run", days_ahead=-10)

    page = client.get(url).content.decode()

    assert "Nightlife, spring run" in page and "2 places left" in page
    assert "Past run" not in page
    assert "Nightlife, spring run" in client.get(course.url).content.decode()


def test_session_page_queries_do_not_grow_with_enrolments(client, lisbon, officer):
    session = make_session(lisbon.academy, capacity=600)
    client.force_login(officer)
    url = reverse("session_detail", args=[session.pk])
    for _ in range(10):
        enrol(UserFactory(), session)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    Enrolment.objects.bulk_create(
        Enrolment(officer=UserFactory(), session=session, state=Enrolment.State.APPROVED)
        for _ in range(490)
    )
    with CaptureQueriesContext(connection) as large:
        assert "100 of 600" in client.get(url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
