"""Lisbon's trainer writes a course in the Wagtail admin and submits it for moderation;
Lisbon's coordinator publishes it, opens a session and takes in an officer of another
city; then issues the certificates of a whole session at once and revokes one."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from academy.models import AcademyPage
from certificates.models import Certificate
from courses.models import (
    AssessmentPage,
    Choice,
    CoursePage,
    Enrolment,
    ModulePage,
    Question,
    Session,
)
from courses.services import mark_attendance

from .conftest import RESULTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TRAINER, COORDINATOR, OFFICER = (
    "trainer.lisbon@academy.example",
    "coordinator.lisbon@academy.example",
    "officer.madrid@academy.example",
)
COURSE = "Night-time economy: policing with venue staff"
MODULE = "Walking the night beat with door staff"
ASSESSMENT = "Night-time economy: check your knowledge"
SESSION = "Night-time economy (first run)"
WORKFLOW = "Submit to Lisbon moderation"


def screenshot(page, name):
    """Keep a picture of an admin step in test-results/, to look at what a user sees."""
    # Wagtail slides new blocks and messages in: the picture waits for those short moves
    # (not for the long pulse of the Help menu's badge).
    page.wait_for_function(
        "document.getAnimations().every(animation => animation.playState !== 'running'"
        " || animation.effect.getComputedTiming().activeDuration > 2000)"
    )
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"authoring-{name}.png")


def submit_for_moderation(page):
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=WORKFLOW).click()


def test_trainer_writes_a_course_and_submits_it_without_being_able_to_publish(demo, open_page):
    trainer = open_page()
    sign_in(trainer, demo, TRAINER)

    # From the dashboard to the academy's pages, and a new course there.
    trainer.goto(f"{demo}/admin/")
    trainer.get_by_role("region", name="Your academy").get_by_role("link", name="Pages").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text(
        "Exploring: Lisbon Municipal Police"
    )
    trainer.get_by_role("link", name="Add child page").click()
    trainer.get_by_role("link", name="Course", exact=True).click()
    trainer.get_by_role("textbox", name="Title*").fill(COURSE)
    trainer.get_by_role("textbox", name="Summary*").fill(
        "How officers, door staff and residents keep nightlife safe together."
    )
    trainer.get_by_role("region", name="Learning objectives*").get_by_role("textbox").fill(
        "Agree a venue safety charter with licensees."
    )
    trainer.get_by_role("tab", name="Details").click()
    # A theme (the glossary has a term of the same name, among the course's key terms).
    trainer.get_by_role("region", name="Themes").get_by_label("Co-production of security").check()
    trainer.get_by_label("Portuguese").check()
    trainer.get_by_label("CPD hours").fill("6")

    # A trainer drafts and submits; only the coordinators publish.
    trainer.get_by_role("button", name="More actions").click()
    expect(trainer.get_by_role("button", name=WORKFLOW)).to_be_visible()
    expect(trainer.get_by_role("button", name=re.compile("Publish"))).to_have_count(0)
    screenshot(trainer, "1-trainer-course-actions")
    trainer.get_by_role("button", name=WORKFLOW).click()
    expect(trainer.get_by_role("status")).to_contain_text(
        f"Page '{COURSE}' created and submitted for moderation."
    )

    # A module with a paragraph of text, under the new course.
    trainer.get_by_role("link", name=f"Add a child page to '{COURSE}'").click()
    trainer.get_by_role("link", name="Module", exact=True).click()
    trainer.get_by_role("textbox", name="Title*").fill(MODULE)
    trainer.get_by_role("spinbutton", name="Estimated minutes*").fill("25")
    trainer.get_by_role("button", name="Insert a block").click()
    trainer.get_by_role("option", name="Text").click()
    trainer.get_by_role("region", name="Text *").get_by_role("textbox").fill(
        "Meet the door staff before the first customers arrive."
    )
    screenshot(trainer, "2-trainer-module")
    submit_for_moderation(trainer)
    expect(trainer.get_by_role("status")).to_contain_text(
        f"Page '{MODULE}' created and submitted for moderation."
    )

    # An assessment with one single-choice question.
    trainer.get_by_role("link", name="Add child page").click()
    trainer.get_by_role("link", name="Assessment", exact=True).click()
    trainer.get_by_role("textbox", name="Title*").fill(ASSESSMENT)
    question = trainer.get_by_role("region", name="Question 1")
    question.get_by_role("textbox", name="Question*").fill(
        "Whom do you meet first when a venue opens?"
    )
    question.get_by_role("button", name="Add Choice").click()
    question.get_by_role("button", name="Add Choice").click()
    first, second = (
        question.get_by_role("region", name="Choice 1"),
        question.get_by_role("region", name="Choice 2"),
    )
    first.get_by_role("textbox", name="Choice*").fill("The door staff")
    first.get_by_role("checkbox", name="Correct").check()
    second.get_by_role("textbox", name="Choice*").fill("The last customer")
    screenshot(trainer, "3-trainer-assessment")
    submit_for_moderation(trainer)
    expect(trainer.get_by_role("status")).to_contain_text(
        f"Page '{ASSESSMENT}' created and submitted for moderation."
    )

    # The course's pages wait for the coordinators; the trainer's edit form says so.
    for title in (MODULE, ASSESSMENT):
        expect(trainer.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text(
            "in moderation", ignore_case=True
        )
    screenshot(trainer, "4-trainer-course-in-moderation")
    trainer.goto(f"{demo}/admin/")
    waiting = trainer.get_by_role("region", name="Your pages and snippets in a workflow")
    for title in (COURSE, MODULE, ASSESSMENT):
        expect(waiting.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text(
            "Awaiting Approval by Lisbon coordinators"
        )
    waiting.get_by_role("link", name=COURSE, exact=True).click()
    expect(trainer.get_by_role("status")).to_contain_text("awaiting moderation")
    trainer.get_by_role("button", name="Toggle status").click()
    expect(trainer.get_by_role("region", name="Status: In Moderation")).to_be_visible()
    screenshot(trainer, "5-trainer-course-status")

    # Nothing of it is on the public site yet.
    course = CoursePage.objects.get(title=COURSE)
    assert not course.live
    assert not ModulePage.objects.child_of(course).live().exists()
    visitor = open_page()
    assert visitor.goto(f"{demo}{course.url}").status == 404


def submitted(parent, page, trainer):
    """A new page of ``trainer``'s, saved as a draft and submitted to the city's workflow."""
    page.live, page.owner = False, trainer
    parent.add_child(instance=page)
    page.save_revision(user=trainer)
    page.get_workflow().start(page, trainer)
    return page


@pytest.fixture
def submitted_course(demo):
    """The course, module and assessment Lisbon's trainer wrote and submitted for moderation."""
    trainer = get_user_model().objects.get(email=TRAINER)
    academy = AcademyPage.objects.in_default_locale().get(city="Lisbon")
    course = submitted(
        academy,
        CoursePage(
            title=COURSE,
            summary="How officers, door staff and residents keep nightlife safe together.",
            learning_objectives="<p>Agree a venue safety charter with licensees.</p>",
            cpd_hours=Decimal(6),
        ),
        trainer,
    )
    submitted(
        course,
        ModulePage(
            title=MODULE,
            body=[("paragraph", "<p>Meet the door staff before the first customers arrive.</p>")],
        ),
        trainer,
    )
    submitted(
        course,
        AssessmentPage(
            title=ASSESSMENT,
            questions=[
                Question(
                    kind=Question.Kind.SINGLE,
                    text="Whom do you meet first when a venue opens?",
                    choices=[
                        Choice(text="The door staff", is_correct=True),
                        Choice(text="The last customer"),
                    ],
                )
            ],
        ),
        trainer,
    )
    return course


