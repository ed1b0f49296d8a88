"""A session's batch of certificates is shared by the task workers in parts (issue 17):
each certificate exactly once, progress and failures counted exactly, whatever the order
and however often the parts run."""

import django
import pytest

from certificates.models import Certificate, CertificateBatch
from certificates.services import issue_batch_part, start_session_batch
from tests.academy.sessions import make_session
from tests.certificates.test_certificates import completed
from tests.concurrency import race_test, run_at_once


def session_of_completed(academy, officers):
    session = make_session(academy, capacity=officers, certificates_on_completion=False)
    for _officer in range(officers):
        completed(academy, session=session)
    return session


def assert_each_certificate_once(session, batch):
    batch.refresh_from_db()
    certificates = Certificate.objects.filter(enrolment__session=session)
    assert certificates.count() == session.enrolments.count()
    assert certificates.values("enrolment").distinct().count() == certificates.count()
    assert certificates.values("serial").distinct().count() == certificates.count()
    assert (batch.total, batch.issued, batch.failed) == (certificates.count(),) * 2 + (0,)
    assert batch.finished_at is not None


def test_a_batch_is_issued_in_parts_with_its_progress_summed(
    lisbon, lisbon_coordinator, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_BATCH_PART_SIZE = 2
    session = session_of_completed(lisbon.academy, 5)

    with django_capture_on_commit_callbacks(execute=True):
        batch = start_session_batch(session, by=lisbon_coordinator)

    batch.refresh_from_db()
    assert batch.parts == 3
    assert sorted(batch.progress_of_parts) == ["0", "1", "2"]
    assert_each_certificate_once(session, batch)


def test_a_part_run_again_issues_nothing_twice_and_counts_once(
    lisbon, lisbon_coordinator, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_BATCH_PART_SIZE = 2
    session = session_of_completed(lisbon.academy, 4)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_session_batch(session, by=lisbon_coordinator)
    first_part = sorted(session.enrolments.values_list("pk", flat=True))[:2]

    issue_batch_part.call(batch.pk, 0, first_part)

    assert_each_certificate_once(session, batch)


@race_test
@pytest.mark.skipif(
    django.VERSION >= (6,),
    reason="On Django 6 the queue's worker runs Django's own tasks, not the backport's",
)
def test_two_workers_running_every_part_at_once_issue_each_certificate_once(
    lisbon, lisbon_coordinator, settings
):
    """The parts are queued in the database; two workers take every part, one from the
    first, the other from the last, so each part runs twice and most of them at once."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CERTIFICATE_BATCH_PART_SIZE = 3
    session = session_of_completed(lisbon.academy, 18)
    batch = start_session_batch(session, by=lisbon_coordinator)
    planned = DBTaskResult.objects.get(task_path__endswith="issue_session_certificates")
    planned.task.call(*planned.args_kwargs["args"])
    parts = [
        result.args_kwargs["args"]
        for result in DBTaskResult.objects.filter(task_path__endswith="issue_batch_part")
    ]
    assert len(parts) == 6

    def worker(order):
        for arguments in sorted(parts, key=lambda args: args[1], reverse=order == "last"):
            issue_batch_part.call(*arguments)

    assert run_at_once(worker, ["first", "last"]) == []
    assert_each_certificate_once(session, CertificateBatch.objects.get(pk=batch.pk))
