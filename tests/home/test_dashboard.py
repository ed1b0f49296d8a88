"""The admin dashboard: what a coordinator has to do, one click from where to do it."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services import complete, enrol
from tests.academy.sessions import make_session
from tests.factories import UserFactory


def dashboard(client):
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    return re.search(
        r'<section class="w-panel" aria-labelledby="dashboard-title">.*?</section>', page, re.S
    ).group(0)


def completed_officers(session, count):
    for _officer in range(count):
        complete(enrol(UserFactory(), session))


def test_certificates_to_issue_in_one_session_link_to_its_certificates_page(
    client, madrid, madrid_coordinator
):
    session = make_session(madrid.academy, title="Madrid peer review", capacity=5)
    completed_officers(session, 2)
    client.force_login(madrid_coordinator)

    panel = dashboard(client)

    link = reverse("certificates_admin_session", args=[session.pk])
    assert f'<a href="{link}">2 completed officers have no certificate yet.</a>' in panel


def test_certificates_to_issue_in_several_sessions_are_counted_without_a_link(
    client, madrid, madrid_coordinator
):
    first = make_session(madrid.academy, title="Madrid peer review", capacity=5)
    second = make_session(madrid.academy, title="Madrid mediation day", capacity=5)
    completed_officers(first, 1)
    completed_officers(second, 1)
    client.force_login(madrid_coordinator)

    panel = dashboard(client)

    assert "2 completed officers have no certificate yet." in panel
    assert "certificates/sessions/" not in panel


def test_the_dashboard_hides_its_table_caption_the_admins_way(client, madrid, madrid_coordinator):
    make_session(madrid.academy, title="Madrid peer review")
    client.force_login(madrid_coordinator)

    panel = dashboard(client)

    assert '<caption class="w-sr-only">Upcoming and current sessions</caption>' in panel
    assert "visually-hidden" not in panel


def test_the_dashboard_queries_do_not_grow_with_sessions_to_certify(
    client, madrid, madrid_coordinator
):
    client.force_login(madrid_coordinator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("wagtailadmin_home")).status_code == 200
        return len(captured.captured_queries)

    completed_officers(make_session(madrid.academy, title="First", capacity=5), 1)
    count()  # the first visit fills caches the next ones read
    one_session = count()
    for title in ("Second", "Third", "Fourth"):
        completed_officers(make_session(madrid.academy, title=title, capacity=5), 2)

    assert count() == one_session
    panel = dashboard(client)
    assert "7 completed officers have no certificate yet." in panel
