"""Events of the learning domain that other apps listen to (certificates react to completions)."""

from django.dispatch import Signal

# Sent once per completion, after the transaction that completed the enrolment commits
# (by ``Enrolment.set_state``); argument: ``enrolment``.
enrolment_completed = Signal()
