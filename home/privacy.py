"""What the network's site holds about a person (see ``academy.personal_data``): the
account itself and django-axes' sign-in records (which name the person by their address).

The account is pseudonymised rather than deleted: the learning records it keys (scores,
attendance) stay for aggregate reports, without the person. It can no longer sign in."""

from functools import partial

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.data_requests import erase_accounts
from academy.models import ErasureRequest
from academy.personal_data import (
    DELETE,
    Holding,
    RetentionRule,
    add_retention,
    not_personal,
    register,
)

from .models import User

ERASED_DOMAIN = "erased.invalid"


def pseudonymise(rows, users):
    User.groups.through.objects.filter(user__in=users).delete()
    User.user_permissions.through.objects.filter(user__in=users).delete()
    rows.update(
        email=Concat(
            Value("erased-"),
            Cast("pk", CharField()),
            Value(f"@{ERASED_DOMAIN}"),
            output_field=CharField(),
        ),
        first_name="",
        last_name="",
        # An unusable password (Django's own marker): the account can no longer sign in.
        password=UNUSABLE_PASSWORD_PREFIX + "erased",
        is_active=False,
        is_staff=False,
        is_superuser=False,
        awaiting_confirmation=False,
    )


def sign_in_records(model):
    def rows(users):
        return model.objects.filter(username__in=users.values("email"))

    return rows


register(
    Holding(
        "home.User",
        rows=lambda users: users,
        title=_("Account"),
        export=("email", "first_name", "last_name", "date_joined", "last_login"),
        erase=pseudonymise,
        # Last: the other records find the person's rows by their address first.
        order=1000,
    ),
    Holding(
        "axes.AccessLog",
        rows=sign_in_records(AccessLog),
        title=_("Sign-ins"),
        export=("attempt_time", "ip_address", "user_agent", "logout_time"),
        order=90,
    ),
    Holding(
        "axes.AccessFailureLog",
        rows=sign_in_records(AccessFailureLog),
        title=_("Failed sign-ins"),
        export=("attempt_time", "ip_address", "user_agent", "locked_out"),
        order=91,
    ),
    Holding(
        "axes.AccessAttempt",
        rows=sign_in_records(AccessAttempt),
        erase=DELETE,
        order=92,
    ),
)
# Axes' expiry rows key an attempt, which goes with the person's attempts.
not_personal("axes.AccessAttemptExpiration", "keys an AccessAttempt, erased with it")


def unconfirmed(before):
    return User.objects.awaiting_confirmation().filter(
        date_joined__lt=before, enrolments__isnull=True
    )


def inactive(before):
    """Officers' accounts not signed in to since ``before`` (never: opened before it), not
    erased yet. Staff accounts are the cities' to close."""
    erased = ErasureRequest.objects.filter(person=OuterRef("pk"), state=ErasureRequest.State.ERASED)
    return User.objects.filter(
        Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before),
        is_staff=False,
        is_superuser=False,
        awaiting_confirmation=False,
        groups__isnull=True,
    ).exclude(Exists(erased))


add_retention(
    RetentionRule(
        name="unconfirmed_accounts",
        label=_("Accounts never confirmed"),
        setting="UNCONFIRMED_ACCOUNT_DAYS",
        default=14,
        due=unconfirmed,
    )
)
add_retention(
    RetentionRule(
        name="inactive_accounts",
        label=_("Accounts not used (erased)"),
        setting="INACTIVE_ACCOUNT_DAYS",
        default=3 * 365,
        due=inactive,
        apply=lambda due: erase_accounts(due, by=None, at=timezone.now()),
    )
)


def attempted_before(model, before):
    """django-axes' records of ``model`` older than ``before``."""
    return model.objects.filter(attempt_time__lt=before)


for name, label, setting, default, model in [
    ("sign_in_failures", _("Failed sign-ins"), "SIGN_IN_FAILURE_DAYS", 90, AccessFailureLog),
    ("sign_in_attempts", _("Sign-in lockout counters"), "SIGN_IN_FAILURE_DAYS", 90, AccessAttempt),
    ("sign_ins", _("Record of sign-ins"), "SIGN_IN_RECORD_DAYS", 365, AccessLog),
]:
    add_retention(
        RetentionRule(
            name=name,
            label=label,
            setting=setting,
            default=default,
            due=partial(attempted_before, model),
        )
    )