def test_coordinator_publishes_a_submitted_course_and_takes_an_officer_into_its_session(
    demo, submitted_course, open_page
):
    coordinator = open_page()
    sign_in(coordinator, demo, COORDINATOR)

    # The trainer's pages wait on the dashboard; the coordinator approves them, course first.
    coordinator.goto(f"{demo}/admin/")
    review = coordinator.get_by_role("region", name="Awaiting your review")
    expect(review.get_by_role("row")).to_have_count(4)  # a header and the three pages
    screenshot(coordinator, "6-coordinator-awaiting-review")
    for title in (COURSE, MODULE, ASSESSMENT):
        row = review.get_by_role("row", name=re.compile(re.escape(title)))
        row.get_by_role("button", name="Actions").click()
        row.get_by_role("button", name="Approve", exact=True).click()
        expect(row).to_have_count(0)
    assert CoursePage.objects.live().filter(title=COURSE).exists()
    assert ModulePage.objects.child_of(submitted_course).live().count() == 1
    assert AssessmentPage.objects.child_of(submitted_course).live().count() == 1

    # A session of the new course, in two months, on approval.
    starts_on = timezone.localdate() + datetime.timedelta(days=60)
    coordinator.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Sessions"
    ).click()
    coordinator.get_by_role("link", name="Add session").click()
    # Lisbon's only academy is already chosen; its courses make the list.
    academy = coordinator.get_by_role("combobox", name="Academy*")
    expect(academy.locator("option:checked")).to_have_text("Lisbon Municipal Police")
    coordinator.get_by_role("combobox", name="Course").select_option(label=COURSE)
    pickers = coordinator.locator(".xdsoft_datetimepicker:visible")
    coordinator.get_by_role("textbox", name="Starts on*").fill(starts_on.isoformat())
    ends_on = starts_on + datetime.timedelta(days=1)
    coordinator.get_by_role("textbox", name="Ends on*").fill(ends_on.isoformat())
    expect(pickers.first).to_be_visible()
    # A click away closes the date pickers.
    coordinator.get_by_role("heading", name="Session", exact=True).click()
    expect(pickers).to_have_count(0)
    coordinator.get_by_role("textbox", name="Title*").fill(SESSION)
    coordinator.get_by_role("combobox", name="Format*").select_option(label="Blended")
    coordinator.get_by_role("spinbutton", name="Places*").fill("12")
    expect(coordinator.get_by_role("checkbox", name="Approval required")).to_be_checked()
    coordinator.get_by_role("listbox", name="Trainers").select_option(
        label="Miguel Ângelo Rodrigues"
    )
    academy.scroll_into_view_if_needed()
    screenshot(coordinator, "7-coordinator-new-session")
    coordinator.get_by_role("button", name="Create").click()
    expect(coordinator.get_by_role("status")).to_contain_text(f"Session '{SESSION}")

    # An officer of Madrid finds the course, live, and asks for a place in the session.
    officer = open_page()
    sign_in(officer, demo, OFFICER)
    officer.goto(f"{demo}/en/catalogue/")
    officer.fill("input[name=q]", "night-time economy")
    officer.keyboard.press("Enter")
    officer.get_by_role("link", name=COURSE).first.click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(officer.get_by_role("main")).to_contain_text(MODULE)
    expect(officer.get_by_role("main")).to_contain_text(ASSESSMENT)
    officer.get_by_role("link", name=SESSION).click()
    officer.get_by_role("button", name="Ask for a place").click()
    expect(officer.locator(".messages")).to_contain_text("coordinator")

    # The coordinator approves the request from the dashboard's list of sessions.
    coordinator.goto(f"{demo}/admin/")
    coordinator.get_by_role("region", name="Your sessions").get_by_role(
        "row", name=re.compile(re.escape(SESSION))
    ).get_by_role("link", name="Enrolments").click()
    coordinator.get_by_role("row", name=re.compile("Javier Morales")).get_by_role(
        "checkbox"
    ).check()
    coordinator.select_option("select[name=decision]", "approve")
    coordinator.get_by_role("button", name="Apply").click()
    expect(coordinator.get_by_role("status")).to_contain_text("1 request decided.")
    expect(coordinator.get_by_role("row", name=re.compile("Javier Morales"))).to_contain_text(
        "Approved"
    )
    screenshot(coordinator, "8-coordinator-enrolment-approved")

    # The officer's learning shows the place, and the way into the course.
    officer.goto(f"{demo}/en/my-learning/")
    expect(officer.get_by_role("row", name=re.compile(re.escape(SESSION)))).to_contain_text(
        "Approved"
    )
    expect(officer.locator(".coming .card", has_text=SESSION)).to_contain_text(
        "Continue the course"
    )


