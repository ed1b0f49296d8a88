"""Officers' accounts: sign-up confirmed by email, invitations, and bulk import by a coordinator.

Every email here is sent once the change is committed, in the recipient's language,
and never says to a stranger whether an address already has an account.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from .models import AcademyPage, Force, OfficerImport, User

# Coordinators import lists of their city's officers, not whole forces at once.
IMPORT_MAX_ROWS = 1000
IMPORT_COLUMNS = ("email", "full_name", "first_name", "last_name", "language", "participant_type")
IMPORT_REQUIRED_COLUMNS = ("email", "full_name")


def confirmation_max_age():
    return datetime.timedelta(days=settings.ACCOUNT_CONFIRMATION_DAYS)


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of the sign-up link. The account's state and password hash are part of the
    hash: a link works once, and only for the sign-up that asked for it (a later sign-up
    for the same address sets a new password, and the earlier links stop working). A link
    expires after ``ACCOUNT_CONFIRMATION_DAYS``."""

    key_salt = "academy.accounts.EmailConfirmationTokenGenerator"

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
    "invitation": lambda: _("Your EU-POLNET Academy account is ready"),
    "email_change": lambda: _("Confirm your new EU-POLNET Academy email address"),
    "email_change_notice": lambda: _("Your EU-POLNET Academy email address is being changed"),
}

EMAIL_CHANGE_SALT = "academy.accounts.email_change"


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _account_links(user, kind, new_email):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    if kind == "email_change":
        path = reverse("email_change_confirm", args=[email_change_token(user, new_email)])
    elif kind == "confirm":
        path = reverse("account_confirm", args=[uid, email_confirmation_token.make_token(user)])
    elif kind == "invitation":
        token = default_token_generator.make_token(user)
        path = reverse("password_reset_confirm", args=[uid, token])
    else:
        path = reverse("password_reset")
    return {"action_url": _absolute(path), "login_url": _absolute(reverse("login"))}


def _send_account_email(user, kind, new_email=""):
    with translation.override(user.preferred_language):
        context = {
            "user": user,
            "kind": kind,
            "new_email": new_email,
            **_account_links(user, kind, new_email),
        }
        message = EmailMultiAlternatives(
            subject=SUBJECTS[kind](),
            body=render_to_string("academy/email/account.txt", context),
            to=[new_email if kind == "email_change" else user.email],
        )
        message.attach_alternative(
            render_to_string("academy/email/account.html", context), "text/html"
        )
        message.send()


@task()
def send_account_email(user_id, kind, new_email=""):
    """Email the user about their account: ``confirm``, ``already_registered``,
    ``invitation``, ``email_change`` (to ``new_email``) or ``email_change_notice``."""
    _send_account_email(User.objects.get(pk=user_id), kind, new_email)


@task()
def send_invitations(officer_import_id, user_ids):
    """Invite the officers of one import, counting on the import how many are sent."""
    for user in User.objects.filter(pk__in=user_ids):
        _send_account_email(user, "invitation")
        OfficerImport.objects.filter(pk=officer_import_id).update(
            invitations_sent=F("invitations_sent") + 1
        )


def _send_on_commit(user, kind, new_email=""):
    transaction.on_commit(lambda: send_account_email.enqueue(user.pk, kind, new_email))


@transaction.atomic
def sign_up(*, email, password, **profile):
    """Open an account that waits for its email to be confirmed.

    An address whose account was never confirmed belongs to nobody yet: the new
    sign-up replaces its password and profile (and the earlier links stop working),
    so whoever signed up first cannot keep the account once its owner confirms.
    An address with a confirmed account changes nothing; its owner gets an email.
    Both branches hash the password and queue one email, so the page says the same
    in the same time either way, and never tells who has an account.
    """
    email = User.objects.normalize_email(email)
    password_hash = make_password(password)
    existing = User.objects.select_for_update().filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User(email=email, password=password_hash, **profile)
                user.is_active, user.awaiting_confirmation = False, True
                user.save()
        except IntegrityError:  # the same address signed up a moment ago, in another request
            existing = User.objects.select_for_update().get(email=email)
        else:
            _send_on_commit(user, "confirm")
            return user
    if not existing.awaiting_confirmation:
        _send_on_commit(existing, "already_registered")
        return None
    existing.password = password_hash
    for name, value in profile.items():
        setattr(existing, name, value)
    existing.save()
    _send_on_commit(existing, "confirm")
    return existing


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


