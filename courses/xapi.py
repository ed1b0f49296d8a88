"""Learning events as xAPI statements for the network's Learning Record Store.

Every learning event (a module launched or completed, an attempt submitted and passed or
failed, what a SCORM or H5P package reports, a certificate issued or revoked) becomes a
statement, queued in the database in the same transaction as the event, and sent after
commit by the task worker. Statements go in the order they were made, one at a time, each
under its own id (``PUT /statements?statementId=``): sending one again after a failure
changes nothing at the LRS. An LRS that is down loses nothing: the queue stays, and the next
run (the next event, a retry the worker schedules, or ``manage.py send_xapi_statements``)
sends it.

The actor is a pseudonymous account: the site's address and an opaque id derived from the
person's id with a secret; never a name or an e-mail address. When a person is erased, the
statements the LRS already holds are voided there (``void``): a voiding statement each, made
by the site's own account, so that the LRS and what reads it disregard them.

Settings: ``XAPI_LRS_URL`` (the LRS's xAPI base, e.g. ``https://lrs.example.org/xAPI``; empty:
statements are queued and kept, nothing is sent), ``XAPI_LRS_USERNAME`` /
``XAPI_LRS_PASSWORD`` (HTTP basic), ``XAPI_LRS_TIMEOUT`` (seconds, 5), ``XAPI_ACTOR_SECRET``
(defaults to SECRET_KEY), ``XAPI_RETRY_SECONDS`` (60: when the worker can defer tasks, a
failed run schedules the next one).
"""

import datetime
import hashlib
import hmac
import uuid

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from courses.models import Statement

VERBS = {
    "launched": "http://adlnet.gov/expapi/verbs/launched",
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "submitted": "http://activitystrea.ms/schema/1.0/submit",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "earned": "http://id.tincanapi.com/verb/earned",
    "revoked": "https://w3id.org/xapi/dod-isd/verbs/revoked",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "sco": "http://adlnet.gov/expapi/activities/lesson",
    "certificate": "https://w3id.org/xapi/cmi5/activitytype/block",
}
BATCH = 200


def site_url():
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://localhost").rstrip("/")


def actor(user):
    """The pseudonymous xAPI account of ``user``: the same opaque name at every event,
    from which nobody without the site's secret finds the person."""
    secret = getattr(settings, "XAPI_ACTOR_SECRET", "") or settings.SECRET_KEY
    name = hmac.new(secret.encode(), f"xapi-actor:{user.pk}".encode(), hashlib.sha256)
    return {
        "objectType": "Agent",
        "account": {"homePage": site_url(), "name": name.hexdigest()[:32]},
    }


def site_actor():
    """The site's own xAPI account: the actor of what the site says of itself (voiding)."""
    return {"objectType": "Agent", "account": {"homePage": site_url(), "name": "academy"}}


def activity(kind, key, title=""):
    """An activity of the academy, named by a stable key (a page's translation key, a
    certificate's serial) rather than by an address that moves with the page."""
    definition = {"type": ACTIVITY_TYPES[kind]}
    if title:
        definition["name"] = {"en": str(title)}
    return {
        "objectType": "Activity",
        "id": f"{site_url()}/xapi/activities/{kind}/{key}",
        "definition": definition,
    }


def page_activity(kind, page):
    return activity(kind, page.translation_key, page.title)


def registration(enrolment):
    """The xAPI registration of an enrolment: a UUID the LRS groups its statements by."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site_url()}/enrolments/{enrolment.pk}"))


def record(user, verb, obj, *, result=None, enrolment=None, parent=None):
    """Queue one statement (in the caller's transaction); it is sent after commit."""
    context = {"platform": "EU-POLNET Academy"}
    if enrolment is not None:
        context["registration"] = registration(enrolment)
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
    more = {"context": context, **({"result": result} if result else {})}
    row = _statement(actor(user), verb, obj, **more)
    row.save()
    transaction.on_commit(send_soon)
    return row


def void(statement_ids):
    """Queue a voiding statement for each of these statements (xAPI 1.0.3, "Voided"): the
    LRS and what reads it disregard them from then on. Made by the site's account, so that
    voiding names nobody again. An LRS keeps a voided statement: deleting it is its
    operator's act."""
    rows = [
        _statement(site_actor(), "voided", {"objectType": "StatementRef", "id": str(voided)})
        for voided in statement_ids
    ]
    if rows:
        Statement.objects.bulk_create(rows)
        transaction.on_commit(send_soon)  # one sending run for them all


def _statement(agent, verb, obj, **more):
    """An unsaved statement of ``agent``: its id, verb, object and time, and ``more``."""
    statement_id = uuid.uuid4()
    payload = {
        "id": str(statement_id),
        "actor": agent,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "timestamp": timezone.now().isoformat(),
        **more,
    }
    return Statement(statement_id=statement_id, payload=payload)


def score_result(scaled=None, *, success=None, completion=None, raw=None, duration=None):
    """An xAPI result from what is known of a score and outcome."""
    result = {}
    score = {}
    if scaled is not None:
        score["scaled"] = float(max(-1, min(1, scaled)))
    if raw is not None:
        score["raw"] = float(raw)
    if score:
        result["score"] = score
    if success is not None:
        result["success"] = bool(success)
    if completion is not None:
        result["completion"] = bool(completion)
    if duration is not None:
        result["duration"] = f"PT{int(duration)}S"
    return result


def send_soon():
    if getattr(settings, "XAPI_LRS_URL", ""):
        send_statements.enqueue()


@task()
def send_statements():
    """Send the pending statements to the LRS, oldest first; stop at the first failure
    (order is kept) and, where the worker can defer, try again later."""
    sent, failed = send_pending()
    if failed and default_task_backend.supports_defer:
        delay = datetime.timedelta(seconds=getattr(settings, "XAPI_RETRY_SECONDS", 60))
        send_statements.using(run_after=timezone.now() + delay).enqueue()
    return sent


def send_pending():
    """Send what is pending, in order; returns (number sent, whether one failed).

    The rows are locked while they are sent, so two workers never send the same statement
    twice at once; a statement the LRS already holds (409: a retry after a lost answer)
    counts as delivered.
    """
    url = getattr(settings, "XAPI_LRS_URL", "").rstrip("/")
    if not url:
        return 0, False
    auth = (getattr(settings, "XAPI_LRS_USERNAME", ""), getattr(settings, "XAPI_LRS_PASSWORD", ""))
    timeout = getattr(settings, "XAPI_LRS_TIMEOUT", 5)
    sent = 0
    with transaction.atomic():
        pending = list(
            Statement.objects.select_for_update()
            .filter(state=Statement.State.PENDING)
            .order_by("pk")[:BATCH]
        )
        for statement in pending:
            try:
                response = requests.put(
                    f"{url}/statements",
                    params={"statementId": str(statement.statement_id)},
                    json=statement.payload,
                    auth=auth,
                    headers={"X-Experience-API-Version": "1.0.3"},
                    timeout=timeout,
                )
                delivered = response.status_code in (200, 204, 409)
                error = "" if delivered else f"HTTP {response.status_code}: {response.text[:500]}"
            except requests.RequestException as problem:
                delivered, error = False, str(problem)[:500]
            statement.attempts += 1
            if not delivered:
                statement.last_error = error
                statement.save(update_fields=["attempts", "last_error"])
                return sent, True
            statement.state = Statement.State.SENT
            statement.sent_at = timezone.now()
            statement.last_error = ""
            statement.save(update_fields=["attempts", "state", "sent_at", "last_error"])
            sent += 1
    return sent, False
