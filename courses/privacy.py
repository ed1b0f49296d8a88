"""What the learning domain holds about a person (see ``academy.personal_data``): their
enrolments and the decisions on them, attendance, progress, attempts and answers.

Erasure keeps the records, without the person (their account is pseudonymised): scores
stay for item analysis and aggregate reports, attendance for counts; the written words
(answers, comments, reasons) go."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from academy.personal_data import KEEP, Holding, RetentionRule, add_retention, register

from .models import Response, Statement

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


def package_rows(rows):
    """What SCORM or H5P content reported of the person, in their language."""
    return [
        {
            gettext("Package"): row.package.title,
            gettext("Part"): row.sco,
            gettext("Completion"): row.get_completion_status_display(),
            gettext("Result"): row.get_success_status_display(),
            gettext("Score"): row.score_raw,
            gettext("Minutes spent"): row.seconds_spent // 60,
            gettext("Last reported"): row.updated_at,
        }
        for row in rows.select_related("package").order_by("pk")
    ]


def statements_of(users):
    """The xAPI statements about ``users``: they name them only by their pseudonymous
    account, which the site alone can compute."""
    from .xapi import actor

    names = [actor(user)["account"]["name"] for user in users]
    return Statement.objects.filter(payload__actor__account__name__in=names)


def erase_statements(rows):
    """Nothing of an erased person is sent any more (their pending statements go), and what
    the LRS already holds is voided there: a voiding statement each, queued and sent like
    any other, by the site's account."""
    from .xapi import void

    void(rows.filter(state=Statement.State.SENT).values_list("statement_id", flat=True))
    rows.delete()


def _activity_name(activity):
    names = activity.get("definition", {}).get("name", {})
    return next(iter(names.values()), activity.get("id", ""))


def statement_rows(rows):
    return [
        {
            gettext("Made on"): row.created_at,
            gettext("Event"): row.payload["verb"]["id"].rsplit("/", 1)[-1],
            gettext("Activity"): _activity_name(row.payload["object"]),
            gettext("Sent to the network's learning record store"): row.get_state_display(),
        }
        for row in rows.order_by("pk")
    ]


register(
    Holding(
        "courses.PeerReview",
        person="reviewer",
        title=_("Your peer reviews"),
        export=(
            "session__title",
            "strengths",
            "risks",
            "recommendations",
            "transferable",
            "transferable_why",
            "submitted_at",
        ),
        # The written parts go with the person; the review (its session, whether the practice
        # transfers) stays for the report, from a pseudonymised account.
        erase={"strengths": "", "risks": "", "recommendations": "", "transferable_why": ""},
        order=55,
    ),
    Holding("courses.ReviewReport", person="published_by", erase={"published_by": None}),
    Holding(
        "courses.PackageTracking",
        person="enrolment__officer",
        title=_("SCORM and H5P content"),
        export=package_rows,
        # What the content saved of itself (bookmark, free answers) goes; the outcome stays,
        # as module progress does.
        erase={"suspend_data": "", "location": ""},
        order=45,
    ),
    Holding(
        "courses.Statement",
        rows=statements_of,
        title=_("Learning records for the network's LRS"),
        export=statement_rows,
        erase=lambda rows, users: erase_statements(rows),
        order=75,
    ),
)