def forces_for_import(user):
    """Forces whose officers ``user`` may register: the host forces of the academies they
    coordinate, tied by key (a city's name is text its coordinator can edit)."""
    if user.is_superuser:
        return Force.objects.all()
    academies = AcademyPage.objects.coordinated_by(user)
    return Force.objects.filter(academies__in=academies).distinct()


@dataclass
class RowError:
    line: int
    email: str
    messages: list


class ImportRejected(Exception):
    """The file has errors: nothing was imported. ``errors`` lists them per line."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def read_officer_rows(data):
    """The rows of an uploaded CSV (bytes) as dicts; ``ImportRejected`` if it cannot be read.

    Spreadsheets save CSV with commas or semicolons (depending on the language of the
    computer) and often with a byte-order mark: both are accepted.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [RowError(0, "", [_("Save the file as “CSV UTF-8” and upload it again.")])]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        return _rows_of(reader)
    except csv.Error:
        # Python's reader refuses fields over 128 KiB (and stray NUL bytes): a damaged file.
        raise ImportRejected(
            [
                RowError(
                    reader.line_num,
                    "",
                    [_("This line cannot be read: a field is too long, or the file is damaged.")],
                )
            ]
        ) from None


def _rows_of(reader):
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in IMPORT_REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    1,
                    "",
                    [
                        _("The first line must name the columns; missing: %(columns)s.")
                        % {"columns": ", ".join(missing)}
                    ],
                )
            ]
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # blank lines at the end of a spreadsheet
        rows.append((reader.line_num, row))
        if len(rows) > IMPORT_MAX_ROWS:
            raise ImportRejected(
                [
                    RowError(
                        reader.line_num,
                        "",
                        [
                            _("A file may hold at most %(count)d officers; split it.")
                            % {"count": IMPORT_MAX_ROWS}
                        ],
                    )
                ]
            )
    if not rows:
        raise ImportRejected([RowError(2, "", [_("The file has no officers under its header.")])])
    return rows


def _row_messages(form):
    """A line's errors, each named by its column as the coordinator knows it."""
    return [
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]


@transaction.atomic
def import_officers(data, *, force, imported_by=None):
    """Open the accounts listed in a CSV file for officers of ``force``: all or nothing.

    Every line is checked first; any error and nothing is created, with the errors
    listed per line. An address with a sign-up never confirmed is taken over (its
    password and profile replaced), one with a confirmed account is refused. The
    officers' invitations to choose a password are queued in one task once the import
    is committed; the returned ``OfficerImport`` counts them as they are sent.
    """
    from .forms import ImportedOfficerForm

    errors, forms, seen = [], [], {}
    for line, row in read_officer_rows(data):
        values = {
            "email": (row.get("email") or "").strip(),
            "full_name": (row.get("full_name") or "").strip(),
            "first_name": (row.get("first_name") or "").strip(),
            "last_name": (row.get("last_name") or "").strip(),
            "preferred_language": (row.get("language") or "").strip().lower() or "en",
            "participant_type": (row.get("participant_type") or "").strip().lower()
            or User.ParticipantType.OFFICER,
        }
        unconfirmed = (
            User.objects.awaiting_confirmation()
            .filter(email=User.objects.normalize_email(values["email"]))
            .first()
        )
        form = ImportedOfficerForm(values, instance=unconfirmed)
        messages = [] if form.is_valid() else _row_messages(form)
        key = User.objects.normalize_email(values["email"])
        if key and key in seen:
            messages.append(
                _("This email address is already on line %(line)d.") % {"line": seen[key]}
            )
        seen.setdefault(key, line)
        if messages:
            errors.append(RowError(line, values["email"], messages))
        forms.append(form)
    if errors:
        raise ImportRejected(errors)
    officers = []
    for form in forms:
        user = form.save(commit=False)
        user.force = force
        user.is_active, user.awaiting_confirmation = True, False
        user.set_unusable_password()
        user.save()
        officers.append(user.pk)
    officer_import = OfficerImport.objects.create(
        imported_by=imported_by, force=force, officers=len(officers)
    )
    transaction.on_commit(lambda: send_invitations.enqueue(officer_import.pk, officers))
    return officer_import
