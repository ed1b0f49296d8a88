"""A Nice officer takes a Madrid course from enrolment to a verified (then revoked)
certificate; Madrid's coordinator and trainer do their part in the admin."""

import re

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.models import AssessmentAttempt

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFICER, COORDINATOR, TRAINER = (
    "officer.nice@academy.example",
    "coordinator.madrid@academy.example",
    "trainer.madrid@academy.example",
)


def test_officer_coordinator_and_trainer_take_a_session_to_a_certificate(demo, open_page):
    officer = open_page()
    sign_in(officer, demo, OFFICER)

    # Find the course in the catalogue and ask for a place in its session.
    officer.goto(f"{demo}/en/catalogue/")
    officer.fill("input[name=q]", "mediation")
    officer.keyboard.press("Enter")
    officer.click("text=Mediation of neighbourhood conflicts >> nth=0")
    officer.click("a:has-text('Mediation of neighbourhood conflicts (online)')")
    officer.click("button:has-text('Ask for a place')")
    expect(officer.locator(".messages")).to_contain_text("coordinator")
    session_url = officer.url

    # Madrid's coordinator approves the request.
    coordinator = open_page()
    sign_in(coordinator, demo, COORDINATOR)
    session_id = re.search(r"/sessions/(\d+)/", session_url).group(1)
    coordinator.goto(f"{demo}/admin/sessions/{session_id}/enrolments/")
    coordinator.locator("tr", has_text="Léa Martin").locator("input[type=checkbox]").check()
    coordinator.select_option("select[name=decision]", "approve")
    coordinator.click("button:has-text('Apply')")
    expect(coordinator.locator("body")).to_contain_text("1 request decided.")

    # The officer works through the modules, leaves, and resumes.
    officer.goto(session_url)
    officer.click("text=Go to the course")
    officer.click("a:has-text('Start')")
    officer.click("button:has-text('Mark this module as done')")
    officer.goto(f"{demo}/en/my-learning/")
    card = officer.locator(".coming .card", has_text="Mediation")
    expect(card).to_contain_text("1 of 3 modules")
    card.locator("text=Continue the course").click()
    expect(officer.locator("[role=progressbar]").first).to_have_attribute("aria-valuenow", "33")
    officer.get_by_role("link", name=re.compile(r"^(Start|Resume): ")).click()
    officer.click("button:has-text('Mark this module as done')")  # goes on to the next one
    officer.click("button:has-text('Mark this module as done')")
    expect(officer.locator("main")).to_contain_text("3 of 3 required modules done")

    # The assessment: right answers, a written one, submitted once.
    officer.goto(session_url)
    officer.click("text=Go to the course")
    officer.click("a:has-text('Assessment')")
    officer.click("button:has-text('Start the assessment')")
    expect(officer.locator("#time-left")).to_be_visible()
    attempt = AssessmentAttempt.objects.get(officer__email=OFFICER)
    for position, question in enumerate(attempt.questions):
        if question["kind"] == "short_text":
            officer.fill(f"textarea[name=q{position}-text]", "Two neighbours and a hedge.")
        for choice in question["choices"]:
            if choice["correct"]:
                officer.check(f"input[name=q{position}][value='{choice['id']}']")
    officer.click("button:has-text('Submit my answers')")
    expect(officer.locator("main")).to_contain_text("A trainer grades your written answers")

    # Madrid's trainer grades the written answer.
    trainer = open_page()
    sign_in(trainer, demo, TRAINER)
    trainer.goto(f"{demo}/admin/grading/")
    trainer.click("table.listing a")
    trainer.fill("input[type=number]", "2")
    trainer.fill("textarea", "A good case for mediation.")
    trainer.click("button:has-text('Save the grades')")
    expect(trainer.locator("body")).to_contain_text("The grades are saved.")

    # Passed, completed: the certificate is on My learning and verifies as valid.
    officer.goto(f"{demo}/en/my-learning/")
    expect(officer.locator("main")).to_contain_text("Passed")
    with officer.expect_download() as download:
        officer.click("a:has-text('Download MAD-')")
    assert download.value.suggested_filename.startswith("MAD-")
    officer.click("text=Verification page")
    expect(officer.locator(".verify-status")).to_contain_text("Valid")
    verification = officer.url

    # Madrid's coordinator revokes it; the page says so.
    coordinator.goto(f"{demo}/admin/certificates/")
    coordinator.click("a:has-text('MAD-')")
    certificate = Certificate.objects.get(
        enrolment__officer__email=OFFICER, serial__startswith="MAD-"
    )
    coordinator.goto(f"{demo}/admin/certificates/issued/{certificate.pk}/revoke/")
    coordinator.fill("textarea[name=reason]", "Issued by mistake in a test.")
    coordinator.click("button:has-text('Revoke')")
    officer.goto(verification)
    expect(officer.locator(".verify-status")).to_contain_text("Revoked")
