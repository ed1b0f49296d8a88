"""Browser journeys: headless Chromium (Debian's, Playwright cannot download its own here)
against a live server with the demo data. Run with `make test-e2e`."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def demo(live_server):
    """The demo network in the live server's database (emails stay unsent)."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; the test's own
    # database reads are still plain synchronous calls (set for the journey only).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for the browser journeys: {CHROMIUM} is missing.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()
        # The journey's own reads, made while Playwright's event loop runs, have a connection
        # of their own: closed here, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


@pytest.fixture
def open_page(browser, request):
    """New pages (one per person in the journey); screenshots of them all if the test fails.
    Anything the pages' Content-Security-Policy blocks fails the test."""
    pages, blocked = [], []

    def open_page(width=1280, height=900):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and blocked.append(f"{page.url}: {message.text}")
            ),
        )
        pages.append(page)
        return page

    yield open_page
    if blocked:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(blocked))
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        for number, page in enumerate(pages):
            page.screenshot(path=RESULTS / f"{request.node.name}-{number}.png", full_page=True)


def sign_in(page, base, email, password="demo1234"):
    """Sign in through the public form, and check that it worked: the form is gone, the
    header shows the user's name and a sign-out button; staff also reach their dashboard
    in the admin (not the admin's own sign-in page)."""
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form.form-card button[type=submit]")
    page.wait_for_load_state()
    user = get_user_model().objects.get(email=email)
    assert "/accounts/login/" not in page.url, f"{email} was not signed in"
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(page.locator(".site-nav__user")).to_have_text(user.get_full_name())
    expect(page.locator("form[action$='/logout/'] button[type=submit]")).to_be_visible()
    if user.has_perm("wagtailadmin.access_admin"):
        page.goto(f"{base}/admin/")
        assert urlsplit(page.url).path == "/admin/", f"{email} was sent to {page.url}"
        expect(page.locator(".w-dashboard h1")).to_be_visible()
