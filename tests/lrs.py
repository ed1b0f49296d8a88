"""Ralph, a real Learning Record Store, for the tests that send xAPI statements.

Ralph (``ralph-malph`` on PyPI) has heavy dependencies of its own (FastAPI, pydantic,
uvicorn...) that must not enter the project's venv: it lives in ``.venv-lrs`` beside it,
made by ``make lrs-venv`` or, when missing, by the first test that needs it. The LRS runs
with its file-system backend in a temporary folder, on a free port of this machine, for the
whole test session; tests may stop and start it again (the statements stay in its folder).
"""

import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
RALPH_SPEC = "ralph-malph[lrs,cli]==5.1.0"
# Ralph's HTTP basic authentication imports requests, which its extras do not bring.
RALPH_EXTRA = "requests>=2.31,<3"
USERNAME = "academy"
PASSWORD = "lrs-test-password"  # noqa: S105 - a throwaway password of a test LRS


# Ralph's LRS API over its file-system backend. That backend writes each request with the
# "create" operation, which refuses a file that exists: as shipped (5.1), it keeps only the
# first request's statements. Appending is what an LRS file needs; the API, its validation,
# its duplicate-id checks and its queries are Ralph's own, unchanged.
SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ralph_venv():
    """The venv that holds Ralph, made when missing."""
    venv = Path(os.environ.get("RALPH_VENV", ROOT / ".venv-lrs"))
    if not (venv / "bin" / "ralph").exists():
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)  # noqa: S603, S607 - fixed
        subprocess.run(  # noqa: S603 - fixed arguments
            [str(venv / "bin" / "pip"), "install", "--quiet", RALPH_SPEC, RALPH_EXTRA],
            check=True,
        )
    return venv


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Ralph:
    """One Ralph LRS on this machine: start, stop, and read back what it holds."""

    def __init__(self, venv, folder):
        self.venv = venv
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.process = None
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "statements"),
        }
        subprocess.run(  # noqa: S603 - Ralph's own command, fixed arguments
            [str(venv / "bin" / "ralph"), "auth", "-u", USERNAME, "-p", PASSWORD, "-s", "all"]
            + ["-A", USERNAME, "http://testserver", "-w"],
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - Ralph's server, fixed arguments
            [str(self.venv / "bin" / "python"), "-c", SERVE, str(self.port)],
            env=self.env,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("Ralph did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def statements(self):
        """Every statement the LRS holds, as stored (oldest first)."""
        found = []
        url = f"{self.url}/statements?limit=500"
        while url:
            page = requests.get(url, auth=(USERNAME, PASSWORD), timeout=10).json()
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return sorted(found, key=lambda statement: statement["stored"])


@pytest.fixture(scope="session")
def ralph():
    """A real LRS (Ralph) for the session."""
    try:
        venv = ralph_venv()
    except (subprocess.CalledProcessError, OSError) as problem:
        pytest.fail(f"Ralph (the test LRS) could not be installed: {problem}")
    with tempfile.TemporaryDirectory(prefix="academy-lrs-") as folder:
        lrs = Ralph(venv, Path(folder))
        lrs.start()
        yield lrs
        lrs.stop()


@pytest.fixture
def lrs(ralph, settings):
    """The site sends its statements to the test LRS (started again if a test stopped it)."""
    if ralph.process is None:
        ralph.start()
    settings.XAPI_LRS_URL = ralph.url
    settings.XAPI_LRS_USERNAME = USERNAME
    settings.XAPI_LRS_PASSWORD = PASSWORD
    settings.XAPI_LRS_TIMEOUT = 5
    yield ralph
    if ralph.process is None:
        ralph.start()


def dumps(payload):
    return json.dumps(payload, sort_keys=True)
