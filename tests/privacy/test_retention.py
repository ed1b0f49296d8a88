"""Retention: `manage.py apply_retention` removes what is kept past its period, once, at a
cost that does not grow with the number of records."""

import io

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from academy.models import ErasureRequest, SentEmail
from courses.models import Response

from .conftest import build_record, days_ago

User = get_user_model()


def age(model, days, **lookup):
    """Make the matching rows ``days`` old (auto_now_add fields cannot be set on create)."""
    field = {
        SentEmail: "sent_at",
        AccessLog: "attempt_time",
        AccessFailureLog: "attempt_time",
        AccessAttempt: "attempt_time",
    }[model]
    model.objects.filter(**lookup).update(**{field: days_ago(days)})


def old_records(size, marker):
    """``size`` of each kind of record past its period (and one of each within it)."""
    for number in range(size):
        User.objects.create_user(
            email=f"{marker}-unconfirmed-{number}@police.example",
            is_active=False,
            awaiting_confirmation=True,
            date_joined=days_ago(30),
        )
        User.objects.create_user(
            email=f"{marker}-inactive-{number}@police.example",
            first_name="Idle",
            last_login=days_ago(4 * 365),
        )
        recipient = User.objects.create_user(email=f"{marker}-mail-{number}@police.example")
        SentEmail.objects.create(recipient=recipient, template="x", subject="Old news")
        for model in (AccessLog, AccessFailureLog):
            model.objects.create(
                username=f"{marker}-{number}@police.example", user_agent="t", path_info="/"
            )
        AccessAttempt.objects.create(
            username=f"{marker}-{number}@police.example",
            user_agent="t",
            path_info="/",
            get_data="",
            post_data="",
            failures_since_start=1,
        )
    age(SentEmail, 400, recipient__email__startswith=marker)
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        age(model, 400, username__startswith=marker)


def remaining(marker):
    return {
        "unconfirmed": User.objects.filter(email__startswith=f"{marker}-unconfirmed").count(),
        "inactive": User.objects.filter(email__startswith=f"{marker}-inactive").count(),
        "emails": SentEmail.objects.filter(recipient__email__startswith=marker).count(),
        "sign_ins": AccessLog.objects.filter(username__startswith=marker).count(),
        "failures": AccessFailureLog.objects.filter(username__startswith=marker).count(),
    }


def run(*args):
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_retention_removes_what_is_past_its_period_and_reports_it(db):
    old_records(2, "old")
    User.objects.create_user(email="recent@police.example", last_login=timezone.now())

    report = run()

    assert "unconfirmed_accounts: removed 2" in report
    assert "inactive_accounts: removed 2" in report
    assert "email_log: removed 2" in report
    assert "sign_in_failures: removed 2" in report and "sign_ins: removed 2" in report
    assert remaining("old") == {
        "unconfirmed": 0,
        "inactive": 0,  # erased: pseudonymised, no longer found by their address
        "emails": 0,
        "sign_ins": 0,
        "failures": 0,
    }
    assert User.objects.filter(email="recent@police.example", is_active=True).exists()
    erased = ErasureRequest.objects.filter(state=ErasureRequest.State.ERASED)
    assert erased.count() == 2


def test_retention_is_idempotent(db):
    old_records(2, "old")
    run()

    again = run()

    assert all(" removed 0 " in line for line in again.splitlines()), again


def test_a_dry_run_removes_nothing(db):
    old_records(2, "old")

    report = run("--dry-run")

    assert "unconfirmed_accounts: would remove 2" in report
    assert remaining("old")["unconfirmed"] == 2 and remaining("old")["emails"] == 2


def test_written_answers_go_a_period_after_grading_scores_stay(
    client, lisbon, lisbon_trainer, lisbon_coordinator, settings
):
    record = build_record(lisbon, lisbon_trainer, lisbon_coordinator)
    response = Response.objects.get(attempt=record["attempt"], question=0)
    settings.WRITTEN_ANSWER_DAYS = 30
    type(record["attempt"]).objects.filter(pk=record["attempt"].pk).update(graded_at=days_ago(31))

    report = run()

    response.refresh_from_db()
    assert "written_answers: removed 1" in report
    assert response.text == "" and response.points is not None


def test_retention_costs_the_same_queries_for_few_or_many_records(
    db, django_assert_max_num_queries, django_assert_num_queries
):
    # About one query per declared holding (erasing inactive accounts), whatever the size.
    ContentType.objects.get_for_model(User)  # cached for the process, whatever the size
    old_records(2, "few")
    with django_assert_max_num_queries(130) as few:
        run()
    old_records(12, "many")

    with django_assert_num_queries(len(few.captured_queries)):
        run()

    assert remaining("many") == dict.fromkeys(remaining("many"), 0)


def test_network_admins_see_what_will_go_when(client, network_admin):
    old_records(2, "old")
    client.force_login(network_admin)

    page = client.get(reverse("academy_retention")).content.decode()

    assert "Accounts never confirmed" in page and "UNCONFIRMED_ACCOUNT_DAYS" in page
    assert "Record of e-mails sent" in page
