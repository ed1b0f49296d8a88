"""Peer reviews (issue 21): reviewers' drafts and their single submission, and the host's
report published on the practice's page."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, EnrolmentRefused, PeerReview, ReviewReport, Session


class ReviewRefused(EnrolmentRefused):
    """A review or a report that cannot be saved, with the reason in the user's language."""


def reviewer_enrolment(session, user):
    """The reviewer's enrolment in a peer-review session: a place, of a force other than the
    host's. ``None`` for anyone else."""
    if session.kind != Session.Kind.PEER_REVIEW or session.practice_id is None:
        return None
    enrolment = (
        Enrolment.objects.filter(session=session, officer=user, state__in=Enrolment.ACTIVE)
        .select_related("officer__academy_profile")
        .first()
    )
    if enrolment is None:
        return None
    profile = getattr(user, "academy_profile", None)
    if profile is not None and profile.force_id == session.academy.force_id:
        return None  # the host's own officers are not its peers
    return enrolment


def _review_for(session, reviewer):
    """The reviewer's review of the session, locked; made on first need (race-free: the
    unique constraint lets one of two first saves insert it, the other reads it)."""
    review, _created = PeerReview.objects.get_or_create(session=session, reviewer=reviewer)
    return PeerReview.objects.select_for_update().get(pk=review.pk)


def _check_reviewer(session, reviewer):
    if reviewer_enrolment(session, reviewer) is None:
        raise ReviewRefused(_("Only the reviewers of this peer review can write a review."))


@transaction.atomic
def save_draft(session, reviewer, data):
    """Save what the reviewer has written so far (the autosave). A submitted review does
    not change any more."""
    _check_reviewer(session, reviewer)
    review = _review_for(session, reviewer)
    if review.is_submitted:
        raise ReviewRefused(_("Your review is submitted: it can no longer be changed."))
    for name in PeerReview.FIELDS:
        if name in data:
            setattr(review, name, data[name])
    review.save()
    return review


@transaction.atomic
def submit_review(session, reviewer, data):
    """Submit the review, once: a second submission (a double click, another tab) changes
    nothing and returns the review as first submitted. Race-free: the review's row is locked
    while it is read and submitted."""
    _check_reviewer(session, reviewer)
    review = _review_for(session, reviewer)
    if review.is_submitted:
        return review
    for name in PeerReview.FIELDS:
        if name in data:
            setattr(review, name, data[name])
    missing = [
        name
        for name in ("strengths", "risks", "recommendations", "transferable")
        if not str(getattr(review, name)).strip()
    ]
    if missing:
        raise ReviewRefused(
            _("Fill in the strengths, risks, recommendations and whether it is transferable.")
        )
    review.submitted_at = timezone.now()
    review.save()
    return review


@transaction.atomic
def publish_report(session, *, summary, by):
    """The host's coordinator publishes the report of a peer review on the practice's page:
    their summary and every review submitted, with the reviewers credited. Publishing again
    updates the summary and takes in reviews submitted since."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.kind != Session.Kind.PEER_REVIEW or session.practice_id is None:
        raise ReviewRefused(_("Only a peer review of a practice has a report."))
    reviews = list(session.reviews.submitted())
    if not reviews:
        raise ReviewRefused(_("No review is submitted yet."))
    if not summary.strip():
        raise ReviewRefused(_("Write the summary of the review."))
    report, _created = ReviewReport.objects.get_or_create(
        session=session, defaults={"summary": summary}
    )
    report.summary = summary
    report.published_at = report.published_at or timezone.now()
    report.published_by = by
    report.save()
    report.reviews.set(reviews)
    return report
