"""The README's screenshots, taken from the demo as people see it: `make screenshots`.

Migrates and seeds a fresh SQLite database in a temporary folder, serves it with the demo's
settings, signs in as the demo's officer and coordinator in headless Chromium (Debian's,
or CHROMIUM=/path) and writes the PNGs into docs/. The certificate is the first page of
the officer's own PDF, drawn by `pdftoppm` (poppler-utils).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
OFFICER = "officer.lisbon@academy.example"
# The demo's own address, printed on the certificate, whatever port serves the screenshots.
DEMO_URL = "http://127.0.0.1:8000"
# A slice of the large network, so that the progress matrix has officers to show.
SCALE = "0.05"
PASSWORD = "demo1234"  # noqa: S105 - the demo's published password


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(environment, *arguments, **options):
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, **options
    )


def wait_for(address, server):
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{address}/en/", timeout=5)  # noqa: S310 - our own server
            return
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("The demo server did not start.")
            time.sleep(0.3)


def addresses():
    """Where the pages to show are, read from the demo database (Django set up on it)."""
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from certificates.models import Certificate
    from courses.models import Enrolment, ModulePage, Session

    officer_enrolment = (
        Enrolment.objects.filter(
            officer__email=OFFICER, state=Enrolment.State.APPROVED, session__kind="course"
        )
        .select_related("session__course")
        .first()
    )
    module = (
        ModulePage.objects.child_of(officer_enrolment.session.course)
        .live()
        .order_by("path")
        .first()
    )
    certificate = Certificate.objects.filter(enrolment__officer__email=OFFICER).first()
    busiest = (
        Session.objects.filter(kind=Session.Kind.COURSE)
        .annotate(officers=Count("enrolments"))
        .select_related("academy")
        .order_by("-officers")
        .first()
    )
    return {
        "module": module.url,
        "certificate": reverse("certificate_download", args=[certificate.pk]),
        "progress": reverse("home_session_progress", args=[busiest.pk]),
        "coordinator": f"coordinator.{busiest.academy.slug}@academy.example",
    }


def sign_in(page, base, email):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form-card button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"Signing in as {email} failed.")


def shoot(page, url, name, full_page=False):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=DOCS / name, full_page=full_page)
    print(f"docs/{name}")


def main():
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="academy-screenshots-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{work / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "WAGTAILADMIN_BASE_URL": DEMO_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    os.environ.update(environment)
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    print("Migrating and seeding the demo in", work)
    manage(environment, "migrate", "--noinput", "-v", "0", **quiet)
    manage(environment, "seed_demo", "--scale", SCALE, **quiet)
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base, server)
        urls = addresses()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            visitor = browser.new_page(viewport={"width": 1280, "height": 1000})
            shoot(visitor, f"{base}/en/", "screenshot.png")
            officer = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(officer, base, OFFICER)
            shoot(officer, f"{base}/en/my-learning/", "my-learning.png", full_page=True)
            shoot(officer, base + urls["module"], "module.png")
            pdf = officer.request.get(base + urls["certificate"])
            (work / "certificate.pdf").write_bytes(pdf.body())
            subprocess.run(  # noqa: S603 - poppler's pdftoppm on our own PDF
                [
                    shutil.which("pdftoppm") or "pdftoppm",
                    *("-png", "-r", "80", "-f", "1", "-singlefile"),
                    str(work / "certificate.pdf"),
                    str(DOCS / "certificate"),
                ],
                check=True,
            )
            print("docs/certificate.png")
            # The same PDF dropped on the public verification page, as a verifier would.
            verifier = browser.new_page(viewport={"width": 1280, "height": 900})
            verifier.goto(f"{base}/en/certificates/verify/file/")
            verifier.set_input_files("input[type=file]", str(work / "certificate.pdf"))
            verifier.click("form.form-card button[type=submit]")
            verifier.wait_for_load_state("networkidle")
            verifier.screenshot(path=DOCS / "verify-pdf.png")
            print("docs/verify-pdf.png")
            shoot(officer, f"{base}/en/accounts/my-data/", "my-data.png")
            coordinator = browser.new_page(viewport={"width": 1440, "height": 900})
            sign_in(coordinator, base, urls["coordinator"])
            shoot(coordinator, f"{base}/admin/", "dashboard.png")
            shoot(coordinator, base + urls["progress"], "progress.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
