"""Accounts under concurrent requests."""

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from academy.accounts import confirm_email, email_confirmation_token
from academy.models import User
from tests.concurrency import meeting_before_saving, race_test, run_at_once
from tests.factories import UserFactory


@race_test
def test_a_confirmation_link_posted_twice_at_once_confirms_and_signs_in_once(db):
    """Fails without the row lock on the user in confirm_email: both requests find the
    account unconfirmed and the link valid, so the one link signs in two browsers."""
    user = UserFactory(is_active=False)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    confirmed = []

    with meeting_before_saving(User, 2):
        errors = run_at_once(lambda _n: confirmed.append(confirm_email(uid, token)), range(2))

    assert errors == []
    assert [confirmed_user.pk for confirmed_user in confirmed if confirmed_user] == [user.pk]
