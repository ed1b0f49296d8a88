"""Build promising practices and peer reviews the way the demo and the admin do, for tests."""

from academy.services import publish_under
from courses.models import PracticePage, Session
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.factories import UserFactory


def build_practice(academy, title="Neighbourhood safety walks", **fields):
    return publish_under(
        academy,
        PracticePage(
            title=title,
            summary=fields.pop("summary", "Residents and officers walk the streets together."),
            problem=fields.pop("problem", "<p>Residents did not report small problems.</p>"),
            approach=fields.pop("approach", "<p>Monthly walks with residents.</p>"),
            results=fields.pop("results", "<p>Reports rose by a third.</p>"),
            **fields,
        ),
    )


def peer_review(host, practice, reviewer_forces, **fields):
    """A peer-review session of ``practice`` at ``host`` (an onboarding), with one enrolled
    reviewer of each of ``reviewer_forces``. Returns the session and the reviewers."""
    fields.setdefault("capacity", 10)
    session = make_session(
        host.academy,
        kind=Session.Kind.PEER_REVIEW,
        practice=practice,
        title=fields.pop("title", "Peer review of the safety walks"),
        **fields,
    )
    reviewers = []
    for force in reviewer_forces:
        reviewer = UserFactory(force=force)
        enrol(reviewer, session)
        reviewers.append(reviewer)
    return session, reviewers
