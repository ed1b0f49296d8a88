"""Coordinators' bulk import of officers, and the invitations that let them choose a password.

The accounts are the site's, of whatever user model it has (``get_user_model()``): the
address goes in its e-mail field, and in its username field when that is another one.
What the academy needs of each officer goes in their academy profile.
"""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from .mail import send_to
from .models import AcademyPage, Force, OfficerImport, Profile, default_language

# Coordinators import lists of their city's officers, not whole forces at once.
IMPORT_MAX_ROWS = 1000
IMPORT_COLUMNS = ("email", "full_name", "first_name", "last_name", "language", "participant_type")
IMPORT_REQUIRED_COLUMNS = ("email", "full_name")


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _choose_password_path(user):
    """Where an invited officer chooses a password: the site's password reset page where it
    has one (Django's ``password_reset_confirm``), Wagtail's otherwise."""
    args = [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]
    try:
        return reverse("password_reset_confirm", args=args)
    except NoReverseMatch:
        return reverse("wagtailadmin_password_reset_confirm", args=args)


def send_invitation(user):
    """Email an imported officer the link to choose their password, in their language."""
    send_to(
        user,
        "academy/email/invitation",
        {
            "action_url": lambda: _absolute(_choose_password_path(user)),
            "login_url": lambda: _absolute(resolve_url(settings.LOGIN_URL)),
        },
        subject=lambda: _("Your EU-POLNET Academy account is ready"),
    )


@task()
def send_invitations(officer_import_id, user_ids):
    """Invite the officers of one import, counting on the import how many are sent."""
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("academy_profile")
    for user in users:
        send_invitation(user)
        OfficerImport.objects.filter(pk=officer_import_id).update(
            invitations_sent=F("invitations_sent") + 1
        )


def normalize_address(address):
    """An address as the site's user model stores it (its manager's ``normalize_email``)."""
    normalize = getattr(get_user_model()._default_manager, "normalize_email", None)
    return (normalize or BaseUserManager.normalize_email)((address or "").strip())


def _taken_addresses(addresses):
    """Which of ``addresses`` (lower case) accounts already have, as address or username,
    in any case: one query."""
    user_model = get_user_model()
    fields = sorted({user_model.get_email_field_name(), user_model.USERNAME_FIELD})
    lowered = {f"lower_{field}": Lower(field) for field in fields}
    matches = Q()
    for alias in lowered:
        matches |= Q(**{f"{alias}__in": addresses})
    found = user_model._default_manager.annotate(**lowered).filter(matches)
    return {value for row in found.values_list(*lowered) for value in row if value in addresses}


def _account_to_take_over(address):
    """The account the site lets an import take over for ``address`` (a sign-up never
    confirmed, say): the ``ACADEMY_IMPORT_TAKES_OVER`` setting names a function of the
    address that returns it, or ``None``. Without the setting, no account is taken over."""
    path = getattr(settings, "ACADEMY_IMPORT_TAKES_OVER", None)
    return import_string(path)(address) if path else None


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
    listed per line. An address that has an account is refused, unless the site lets
    the import take that account over (``ACADEMY_IMPORT_TAKES_OVER``: a sign-up never
    confirmed, whose password and profile are replaced). The officers' invitations to
    choose a password are queued in one task once the import is committed; the returned
    ``OfficerImport`` counts them as they are sent.
    """
    from .forms import ImportedOfficerForm

    rows = read_officer_rows(data)
    values_of_rows = [
        (
            line,
            {
                "email": (row.get("email") or "").strip(),
                "full_name": (row.get("full_name") or "").strip(),
                "first_name": (row.get("first_name") or "").strip(),
                "last_name": (row.get("last_name") or "").strip(),
                "preferred_language": (row.get("language") or "").strip().lower()
                or default_language(),
                "participant_type": (row.get("participant_type") or "").strip().lower()
                or Profile.ParticipantType.OFFICER,
            },
        )
        for line, row in rows
    ]
    taken = _taken_addresses([values["email"].lower() for _line, values in values_of_rows])
    errors, checked, seen = [], [], {}
    for line, values in values_of_rows:
        key = values["email"].lower()
        account = _account_to_take_over(values["email"]) if key in taken else None
        form = ImportedOfficerForm(values, taken=set() if account else taken)
        messages = [] if form.is_valid() else _row_messages(form)
        if key and key in seen:
            messages.append(
                _("This email address is already on line %(line)d.") % {"line": seen[key]}
            )
        seen.setdefault(key, line)
        if messages:
            errors.append(RowError(line, values["email"], messages))
        checked.append((form, account))
    if errors:
        raise ImportRejected(errors)
    officers = [_open_account(form.cleaned_data, force, account) for form, account in checked]
    officer_import = OfficerImport.objects.create(
        imported_by=imported_by, force=force, officers=len(officers)
    )
    transaction.on_commit(lambda: send_invitations.enqueue(officer_import.pk, officers))
    return officer_import


def _open_account(data, force, account=None):
    """Save the account of one imported officer (``account`` when one is taken over) with
    no usable password, and their academy profile; return the account's key."""
    user_model = get_user_model()
    user = account or user_model()
    address = normalize_address(data["email"])
    setattr(user, user_model.get_email_field_name(), address)
    setattr(user, user_model.USERNAME_FIELD, address)
    names = {field.name for field in user_model._meta.get_fields()}
    for name in ("first_name", "last_name"):
        if name in names:
            setattr(user, name, data[name])
    user.is_active = True
    user.set_unusable_password()
    user.save()
    profile = Profile.objects.for_user(user)
    profile.full_name = data["full_name"]
    profile.force = force
    profile.participant_type = data["participant_type"]
    profile.preferred_language = data["preferred_language"]
    profile.save()
    return user.pk
