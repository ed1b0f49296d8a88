"""A session lasts at most a year (``SESSION_MAX_DAYS``), and its days are counted by date
arithmetic: one stored as lasting until the year 9999 (before the cap) costs a page of its
register, never a list of its three million days."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Attendance, Enrolment, Session
from courses.queries import attended_every_day
from tests.academy.sessions import make_session
from tests.academy.test_sessions import session_form
from tests.factories import UserFactory


def test_the_session_form_refuses_a_session_lasting_until_the_year_9999(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)

    response = client.post(
        reverse("sessions:add"),
        session_form(lisbon.academy, starts_on="2026-01-01", ends_on="9999-12-31"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A session lasts at most 366 days: it must end by 1 January 2027." in page
    assert 'value="9999-12-31"' in page
    assert not Session.objects.exists()


@pytest.mark.parametrize(("ends_on", "accepted"), [("2026-01-10", True), ("2026-01-11", False)])
def test_the_longest_session_is_set_in_the_settings(
    client, lisbon, lisbon_coordinator, settings, ends_on, accepted
):
    settings.SESSION_MAX_DAYS = 10
    client.force_login(lisbon_coordinator)

    client.post(
        reverse("sessions:add"),
        session_form(lisbon.academy, starts_on="2026-01-01", ends_on=ends_on),
    )

    assert Session.objects.exists() is accepted


@pytest.fixture
def endless_session(lisbon):
    """A session stored before lengths were capped: 2026-01-01 to 9999-12-31."""
    session = make_session(lisbon.academy, capacity=5)
    Session.objects.filter(pk=session.pk).update(
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(9999, 12, 31)
    )
    session.refresh_from_db()
    return session


def register(page):
    return re.search(r'<table class="listing">(.*?)</table>', page, re.S).group(1)


def register_days(page):
    """The days heading the register's columns."""
    return re.findall(r'<th scope="col">([^<]*)</th>', register(page))[1:]


def register_rows(page):
    return re.findall(r'<th scope="row">', register(page))


def test_the_register_of_an_endless_session_shows_one_week(client, endless_session, lisbon_trainer):
    officers = [UserFactory() for _ in range(3)]
    Enrolment.objects.bulk_create(
        Enrolment(officer=officer, session=endless_session, state=Enrolment.State.APPROVED)
        for officer in officers
    )
    client.force_login(lisbon_trainer)
    url = reverse("academy_session_attendance", args=[endless_session.pk])

    page = client.get(url, {"p": 2}).content.decode()

    assert register_days(page) == [
        f"{datetime.date(2026, 1, day):%a} {day} Jan" for day in range(8, 15)
    ]
    assert len(register_rows(page)) == 3
    assert register(page).count('type="radio"') == 3 * 7 * 2


def test_the_register_opens_on_the_week_of_today_while_the_session_runs(
    client, lisbon, lisbon_trainer
):
    session = make_session(lisbon.academy, days_ahead=-10, length=30)
    enrol_approved(session)
    client.force_login(lisbon_trainer)

    page = client.get(reverse("academy_session_attendance", args=[session.pk])).content.decode()

    today = timezone.localdate()
    assert f"{today:%a} {today.day} {today:%b}" in register_days(page)
    assert len(register_days(page)) == 7


def enrol_approved(session, officer=None):
    return Enrolment.objects.create(
        officer=officer or UserFactory(), session=session, state=Enrolment.State.APPROVED
    )


def test_attendance_is_marked_on_a_later_week_and_the_register_comes_back_to_it(
    client, endless_session, lisbon_trainer
):
    enrolment = enrol_approved(endless_session)
    client.force_login(lisbon_trainer)
    url = reverse("academy_session_attendance", args=[endless_session.pk])

    response = client.post(url, {"p": "2", f"mark-{enrolment.pk}-2026-01-09": "present"})

    assert response["Location"] == f"{url}?p=2"
    assert Attendance.objects.get().day == datetime.date(2026, 1, 9)


def test_an_endless_session_is_never_attended_every_day(endless_session):
    enrolment = enrol_approved(endless_session)
    Attendance.objects.bulk_create(
        Attendance(enrolment=enrolment, day=datetime.date(2026, 1, day), present=True)
        for day in range(1, 8)
    )

    assert not attended_every_day(enrolment)


@pytest.mark.parametrize(("present_days", "every_day"), [(3, True), (2, False)])
def test_attending_every_day_is_counted_within_the_session(lisbon, present_days, every_day):
    session = make_session(lisbon.academy, length=3)
    enrolment = enrol_approved(session)
    days = [session.starts_on + datetime.timedelta(days=n) for n in range(present_days)]
    # A mark outside the session (a day since removed from it) does not count.
    days.append(session.starts_on - datetime.timedelta(days=1))
    Attendance.objects.bulk_create(
        Attendance(enrolment=enrolment, day=day, present=True) for day in days
    )

    assert attended_every_day(enrolment) is every_day


def test_the_progress_matrix_counts_the_days_of_an_endless_session(
    client, endless_session, lisbon_coordinator
):
    enrolment = enrol_approved(endless_session)
    Attendance.objects.create(enrolment=enrolment, day=datetime.date(2026, 1, 1), present=True)
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("home_session_progress", args=[endless_session.pk])).content.decode()

    days = (datetime.date(9999, 12, 31) - datetime.date(2026, 1, 1)).days + 1
    assert f"1/{days}" in page


def test_the_calendar_file_of_an_endless_session_downloads(client, endless_session):
    response = client.get(reverse("session_ics", args=[endless_session.pk]))

    assert response.status_code == 200
    assert b"DTEND;VALUE=DATE:99991231" in response.content
