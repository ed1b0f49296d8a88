"""Building sessions for tests."""

import datetime

from django.utils import timezone

from courses.models import Session


def make_session(academy, capacity=2, approval_required=False, days_ahead=30, length=1, **fields):
    starts_on = timezone.localdate() + datetime.timedelta(days=days_ahead)
    fields.setdefault(
        "kind", Session.Kind.EXCHANGE_DAY if "course" not in fields else Session.Kind.COURSE
    )
    return Session.objects.create(
        academy=academy,
        title=fields.pop("title", "Exchange Day on community policing"),
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=length - 1),
        capacity=capacity,
        approval_required=approval_required,
        **fields,
    )
