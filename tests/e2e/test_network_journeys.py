"""Issue 21 in the browser, on the demo network: a Lisbon officer's request for a Madrid
session is approved by Lisbon's training manager, then by Madrid's coordinator; a Nice
reviewer submits a review of a Brussels practice, and the Brussels coordinator publishes the
report on the practice's page."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, PeerReview, ReviewReport, Session

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_request_goes_through_the_officers_own_force_then_the_host(demo, open_page):
    session = (
        Session.objects.open_for_enrolment()
        .filter(academy__code="MAD", approval_required=True, course__isnull=False)
        .exclude(enrolments__officer__email="officer.lisbon@academy.example")
        .first()
    )
    officer = open_page()
    sign_in(officer, demo, "officer.lisbon@academy.example")
    officer.goto(f"{demo}/en/sessions/{session.pk}/")
    officer.click("button:has-text('Ask for a place')")
    expect(officer.locator(".messages")).to_contain_text("your own force first")

    manager = open_page()
    sign_in(manager, demo, "training.lisbon@academy.example")
    manager.get_by_role("link", name="Requests for my force").click()
    manager.locator("tr", has_text="João Ferreira").locator("input[type=checkbox]").check()
    manager.select_option("select[name=decision]", "approve")
    manager.fill("textarea[name=reason]", "Travel and training days agreed.")
    manager.click("button:has-text('Apply')")
    expect(manager.locator("body")).to_contain_text("1 request decided.")
    manager.goto(f"{demo}/admin/reports/force-officers/")
    expect(manager.locator("main")).to_contain_text("Approved by own force")

    coordinator = open_page()
    sign_in(coordinator, demo, "coordinator.madrid@academy.example")
    coordinator.goto(f"{demo}/admin/sessions/{session.pk}/enrolments/")
    coordinator.locator("tr", has_text="João Ferreira").locator("input[type=checkbox]").check()
    coordinator.select_option("select[name=decision]", "approve")
    coordinator.fill("textarea[name=reason]", "Bienvenido.")
    coordinator.click("button:has-text('Apply')")
    expect(coordinator.locator("body")).to_contain_text("1 request decided.")

    enrolment = Enrolment.objects.get(
        session=session, officer__email="officer.lisbon@academy.example"
    )
    assert enrolment.state == Enrolment.State.APPROVED
    officer.goto(f"{demo}/en/sessions/{session.pk}/")
    expect(officer.locator("main")).to_contain_text("Approved")


def test_a_reviewer_submits_and_the_host_publishes_the_report(demo, open_page):
    session = Session.objects.get(title="Peer review: multilingual neighbourhood desks")
    reviewer = open_page()
    sign_in(reviewer, demo, "officer.nice@academy.example")
    reviewer.goto(f"{demo}/en/sessions/{session.pk}/")
    reviewer.click("text=Write your review")
    reviewer.fill("textarea[name=strengths]", "Residents are received in their own language.")
    expect(reviewer.locator("#save-status")).to_contain_text("Draft saved")
    reviewer.fill("textarea[name=risks]", "The desks depend on a yearly budget.")
    reviewer.fill("textarea[name=recommendations]", "Publish how many conflicts are settled.")
    reviewer.get_by_label("Partly").check()
    reviewer.fill("textarea[name=transferable_why]", "Nice has fewer languages to cover.")
    reviewer.click("button:has-text('Submit my review')")
    expect(reviewer.locator(".messages")).to_contain_text("Your review is submitted")
    assert (
        PeerReview.objects.submitted()
        .filter(session=session, reviewer__email="officer.nice@academy.example")
        .exists()
    )

    coordinator = open_page()
    sign_in(coordinator, demo, "coordinator.brussels@academy.example")
    coordinator.goto(f"{demo}/admin/sessions/{session.pk}/review-report/")
    expect(coordinator.locator("main")).to_contain_text("Léa Martin")
    coordinator.fill(
        "textarea[name=summary]",
        "Three cities found the desks worth copying; Brussels will count the conflicts settled.",
    )
    coordinator.click("button:has-text('Publish the report')")
    expect(coordinator.locator("body")).to_contain_text("The report is published")
    assert ReviewReport.objects.published().get(session=session).reviews.count() == 3

    reviewer.goto(f"{demo}{session.practice.url}")
    expect(reviewer.locator("main")).to_contain_text("Three cities found the desks worth copying")
    expect(reviewer.locator("main")).to_contain_text(re.compile("Léa Martin"))
