"""What the learning domain holds about a person (see ``academy.personal_data``): their
enrolments and the decisions on them, attendance, progress, attempts and answers.

Erasure keeps the records, without the person (their account is pseudonymised): scores
stay for item analysis and aggregate reports, attendance for counts; the written words
(answers, comments, reasons) go."""

from django.utils.translation import gettext_lazy as _

from academy.personal_data import KEEP, Holding, RetentionRule, add_retention, register

from .models import Response

register(
    Holding(
        "courses.Enrolment",
        person="officer",
        title=_("Enrolments"),
        export=(
            "session__title",
            "session__academy__title",
            "session__starts_on",
            "state",
            "reason",
            "created_at",
            "completed_at",
        ),
        erase={"reason": ""},
        order=20,
    ),
    Holding(
        "courses.EnrolmentStateChange",
        person="enrolment__officer",
        title=_("Decisions on your enrolments"),
        export=("enrolment__session__title", "from_state", "to_state", "changed_at", "reason"),
        erase={"reason": ""},
        order=21,
    ),
    Holding("courses.EnrolmentStateChange", person="changed_by", erase={"changed_by": None}),
    Holding(
        "courses.Attendance",
        person="enrolment__officer",
        title=_("Attendance"),
        export=("enrolment__session__title", "day", "present"),
        erase=KEEP,
        order=30,
    ),
    Holding("courses.Attendance", person="marked_by", erase={"marked_by": None}),
    Holding(
        "courses.ModuleProgress",
        person="enrolment__officer",
        title=_("Module progress"),
        export=(
            "enrolment__session__title",
            "module__title",
            "started_at",
            "completed_at",
            "seconds_spent",
        ),
        erase=KEEP,
        order=40,
    ),
    Holding(
        "courses.AssessmentAttempt",
        person="officer",
        title=_("Assessment attempts"),
        export=(
            "assessment__title",
            "number",
            "state",
            "started_at",
            "submitted_at",
            "graded_at",
            "score",
            "max_score",
        ),
        erase=KEEP,
        order=50,
    ),
    Holding(
        "courses.Response",
        person="attempt__officer",
        title=_("Your answers and their grades"),
        export=(
            "attempt__assessment__title",
            "attempt__number",
            "question",
            "selected",
            "text",
            "points",
            "comment",
        ),
        erase={"text": "", "comment": ""},
        order=51,
    ),
    Holding("courses.Response", person="graded_by", erase={"graded_by": None}),
    Holding(
        "courses.Reminder",
        person="enrolment__officer",
        title=_("Reminders sent"),
        export=("enrolment__session__title", "kind", "sent_at"),
        # Kept (it names nothing): a reminder is never sent twice, even to an erased account.
        erase=KEEP,
        order=70,
    ),
)

add_retention(
    RetentionRule(
        name="written_answers",
        label=_("Written answers, after grading"),
        setting="WRITTEN_ANSWER_DAYS",
        default=365,
        due=lambda before: Response.objects.exclude(text="").filter(attempt__graded_at__lt=before),
        apply=lambda due: due.update(text=""),
    )
)

# Peer reviews (issue 21): the written parts go with the person; the reviewer's account is
# pseudonymised by the site's user model. Not yet in My data (a section of its own to come).
register(
    Holding(
        "courses.PeerReview",
        person="reviewer",
        erase={"strengths": "", "risks": "", "recommendations": "", "transferable_why": ""},
    ),
    Holding("courses.ReviewReport", person="published_by", erase={"published_by": None}),
)
