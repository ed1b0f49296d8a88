"""Issue 21's demo data: practices in every city, a peer review with reviews from three other
cities and its report, a glossary of at least 20 terms in five languages, and a force that
approves its officers' requests first; loaded again, nothing changes."""

from io import StringIO

import pytest
from django.core.management import call_command

from academy.models import AcademyPage, Force, GlossaryTerm
from courses.models import PeerReview, PracticePage, ReviewReport


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def test_every_city_has_at_least_two_practices(demo):
    for academy in AcademyPage.objects.in_default_locale():
        assert PracticePage.objects.live().child_of(academy).count() >= 2, academy.city


def test_a_peer_review_has_reviews_from_three_other_cities_and_a_report(demo):
    report = ReviewReport.objects.published().get()
    host = report.session.academy.city
    cities = {review.reviewer.academy_profile.force.city for review in report.reviews.all()}

    assert len(cities) == 3 and host not in cities


def test_the_glossary_has_twenty_terms_in_five_languages(demo):
    terms = GlossaryTerm.objects.all()

    assert terms.count() >= 20
    assert all(len(term.equivalents()) == 5 for term in terms)


def test_a_force_requires_its_own_approval_and_has_a_training_manager(demo):
    force = Force.objects.get(requires_own_approval=True)

    assert force.training_manager_group.user_set.exists()


def test_loading_the_demo_again_adds_nothing_of_it(demo):
    before = (
        PracticePage.objects.count(),
        GlossaryTerm.objects.count(),
        PeerReview.objects.count(),
    )

    out = StringIO()
    call_command("seed_demo", stdout=out)

    after = (PracticePage.objects.count(), GlossaryTerm.objects.count(), PeerReview.objects.count())
    assert after == before
    assert "nothing changed" in out.getvalue()
