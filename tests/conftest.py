import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Site

from academy.services import onboard_city
from tests.factories import UserFactory

CITIES = {
    "lisbon": {
        "city": "Lisbon",
        "country": "PT",
        "code": "LIS",
        "academy_name": "Lisbon Municipal Police",
        "default_language": "pt",
    },
    "madrid": {
        "city": "Madrid",
        "country": "ES",
        "code": "MAD",
        "academy_name": "Madrid City Police",
        "default_language": "es",
    },
}


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits count in the cache: each test starts with none used."""
    cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a request in another language leaves it active."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def home(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def lisbon(home):
    return onboard_city(**CITIES["lisbon"])


@pytest.fixture
def madrid(home):
    return onboard_city(**CITIES["madrid"])


@pytest.fixture
def lisbon_trainer(lisbon):
    return UserFactory(groups=[lisbon.trainer_group], force=lisbon.academy.force)


@pytest.fixture
def madrid_trainer(madrid):
    return UserFactory(groups=[madrid.trainer_group], force=madrid.academy.force)


@pytest.fixture
def madrid_coordinator(madrid):
    return UserFactory(groups=[madrid.coordinator_group], force=madrid.academy.force)


@pytest.fixture
def lisbon_coordinator(lisbon):
    return UserFactory(groups=[lisbon.coordinator_group], force=lisbon.academy.force)


@pytest.fixture
def network_admin(db):
    return UserFactory(is_superuser=True, is_staff=True, force=None)


@pytest.fixture
def officer(db):
    return UserFactory()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


class LocalServer(str):
    """The address of a web server on this machine (a string), and the paths asked of it:
    SSRF tests point user input at it and assert nothing came."""

    hits: list


@pytest.fixture
def local_server():
    address = None

    class CountingHandler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            address.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        do_POST = do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), CountingHandler)
    address = LocalServer(f"http://127.0.0.1:{server.server_port}")
    address.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield address
    server.shutdown()


@pytest.fixture
def lisbon_training_manager(lisbon):
    """A training manager of Lisbon's force, which approves its officers' requests first."""
    from academy.services import onboard_force

    onboarded = onboard_force(lisbon.academy.force, requires_own_approval=True)
    return UserFactory(groups=[onboarded.training_manager_group], force=lisbon.academy.force)
