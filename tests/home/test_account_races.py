"""Accounts under concurrent requests."""

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from home.accounts import (
    EmailChangeRefused,
    confirm_email,
    confirm_email_change,
    email_change_token,
    email_confirmation_token,
    sign_up,
)
from home.models import User
from tests.concurrency import meeting_before_saving, race_test, run_at_once
from tests.factories import ForceFactory, UserFactory

EMAIL = "ana.silva@policia.example"
OWNERS = "the owner's own long passphrase"


@race_test
def test_a_confirmation_link_posted_twice_at_once_confirms_and_signs_in_once(db):
    """Fails without the row lock on the user in confirm_email: both requests find the
    account unconfirmed and the link valid, so the one link signs in two browsers."""
    user = UserFactory(is_active=False, awaiting_confirmation=True)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    confirmed = []

    with meeting_before_saving(User, 2):
        errors = run_at_once(lambda _n: confirmed.append(confirm_email(uid, token)), range(2))

    assert errors == []
    assert [confirmed_user.pk for confirmed_user in confirmed if confirmed_user] == [user.pk]


@race_test
def test_a_sign_up_racing_the_owners_confirmation_never_takes_the_account(db):
    """Fails without the row lock on the unconfirmed account in sign_up: the second sign-up
    (someone else, with a password of their own) reads the account unconfirmed while its
    owner confirms it, then saves over the confirmation: the owner is signed in, and the
    account is left unconfirmed with the other person's password, for their own link."""
    force = ForceFactory()
    owner = sign_up(
        email=EMAIL, password=OWNERS, profile={"full_name": "Ana Silva", "force": force}
    )
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = email_confirmation_token.make_token(owner)
    confirmed = []

    def act(who):
        if who == "owner":
            confirmed.append(confirm_email(uid, token))
        else:
            sign_up(
                email=EMAIL,
                password="someone else's password",
                profile={"full_name": "X", "force": force},
            )

    with meeting_before_saving(User, 2):
        errors = run_at_once(act, ["owner", "someone else"])

    assert errors == []
    account = User.objects.get(email=EMAIL)
    if confirmed[0] is not None:
        assert account.is_active and account.check_password(OWNERS)
    else:
        assert not account.is_active


@race_test
def test_two_address_change_links_confirmed_at_once_change_the_address_once(db):
    """Fails without the row lock on the user in confirm_email_change, read again under it:
    both links name the address they replace and both find it still current, so both
    changes are made and the account ends with whichever was saved last."""
    user = UserFactory(email="ana@policia.example")
    tokens = [email_change_token(user, f"ana.{n}@policia.example") for n in (1, 2)]

    with meeting_before_saving(User, 2):
        errors = run_at_once(confirm_email_change, tokens)

    assert [type(error) for error in errors] == [EmailChangeRefused]