@pytest.fixture
def held_exchange_day(demo):
    """Lisbon's Exchange Day of last month: three officers attended; one has a certificate."""
    session = Session.objects.get(academy__city="Lisbon", kind=Session.Kind.EXCHANGE_DAY)
    # From now on the coordinator issues this day's certificates, not its completion.
    session.certificates_on_completion = False
    session.save(update_fields=["certificates_on_completion"])
    trainer = get_user_model().objects.get(email=TRAINER)
    for email in ("officer.brussels@academy.example", OFFICER):
        # The day is over: they were registered while it was open (as the demo does).
        enrolment = Enrolment.objects.create(
            officer=get_user_model().objects.get(email=email),
            session=session,
            state=Enrolment.State.APPROVED,
        )
        mark_attendance(session, {(enrolment.pk, session.starts_on): True}, by=trainer)
    return session


def test_coordinator_issues_a_sessions_certificates_at_once_and_revokes_one(
    demo, held_exchange_day, open_page
):
    coordinator = open_page()
    sign_in(coordinator, demo, COORDINATOR)

    # The dashboard says there are certificates to issue; the session's page is in the list.
    coordinator.goto(f"{demo}/admin/")
    expect(coordinator.get_by_role("region", name="Your sessions")).to_contain_text(
        "2 completed officers have no certificate yet."
    )
    coordinator.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Sessions"
    ).click()
    row = coordinator.get_by_role("row", name=re.compile("Exchange Day Lisbon"))
    row.get_by_role("button", name=re.compile("^More options")).click()
    row.get_by_role("link", name="Certificates").click()
    officers = coordinator.get_by_role("table", name="Completed officers")
    expect(officers.get_by_role("row")).to_have_count(4)  # a header and three officers
    expect(officers.get_by_role("row", name=re.compile("Léa Martin"))).to_contain_text("LIS-")
    expect(officers.get_by_role("button", name="Issue")).to_have_count(2)
    screenshot(coordinator, "9-coordinator-session-certificates")

    # One button for every completed officer who has none yet.
    coordinator.get_by_role(
        "button", name="Issue the certificates of every completed officer"
    ).click()
    expect(coordinator.get_by_role("status")).to_contain_text(
        "The certificates of this session are being issued."
    )
    batch = coordinator.get_by_role("region", name="Issuing for the whole session")
    expect(batch).to_contain_text(re.compile(r"Finished on .*: 2 of 2 issued\."))
    expect(officers.get_by_role("button", name="Issue")).to_have_count(0)
    expect(officers.get_by_role("link", name=re.compile(r"^LIS-\d{4}-\d{6}$"))).to_have_count(3)
    screenshot(coordinator, "10-coordinator-certificates-issued")
    assert Certificate.objects.valid().filter(enrolment__session=held_exchange_day).count() == 3

    # One of them is revoked, with a reason.
    revoked = officers.get_by_role("row", name=re.compile("Javier Morales")).get_by_role("link")
    serial = revoked.inner_text()
    revoked.click()
    coordinator.get_by_role("button", name="Actions").click()
    coordinator.get_by_role("link", name="Revoke").click()
    coordinator.get_by_role("textbox", name="Reason*").fill("Registered for the wrong day.")
    coordinator.get_by_role("button", name="Revoke").click()
    expect(coordinator.get_by_role("status")).to_contain_text(
        f"{serial} is revoked; its verification page says so."
    )
    expect(coordinator.get_by_role("main")).to_contain_text("Registered for the wrong day.")
    coordinator.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Certificates"
    ).click()
    expect(coordinator.get_by_role("row", name=re.compile(re.escape(serial)))).to_contain_text(
        "Revoked"
    )
    screenshot(coordinator, "11-coordinator-certificate-revoked")

    # Anyone with the code printed on it learns that it no longer holds.
    certificate = Certificate.objects.get(serial=serial)
    visitor = open_page()
    visitor.goto(f"{demo}/en/certificates/verify/")
    visitor.get_by_label("Verification code").fill(certificate.grouped_code.lower())
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.locator(".verify-status")).to_contain_text("Revoked")
    expect(visitor.get_by_role("main")).to_contain_text("Javier Morales")
