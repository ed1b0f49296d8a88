"""The embedded default under concurrent use: a real server (runserver, threaded, as
`make demo` serves) on an SQLite file takes twenty tabs of one officer starting and then
submitting the same assessment at once without a server error.

Without the SQLite options of config/settings/base.py (WAL, busy timeout, IMMEDIATE
transactions) this test fails: most of the forty requests answer 500, "database is locked".
"""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from courses.models import AssessmentAttempt, AssessmentPage
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
TABS = 20
CSRF_TOKEN = "c" * 32  # noqa: S105 - a token of our own, sent as cookie and header alike

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the SQLite configuration under concurrent use",
    ),
    # Committed data, so that it can be copied into the server's database file.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_server(database, media):
    """`manage.py runserver` with the demo's settings on a copy of the test database."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(media),
        # The sessions were signed with the test settings' key.
        "SECRET_KEY": settings.SECRET_KEY,
    }
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(f"{address}/en/", timeout=5)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the demo server did not start") from None
                time.sleep(0.2)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def post_at_once(url, session_key, data):
    """POST from TABS threads released together; the status codes they got."""
    barrier = threading.Barrier(TABS)
    statuses = []

    def post():
        barrier.wait()
        response = requests.post(
            url,
            data=data,
            cookies={"sessionid": session_key, "csrftoken": CSRF_TOKEN},
            headers={"X-CSRFToken": CSRF_TOKEN},
            allow_redirects=False,
            timeout=120,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def attempts(database):
    with sqlite3.connect(database) as reader:
        return reader.execute(
            "SELECT id, state, sequence FROM courses_assessmentattempt ORDER BY id"
        ).fetchall()


def test_twenty_tabs_starting_then_submitting_one_assessment_get_no_server_error(lisbon, tmp_path):
    course = build_course(lisbon.academy, title="Safer neighbourhoods", modules=1)
    assessment = AssessmentPage.objects.child_of(course).get()
    officer = UserFactory()
    enrol(officer, make_session(lisbon.academy, course=course, capacity=10))
    browser = Client()
    browser.force_login(officer)
    database = tmp_path / "demo.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)

    with demo_server(database, tmp_path / "media") as address:
        session_key = browser.cookies["sessionid"].value
        started = post_at_once(f"{address}/en/assessments/{assessment.pk}/start/", session_key, {})
        [(attempt, _state, sequence)] = attempts(database)
        submitted = post_at_once(
            f"{address}/en/attempts/{attempt}/submit/", session_key, {"sequence": sequence}
        )

    assert [status for status in started + submitted if status >= 500] == []
    assert [state for _attempt, state, _sequence in attempts(database)] == [
        AssessmentAttempt.State.GRADED
    ]
