"""Events of the academy that other apps listen to (certificates react to completions)."""

from django.dispatch import Signal

# Sent after commit when an enrolment becomes completed; argument: ``enrolment``.
enrolment_completed = Signal()

# Sent after commit when a trainer changes an officer's attendance; argument: ``enrolment``.
attendance_marked = Signal()
