"""Officers' accounts: sign-up confirmed by email, invitations, and bulk import by a coordinator.

Every email here is sent once the change is committed, in the recipient's language,
and never says to a stranger whether an address already has an account.
"""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from .models import AcademyPage, Force, User

# Coordinators import lists of their city's officers, not whole forces at once.
IMPORT_MAX_ROWS = 1000
IMPORT_COLUMNS = ("email", "full_name", "first_name", "last_name", "language", "participant_type")
IMPORT_REQUIRED_COLUMNS = ("email", "full_name")


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of the sign-up link; the account's state is part of the hash, so a link works once."""

    key_salt = "academy.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.is_active}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()

SUBJECTS = {
    "confirm": lambda: _("Confirm your EU-POLNET Academy account"),
    "already_registered": lambda: _("You already have an EU-POLNET Academy account"),
    "invitation": lambda: _("Your EU-POLNET Academy account is ready"),
}


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _account_links(user, kind):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    if kind == "confirm":
        path = reverse("account_confirm", args=[uid, email_confirmation_token.make_token(user)])
    elif kind == "invitation":
        token = default_token_generator.make_token(user)
        path = reverse("password_reset_confirm", args=[uid, token])
    else:
        path = reverse("password_reset")
    return {"action_url": _absolute(path), "login_url": _absolute(reverse("login"))}


@task()
def send_account_email(user_id, kind):
    """Email the user about their account: ``confirm``, ``already_registered`` or ``invitation``."""
    user = User.objects.get(pk=user_id)
    with translation.override(user.preferred_language):
        context = {"user": user, "kind": kind, **_account_links(user, kind)}
        message = EmailMultiAlternatives(
            subject=SUBJECTS[kind](),
            body=render_to_string("academy/email/account.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("academy/email/account.html", context), "text/html"
        )
        message.send()


def _send_on_commit(user, kind):
    transaction.on_commit(lambda: send_account_email.enqueue(user.pk, kind))


@transaction.atomic
def sign_up(*, email, password, **profile):
    """Open an account that waits for its email to be confirmed.

    If the address already has an account nothing is created; its owner gets an
    email instead (a new confirmation link while it is unconfirmed). The page says
    the same either way, so sign-up never tells who has an account.
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, is_active=False, **profile)
        except IntegrityError:  # the same address signed up a moment ago, in another request
            existing = User.objects.get(email__iexact=email)
        else:
            _send_on_commit(user, "confirm")
            return user
    _send_on_commit(existing, "confirm" if not existing.is_active else "already_registered")
    return None


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
    if user.is_active or not email_confirmation_token.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def forces_for_import(user):
    """Forces whose officers ``user`` may register: those of the cities they coordinate."""
    if user.is_superuser:
        return Force.objects.all()
    academies = AcademyPage.objects.coordinated_by(user)
    return Force.objects.filter(
        Q(city__in=academies.values("city")) | Q(academies__in=academies)
    ).distinct()


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
def import_officers(data, *, force):
    """Create the accounts listed in a CSV file for officers of ``force``: all or nothing.

    Every line is checked first; any error and nothing is created, with the errors
    listed per line. Imported officers get an invitation to choose their password.
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
        form = ImportedOfficerForm(values)
        messages = [] if form.is_valid() else _row_messages(form)
        key = values["email"].lower()
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
    created = []
    for form in forms:
        user = form.save(commit=False)
        user.force = force
        user.set_unusable_password()
        user.save()
        created.append(user)
        _send_on_commit(user, "invitation")
    return created
