"""Issue 21: a peer review produces a report. Reviewers from other cities' forces write a
structured review (drafts autosaved, submitted once); the host's coordinator publishes the
report on the practice's page, crediting the reviewers; reviewers get a certificate on
attendance, like an Exchange Day's."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.models import PeerReview, ReviewReport, Session
from courses.services import (
    ReviewRefused,
    mark_attendance,
    publish_report,
    save_draft,
    submit_review,
)
from tests.courses.practices import build_practice, peer_review
from tests.factories import ForceFactory, UserFactory

FILLED = {
    "strengths": "Residents come back.",
    "risks": "Depends on two officers.",
    "recommendations": "Write the walk's method down.",
    "transferable": "partly",
    "transferable_why": "Our districts are larger.",
}


@pytest.fixture
def review_session(lisbon):
    practice = build_practice(lisbon.academy)
    return peer_review(lisbon, practice, [ForceFactory(), ForceFactory(), ForceFactory()])


def test_a_peer_review_must_name_its_practice(lisbon):
    session = Session(academy=lisbon.academy, kind=Session.Kind.PEER_REVIEW, title="x")

    with pytest.raises(Exception, match="practice"):
        session.clean()


def test_a_draft_is_saved_and_can_be_changed(review_session):
    session, (reviewer, *_others) = review_session

    save_draft(session, reviewer, {"strengths": "First thoughts"})
    save_draft(session, reviewer, {"strengths": "Second thoughts"})

    review = PeerReview.objects.get(session=session, reviewer=reviewer)
    assert review.strengths == "Second thoughts" and not review.is_submitted


def test_a_review_is_submitted_once(review_session):
    session, (reviewer, *_others) = review_session

    first = submit_review(session, reviewer, FILLED)
    second = submit_review(session, reviewer, {**FILLED, "strengths": "Changed my mind"})

    assert second.submitted_at == first.submitted_at
    assert PeerReview.objects.get(pk=first.pk).strengths == "Residents come back."


def test_a_submitted_review_is_no_longer_a_draft(review_session):
    session, (reviewer, *_others) = review_session
    submit_review(session, reviewer, FILLED)

    with pytest.raises(ReviewRefused):
        save_draft(session, reviewer, {"strengths": "Too late"})


def test_an_incomplete_review_is_not_submitted(review_session):
    session, (reviewer, *_others) = review_session

    with pytest.raises(ReviewRefused):
        submit_review(session, reviewer, {"strengths": "Only this"})


def test_only_the_reviewers_write_reviews(review_session):
    session, _reviewers = review_session

    with pytest.raises(ReviewRefused):
        save_draft(session, UserFactory(), FILLED)


def test_the_host_forces_officers_are_not_its_reviewers(lisbon, review_session):
    from courses.services import enrol

    session, _reviewers = review_session
    own = UserFactory(force=lisbon.academy.force)
    enrol(own, session)

    with pytest.raises(ReviewRefused):
        save_draft(session, own, FILLED)


def test_the_reviewer_autosaves_and_submits_in_the_site(client, review_session):
    session, (reviewer, *_others) = review_session
    client.force_login(reviewer)

    autosaved = client.post(
        reverse("peer_review_save", args=[session.pk]),
        {"strengths": "Typed so far"},
        HTTP_ACCEPT="application/json",
    )
    client.post(reverse("peer_review_submit", args=[session.pk]), FILLED)
    client.post(reverse("peer_review_submit", args=[session.pk]), FILLED)

    assert autosaved.status_code == 200
    assert PeerReview.objects.submitted().filter(reviewer=reviewer).count() == 1


def test_someone_else_cannot_open_the_review_page(client, review_session):
    session, _reviewers = review_session
    client.force_login(UserFactory())

    assert client.get(reverse("peer_review", args=[session.pk])).status_code == 404


def test_the_report_is_published_on_the_practice_page_crediting_the_reviewers(
    client, review_session, lisbon_coordinator
):
    session, reviewers = review_session
    for reviewer in reviewers:
        submit_review(session, reviewer, FILLED)

    publish_report(session, summary="A practice worth copying.", by=lisbon_coordinator)

    page = client.get(session.practice.url).content.decode()
    assert "A practice worth copying." in page
    for reviewer in reviewers:
        assert reviewer.academy_profile.full_name in page


def test_drafts_stay_out_of_the_report(review_session, lisbon_coordinator):
    session, (done, drafting, _third) = review_session
    submit_review(session, done, FILLED)
    save_draft(session, drafting, {"strengths": "Unfinished"})

    report = publish_report(session, summary="Summary", by=lisbon_coordinator)

    assert [review.reviewer for review in report.reviews.all()] == [done]


def test_the_host_coordinator_publishes_in_the_admin(client, review_session, lisbon_coordinator):
    session, (reviewer, *_others) = review_session
    submit_review(session, reviewer, FILLED)
    client.force_login(lisbon_coordinator)

    client.post(
        reverse("academy_session_review_report", args=[session.pk]), {"summary": "Well done."}
    )

    assert ReviewReport.objects.published().get(session=session).summary == "Well done."


def test_another_citys_coordinator_cannot_open_the_report(
    client, review_session, madrid_coordinator
):
    session, _reviewers = review_session
    client.force_login(madrid_coordinator)

    response = client.get(reverse("academy_session_review_report", args=[session.pk]))

    assert response.status_code == 404


def test_a_reviewer_who_attended_gets_a_certificate(
    review_session, django_capture_on_commit_callbacks, lisbon_coordinator
):
    session, (reviewer, *_others) = review_session
    enrolment = session.enrolments.get(officer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        mark_attendance(
            session, {(enrolment.pk, day): True for day in session.days()}, by=lisbon_coordinator
        )

    assert Certificate.objects.filter(enrolment=enrolment).exists()


def test_the_host_does_not_read_a_reviewers_draft(client, review_session, lisbon_coordinator):
    session, (reviewer, *_others) = review_session
    save_draft(session, reviewer, {"strengths": "Half-formed thought"})
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("academy_session_review_report", args=[session.pk]))

    assert "Half-formed thought" not in page.content.decode()
