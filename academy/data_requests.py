"""Writes about people's personal data (the services of ``academy.personal_data``): an
officer's request for erasure, a network admin's decision on it, the erasure itself, and
the record of staff who looked at an officer's data."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import AcademyPage, DataAccess, ErasureRequest, name_on_certificates
from .personal_data import erase_people


class ErasureRefused(Exception):
    """The erasure request cannot take this step (already decided)."""


@transaction.atomic
def request_erasure(user):
    """Record ``user``'s request to be erased, once: a second request while one waits
    returns the waiting one."""
    waiting = ErasureRequest.objects.filter(person=user, state=ErasureRequest.State.REQUESTED)
    existing = waiting.select_for_update().first()
    if existing is not None:
        return existing
    return ErasureRequest.objects.create(
        person=user, person_label=f"{name_on_certificates(user)} <{user.get_username()}>"
    )


def _locked(erasure_request):
    locked = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
    if locked.state != ErasureRequest.State.REQUESTED:
        raise ErasureRefused(locked.get_state_display())
    return locked


@transaction.atomic
def erase_accounts(users, *, by, at):
    """Erase or pseudonymise everything the site holds about ``users`` (a queryset), as
    every app declares (``academy.personal_data``), and mark their waiting requests as
    done; accounts erased without a request (retention) get one saying so. Returns how
    many accounts."""
    ids = list(users.values_list("pk", flat=True))
    people = get_user_model()._default_manager.filter(pk__in=ids)
    asked = set(
        ErasureRequest.objects.filter(
            person__in=ids, state=ErasureRequest.State.REQUESTED
        ).values_list("person_id", flat=True)
    )
    ErasureRequest.objects.bulk_create(
        ErasureRequest(person_id=pk, person_label="") for pk in ids if pk not in asked
    )
    erase_people(people)
    ErasureRequest.objects.filter(person__in=ids, state=ErasureRequest.State.REQUESTED).update(
        state=ErasureRequest.State.ERASED, decided_at=at, decided_by=by, person_label=""
    )
    return len(ids)


@transaction.atomic
def confirm_erasure(erasure_request, *, by):
    """A network admin confirms ``erasure_request``: the person is erased at once."""
    locked = _locked(erasure_request)
    people = get_user_model()._default_manager.filter(pk=locked.person_id)
    erase_accounts(people, by=by, at=timezone.now())
    locked.refresh_from_db()
    return locked


@transaction.atomic
def decline_erasure(erasure_request, *, by):
    """A network admin declines ``erasure_request`` (e.g. a legal obligation to keep)."""
    locked = _locked(erasure_request)
    locked.state, locked.decided_at, locked.decided_by = (
        ErasureRequest.State.DECLINED,
        timezone.now(),
        by,
    )
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    return locked


def record_access(staff, officers, *, what, purpose=DataAccess.Purpose.VIEW, academy=None):
    """Record that ``staff`` looked at (or exported) the personal data of ``officers`` (a
    user, an iterable of users or of their ids, or of ``(officer id, academy id)`` pairs
    when they come from several academies) in ``academy``: one row each, in one query."""
    if not getattr(staff, "is_authenticated", False):
        return
    academy_id = academy.pk if isinstance(academy, AcademyPage) else academy
    if isinstance(officers, get_user_model()):
        officers = [officers]
    seen = set()
    for officer in officers:
        pk, where = officer if isinstance(officer, tuple) else (officer, academy_id)
        seen.add((getattr(pk, "pk", pk), where))
    DataAccess.objects.bulk_create(
        DataAccess(officer_id=pk, staff=staff, academy_id=where, what=what[:100], purpose=purpose)
        for pk, where in sorted(seen, key=str)
        # Looking at one's own record is no one else's business.
        if pk != staff.pk
    )
