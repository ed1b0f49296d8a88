"""Writes of the learning domain, each in a transaction: enrolment, progress, attempts, copying.

Reads are in ``courses.queries``.
"""

from .attempts import (
    AttemptRefused,
    StaleAnswers,
    answers_from_form,
    choice_points,
    close_overdue_attempts,
    grade_response,
    save_answers,
    start_attempt,
    submit_attempt,
)
from .enrolment import (
    CALENDAR_FIELDS,
    NOT_EDITED,
    EnrolmentRefused,
    cancel_session,
    complete,
    decide,
    decide_many,
    enrol,
    evaluate_completion,
    mark_attendance,
    promote_waitlist,
    update_session,
    withdraw,
)
from .progress import (
    HEARTBEAT_CAP,
    HEARTBEAT_INTERVAL,
    complete_module,
    copy_course_to_academy,
    record_heartbeat,
    record_visit,
    remind_modules_left,
)

__all__ = [
    "CALENDAR_FIELDS",
    "HEARTBEAT_CAP",
    "HEARTBEAT_INTERVAL",
    "NOT_EDITED",
    "AttemptRefused",
    "EnrolmentRefused",
    "StaleAnswers",
    "answers_from_form",
    "cancel_session",
    "choice_points",
    "close_overdue_attempts",
    "complete",
    "complete_module",
    "copy_course_to_academy",
    "decide",
    "decide_many",
    "enrol",
    "evaluate_completion",
    "grade_response",
    "mark_attendance",
    "promote_waitlist",
    "record_heartbeat",
    "record_visit",
    "remind_modules_left",
    "save_answers",
    "start_attempt",
    "submit_attempt",
    "update_session",
    "withdraw",
]
