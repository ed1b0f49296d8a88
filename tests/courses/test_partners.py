"""Issue 21: partners (crime-prevention services and other partners) enrol where a session
admits them, and reports count them apart."""

import pytest

from academy.models import Profile
from courses.services import EnrolmentRefused, enrol
from tests.academy.sessions import make_session
from tests.factories import UserFactory

Type = Profile.ParticipantType


@pytest.mark.parametrize("kind", [Type.PARTNER, Type.OTHER_PARTNER])
def test_a_partner_enrols_where_the_session_admits_partners(lisbon, kind):
    session = make_session(lisbon.academy, admits_partners=True)

    assert enrol(UserFactory(participant_type=kind), session).holds_place


@pytest.mark.parametrize("kind", [Type.PARTNER, Type.OTHER_PARTNER])
def test_a_partner_is_refused_where_the_session_admits_none(lisbon, kind):
    session = make_session(lisbon.academy, admits_partners=False)

    with pytest.raises(EnrolmentRefused):
        enrol(UserFactory(participant_type=kind), session)


def test_officers_enrol_where_partners_are_not_admitted(lisbon):
    session = make_session(lisbon.academy, admits_partners=False)

    assert enrol(UserFactory(participant_type=Type.OFFICER), session).holds_place


def test_the_sessions_report_counts_partners_apart(client, lisbon, lisbon_coordinator):
    from django.urls import reverse

    session = make_session(lisbon.academy, title="Mixed day", capacity=5)
    enrol(UserFactory(participant_type=Type.OFFICER), session)
    enrol(UserFactory(participant_type=Type.PARTNER), session)
    enrol(UserFactory(participant_type=Type.OTHER_PARTNER), session)
    client.force_login(lisbon_coordinator)

    csv = b"".join(client.get(reverse("home_sessions_report") + "?export=csv")).decode()

    heading, row = csv.splitlines()[:2]
    columns = dict(zip(heading.lstrip("\ufeff").split(","), row.split(","), strict=True))
    assert columns["Officers with a place"] == "3"
    assert columns["Of whom partners"] == "2"
