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
