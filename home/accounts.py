"""Accounts of the network's site, which signs in by e-mail address: sign-up confirmed by
e-mail, changes of address confirmed by e-mail, and the purge of sign-ups never confirmed.

Every email here is sent once the change is committed, in the recipient's language,
and never says to a stranger whether an address already has an account.
"""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from academy.mail import send_to
from academy.models import Profile, language_of

from .models import User


def confirmation_max_age():
    return datetime.timedelta(days=settings.ACCOUNT_CONFIRMATION_DAYS)


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of the sign-up link. The account's state and password hash are part of the
    hash: a link works once, and only for the sign-up that asked for it (a later sign-up
    for the same address sets a new password, and the earlier links stop working). A link
    expires after ``ACCOUNT_CONFIRMATION_DAYS``."""

    key_salt = "home.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return (
            f"{user.pk}{user.password}{user.email}{user.is_active}"
            f"{user.awaiting_confirmation}{timestamp}"
        )

    def check_token(self, user, token):
        # Django's own check ages tokens by PASSWORD_RESET_TIMEOUT; these have their own.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= confirmation_max_age().total_seconds()


email_confirmation_token = EmailConfirmationTokenGenerator()

SUBJECTS = {
    "confirm": lambda: _("Confirm your EU-POLNET Academy account"),
    "already_registered": lambda: _("You already have an EU-POLNET Academy account"),
    "email_change": lambda: _("Confirm your new EU-POLNET Academy email address"),
    "email_change_notice": lambda: _("Your EU-POLNET Academy email address is being changed"),
}

EMAIL_CHANGE_SALT = "home.accounts.email_change"


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _account_links(user, kind, new_email):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    if kind == "email_change":
        path = reverse("email_change_confirm", args=[email_change_token(user, new_email)])
    elif kind == "confirm":
        path = reverse("account_confirm", args=[uid, email_confirmation_token.make_token(user)])
    else:
        path = reverse("password_reset")
    return {"action_url": _absolute(path), "login_url": _absolute(reverse("login"))}


@task()
def send_account_email(user_id, kind, new_email=""):
    """Email the user about their account: ``confirm``, ``already_registered``,
    ``email_change`` (to ``new_email``) or ``email_change_notice``."""
    user = User.objects.select_related("academy_profile").get(pk=user_id)
    # The links lead to pages in the recipient's language.
    with translation.override(language_of(user)):
        links = _account_links(user, kind, new_email)
    send_to(
        user,
        "home/email/account",
        {"kind": kind, "new_email": new_email, **links},
        subject=SUBJECTS[kind],
        to=[new_email] if kind == "email_change" else None,
    )


def _send_on_commit(user, kind, new_email=""):
    transaction.on_commit(lambda: send_account_email.enqueue(user.pk, kind, new_email))


@transaction.atomic
def sign_up(*, email, password, names=None, profile=None):
    """Open an account that waits for its email to be confirmed.

    An address whose account was never confirmed belongs to nobody yet: the new
    sign-up replaces its password and profile (and the earlier links stop working),
    so whoever signed up first cannot keep the account once its owner confirms.
    An address with a confirmed account changes nothing; its owner gets an email.
    Both branches hash the password and queue one email, so the page says the same
    in the same time either way, and never tells who has an account.
    ``names`` are the account's (given and family names), ``profile`` the academy's.
    """
    names, profile = names or {}, profile or {}
    email = User.objects.normalize_email(email)
    password_hash = make_password(password)
    existing = User.objects.select_for_update().filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User(email=email, password=password_hash, **names)
                user.is_active, user.awaiting_confirmation = False, True
                user.save()
                _set_profile(user, profile)
        except IntegrityError:  # the same address signed up a moment ago, in another request
            existing = User.objects.select_for_update().get(email=email)
        else:
            _send_on_commit(user, "confirm")
            return user
    if not existing.awaiting_confirmation:
        _send_on_commit(existing, "already_registered")
        return None
    existing.password = password_hash
    for name, value in names.items():
        setattr(existing, name, value)
    existing.save()
    _set_profile(existing, profile)
    _send_on_commit(existing, "confirm")
    return existing


def _set_profile(user, values):
    profile = Profile.objects.for_user(user)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()


def user_from_link(uidb64):
    try:
        return User.objects.get(pk=int(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError, User.DoesNotExist):
        return None


@transaction.atomic
def confirm_email(uidb64, token):
    """Activate the account of a sign-up link; ``None`` when the link is wrong or expired.

    A second click on a used link finds the account active and the token stale:
    it returns ``None`` too, and the view says the account is already confirmed.
    """
    user = user_from_link(uidb64)
    if user is None:
        return None
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.awaiting_confirmation or not email_confirmation_token.check_token(user, token):
        return None
    user.is_active, user.awaiting_confirmation = True, False
    user.save(update_fields=["is_active", "awaiting_confirmation"])
    return user


def purge_unconfirmed_accounts(*, older_than):
    """Delete the sign-ups never confirmed and opened before ``older_than``; return how
    many. Accounts that somehow hold records (enrolments, certificates) are kept."""
    purged = 0
    stale = User.objects.awaiting_confirmation().filter(date_joined__lt=older_than)
    for user in stale.filter(enrolments__isnull=True).iterator():
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            continue
        purged += 1
    return purged


def email_change_token(user, new_email):
    """The signed value of the link that confirms ``new_email`` for ``user``. It names the
    address it replaces, so it stops working once the address has changed anyway."""
    return signing.dumps(
        {"user": user.pk, "from": user.email, "to": new_email}, salt=EMAIL_CHANGE_SALT
    )


def request_email_change(user, new_email):
    """Ask ``user`` to confirm ``new_email`` before it replaces their address: the link goes
    to the new address, and the current one gets a notice."""
    _send_on_commit(user, "email_change", new_email)
    _send_on_commit(user, "email_change_notice", new_email)


class EmailChangeRefused(Exception):
    """The link is wrong, expired or stale, or the new address was taken meanwhile."""


def pending_email_change(token):
    """The user and the new address of an email-change link; ``EmailChangeRefused`` if the
    link does not hold (any more)."""
    try:
        change = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=confirmation_max_age().total_seconds()
        )
    except signing.BadSignature:
        raise EmailChangeRefused from None
    user = User.objects.filter(pk=change["user"], email=change["from"]).first()
    if user is None:
        raise EmailChangeRefused
    return user, change["to"]


@transaction.atomic
def confirm_email_change(token):
    """Give the account of an email-change link its new address; return the user."""
    pending, new_email = pending_email_change(token)
    user = User.objects.select_for_update().get(pk=pending.pk)
    # The link's address is checked again under the lock: of two links confirmed at once,
    # the second finds the address already changed.
    if user.email != pending.email:
        raise EmailChangeRefused
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailChangeRefused
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:  # taken a moment ago, in another request
        raise EmailChangeRefused from None
    return user


def unconfirmed_sign_up(email):
    """The account of a sign-up never confirmed for ``email``, which a coordinator's import
    takes over (the ``ACADEMY_IMPORT_TAKES_OVER`` setting names this function): confirmed
    as it is saved, so the sign-up's link stops working; ``None`` if there is none."""
    user = User.objects.awaiting_confirmation().filter(email=User.objects.normalize_email(email))
    user = user.first()
    if user is not None:
        user.is_active, user.awaiting_confirmation = True, False
    return user
