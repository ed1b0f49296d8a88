"""The learning domain: course pages, sessions and enrolment, progress and attempts."""

from .pages import (
    COVER_FILTER,
    AssessmentPage,
    Choice,
    CoursePage,
    CoursePageQuerySet,
    ModulePage,
    PoolDraw,
    Question,
    Theme,
    attach_academies,
    learning_context,
)
from .records import AssessmentAttempt, AttemptQuerySet, ModuleProgress, Response
from .sessions import (
    Attendance,
    Enrolment,
    EnrolmentQuerySet,
    Reminder,
    Session,
    SessionDays,
    SessionQuerySet,
    session_max_days,
)

__all__ = [
    "COVER_FILTER",
    "AssessmentAttempt",
    "AssessmentPage",
    "Attendance",
    "AttemptQuerySet",
    "Choice",
    "CoursePage",
    "CoursePageQuerySet",
    "Enrolment",
    "EnrolmentQuerySet",
    "ModulePage",
    "ModuleProgress",
    "PoolDraw",
    "Question",
    "Reminder",
    "Response",
    "Session",
    "SessionDays",
    "SessionQuerySet",
    "Theme",
    "attach_academies",
    "learning_context",
    "session_max_days",
]
