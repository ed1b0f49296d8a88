"""Issue 21: a review submitted from two tabs at once (or a double click) is submitted
once. Fails without the row lock on the review in ``submit_review``."""

from courses.models import PeerReview
from courses.services import reviews as services
from courses.services import save_draft, submit_review
from tests.concurrency import meet_after, race_test, run_at_once
from tests.courses.practices import build_practice, peer_review
from tests.factories import ForceFactory


@race_test
def test_two_tabs_submitting_at_once_submit_once(lisbon, monkeypatch):
    session, (reviewer,) = peer_review(lisbon, build_practice(lisbon.academy), [ForceFactory()])
    save_draft(session, reviewer, {"strengths": "Draft"})
    meet_after(monkeypatch, services, "_review_for", 2)
    tabs = [
        {"strengths": f"Tab {n}", "risks": "r", "recommendations": "c", "transferable": "yes"}
        for n in (1, 2)
    ]

    answers = []

    errors = run_at_once(lambda data: answers.append(submit_review(session, reviewer, data)), tabs)

    assert errors == []
    # One submission: both tabs are answered with the review the first one submitted.
    stored = PeerReview.objects.get(session=session, reviewer=reviewer)
    assert [(a.strengths, a.submitted_at) for a in answers] == [
        (stored.strengths, stored.submitted_at)
    ] * 2
