"""An officer plays SCORM 1.2, SCORM 2004 and H5P packages in Chromium: the package's pages
call the runtime (scorm-again) or the H5P player (h5p-standalone) served by the site, the
officer leaves and comes back where they were, finishes, and the certificate follows."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from academy.services import onboard_city
from certificates.models import Certificate
from courses.models import Enrolment, PackageTracking
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.conftest import CITIES
from tests.courses.package_builders import (
    h5p_files,
    package_course,
    scorm12_files,
    scorm2004_files,
)
from tests.factories import UserFactory

from .conftest import RESULTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def officer_in_package_course(files, name):
    lisbon = onboard_city(**CITIES["lisbon"])
    _course, module, _package = package_course(lisbon.academy, files, name=name)
    session = make_session(
        lisbon.academy,
        course=module.get_parent().specific,
        capacity=10,
        title="Spring run",
        certificates_on_completion=True,
    )
    officer = UserFactory()
    return module, enrol(officer, session), officer


def signed_in_page(open_page, live_server, officer):
    client = Client()
    client.force_login(officer)
    page = open_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def sco_frame(page):
    """The SCO's own page, inside the player frame inside the module page."""
    return page.frame_locator("iframe.module__player").frame_locator("iframe.player__content")


@pytest.mark.parametrize("files", [scorm12_files, scorm2004_files], ids=["scorm12", "scorm2004"])
def test_an_officer_plays_a_scorm_package_resumes_it_finishes_and_gets_the_certificate(
    live_server, open_page, files
):
    module, enrolment, officer = officer_in_package_course(files(), "lesson.zip")
    page = signed_in_page(open_page, live_server, officer)

    page.goto(live_server.url + module.url)
    lesson = sco_frame(page)
    expect(lesson.locator("#state")).to_have_text("running")
    lesson.get_by_role("button", name="Next page").click()
    lesson.get_by_role("button", name="Next page").click()
    expect(lesson.locator("#state")).to_have_text("saved page 2")

    page.reload()
    lesson = sco_frame(page)
    expect(lesson.locator("#resumed")).to_have_text("page-2")
    expect(lesson.locator("#pages")).to_have_text("2")
    lesson.get_by_role("button", name="Finish the lesson").click()
    expect(lesson.locator("#state")).to_have_text("finished")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"package-{files.__name__}.png", full_page=True)

    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert (tracking.completion_status, tracking.success_status) == ("completed", "passed")
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.COMPLETED
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    page.goto(live_server.url + module.get_parent().url)
    expect(page.locator(".badge--completed").first).to_have_text("Completed")


def test_an_officer_answers_an_h5p_check_and_gets_the_certificate(live_server, open_page):
    module, enrolment, officer = officer_in_package_course(h5p_files(), "check.h5p")
    page = signed_in_page(open_page, live_server, officer)

    page.goto(live_server.url + module.url)
    player = page.frame_locator("iframe.module__player")
    content = player.frame_locator("iframe.h5p-iframe")
    content.get_by_role("button", name="Answer the check").click()
    expect(content.get_by_text("Answered")).to_be_visible()

    # The event goes in the background (no page of the package waits for it): the officer
    # opens the course page again until the server has kept it.
    for _ in range(50):
        page.goto(live_server.url + module.get_parent().url)
        if page.locator(".badge--completed").count():
            break
        page.wait_for_timeout(200)
    expect(page.locator(".badge--completed").first).to_have_text("Completed")
    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert float(tracking.score_scaled) == 0.9
    # The certificate is issued right after the completion is committed, in that request.
    for _ in range(100):
        if Certificate.objects.filter(enrolment=enrolment).exists():
            break
        page.wait_for_timeout(100)
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_an_officer_plays_the_demos_radio_lesson_resumes_it_and_passes_its_check(
    demo, live_server, open_page
):
    """The SCORM 1.2 lesson of the demo (home/demo/data/packages/radio-procedure), in the
    Brussels course taken in order: its pages, where the officer left, its scored check."""
    from courses.models import ModuleProgress
    from tests.academy.test_seed_demo import at_the_demo_radio_lesson

    module, enrolment, officer = at_the_demo_radio_lesson()
    page = signed_in_page(open_page, live_server, officer)

    page.goto(live_server.url + module.url)
    lesson = sco_frame(page)
    expect(lesson.locator("#step")).to_have_text("Page 1 of 4", timeout=15_000)
    for _page in range(3):
        lesson.get_by_role("button", name="Next").click()
    expect(lesson.locator("#step")).to_have_text("Page 4 of 4")
    # The runtime commits in the background: the officer leaves once the site has the page.
    for _ in range(100):
        if PackageTracking.objects.filter(enrolment=enrolment, location="3").exists():
            break
        page.wait_for_timeout(100)

    page.reload()
    lesson = sco_frame(page)
    expect(lesson.locator("#step")).to_have_text("Page 4 of 4", timeout=15_000)  # where they left
    lesson.get_by_label("Bravo Kilo one-four").check()
    lesson.get_by_label("Say again").check()
    lesson.get_by_label("Your own call sign").check()  # wrong: the station called comes first
    lesson.get_by_role("button", name="Check my answers").click()
    expect(lesson.locator("#result")).to_contain_text("2 of 3 right (67%): passed.")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "package-demo-radio-lesson.png", full_page=True)

    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert tracking.success_status == "passed"
    assert float(tracking.score_scaled) == 0.67
    assert ModuleProgress.objects.get(enrolment=enrolment, module=module).completed_at
