"""Learning events become xAPI statements, and reach a real LRS (Ralph) once each, in order,
even when it was down for a while."""

import json

from django.urls import reverse

from academy.personal_data import erase_people
from certificates.services import revoke
from courses.models import Statement
from courses.services import enrol, start_attempt, submit_attempt
from courses.xapi import actor, send_statements, site_actor
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.courses.package_builders import package_course, scorm12_files
from tests.courses.test_package_play import commit, player_config

VERB = "http://adlnet.gov/expapi/verbs/"


def verbs():
    return [
        (s.payload["verb"]["display"]["en-US"], s.payload["object"]["id"].split("/activities/")[1])
        for s in Statement.objects.order_by("pk")
    ]


def finish_package_course(client, officer, academy, callbacks):
    course, module, _package = package_course(academy, scorm12_files())
    session = make_session(
        academy, course=course, capacity=50, title="Run", certificates_on_completion=True
    )
    enrolment = enrol(officer, session)
    client.force_login(officer)
    with callbacks(execute=True):
        _response, config = player_config(client, module)
    with callbacks(execute=True):
        commit(
            client,
            module,
            config,
            1,
            {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "90"},
        )
    return module, enrolment


def test_a_scorm_course_done_is_told_to_the_lrs_under_a_pseudonym(
    client, lisbon, officer, lrs, django_capture_on_commit_callbacks
):
    module, _enrolment = finish_package_course(
        client, officer, lisbon.academy, django_capture_on_commit_callbacks
    )

    ours = {str(s.statement_id) for s in Statement.objects.all()}
    held = [s for s in lrs.statements() if s["id"] in ours]
    assert [s["verb"]["display"]["en-US"] for s in held] == [
        "launched",
        "completed",
        "passed",
        "completed",
        "completed",
        "earned",
    ]
    assert all(s["actor"] == actor(officer) for s in held)
    assert officer.email not in json.dumps(held)
    assert not Statement.objects.filter(state=Statement.State.PENDING).exists()
    assert f"/activities/module/{module.translation_key}" in held[3]["object"]["id"]


def test_statements_wait_while_the_lrs_is_down_and_arrive_once_each_in_order_when_it_is_back(
    client, lisbon, officer, lrs, django_capture_on_commit_callbacks
):
    lrs.stop()
    finish_package_course(client, officer, lisbon.academy, django_capture_on_commit_callbacks)
    waiting = list(Statement.objects.order_by("pk"))
    assert len(waiting) == 6
    assert all(s.state == Statement.State.PENDING for s in waiting)
    assert waiting[0].attempts >= 1 and waiting[0].last_error

    lrs.start()
    send_statements.enqueue()
    send_statements.enqueue()  # a second run (another worker, a retry) sends nothing twice

    ids = [str(s.statement_id) for s in waiting]
    held = [s["id"] for s in lrs.statements() if s["id"] in set(ids)]
    assert held == ids
    assert Statement.objects.filter(state=Statement.State.SENT).count() == 6


def test_a_statement_sent_again_after_a_lost_answer_is_not_stored_twice(
    client, lisbon, officer, lrs, django_capture_on_commit_callbacks
):
    finish_package_course(client, officer, lisbon.academy, django_capture_on_commit_callbacks)
    first = Statement.objects.order_by("pk").first()
    Statement.objects.filter(pk=first.pk).update(state=Statement.State.PENDING)

    send_statements.enqueue()

    first.refresh_from_db()
    assert first.state == Statement.State.SENT
    assert [s["id"] for s in lrs.statements()].count(str(first.statement_id)) == 1


def test_an_attempt_submitted_and_passed_becomes_two_statements(lisbon, officer):
    course = build_course(lisbon.academy, modules=0)
    session = make_session(lisbon.academy, course=course, capacity=5, title="Run")
    enrol(officer, session)
    assessment = course.get_children().specific().get()
    attempt = start_attempt(officer, assessment)
    right = next(c["id"] for c in attempt.questions[0]["choices"] if c["correct"])

    submit_attempt(attempt, answers={0: ([right], "")}, sequence=attempt.sequence)

    assert [verb for verb, _object in verbs()][-2:] == ["submitted", "passed"]


def test_a_revoked_certificate_becomes_a_statement(
    client, lisbon, officer, lisbon_coordinator, django_capture_on_commit_callbacks
):
    _module, enrolment = finish_package_course(
        client, officer, lisbon.academy, django_capture_on_commit_callbacks
    )
    certificate = enrolment.certificates.get()

    revoke(certificate, by=lisbon_coordinator, reason="Issued by mistake")

    assert verbs()[-1] == ("revoked", f"certificate/{certificate.serial}")


def test_no_statement_names_the_officer(lisbon, officer):
    payload = actor(officer)

    assert set(payload["account"]) == {"homePage", "name"}
    assert officer.email not in json.dumps(payload)
    assert str(officer.pk) != payload["account"]["name"]
    assert reverse("catalogue")  # the site is up: the actor's homePage is its address


def erase_officer(officer, callbacks):
    from home.models import User

    with callbacks(execute=True):
        erase_people(User.objects.filter(pk=officer.pk))


def test_erasing_an_officer_voids_at_the_lrs_every_statement_it_holds_of_them(
    client, lisbon, officer, lrs, django_capture_on_commit_callbacks
):
    finish_package_course(client, officer, lisbon.academy, django_capture_on_commit_callbacks)
    theirs = [str(s.statement_id) for s in Statement.objects.order_by("pk")]
    assert len(theirs) == 6 and not Statement.objects.exclude(state=Statement.State.SENT).exists()

    erase_officer(officer, django_capture_on_commit_callbacks)

    held = lrs.statements()
    voided = [
        s["object"]["id"]
        for s in held
        if s["verb"]["id"] == VERB + "voided" and s["object"]["objectType"] == "StatementRef"
    ]
    assert sorted(voided) == sorted(theirs)
    voiding = [s for s in held if s["verb"]["id"] == VERB + "voided"]
    assert all(s["actor"] == site_actor() for s in voiding)
    assert actor(officer)["account"]["name"] not in json.dumps(voiding)
    # Nothing of theirs is left to send, and the voiding statements went out.
    assert not Statement.objects.filter(
        payload__actor__account__name=actor(officer)["account"]["name"]
    ).exists()
    assert not Statement.objects.filter(state=Statement.State.PENDING).exists()


def test_statements_never_sent_are_dropped_at_erasure_and_nothing_is_voided(
    client, lisbon, officer, lrs, django_capture_on_commit_callbacks
):
    lrs.stop()
    finish_package_course(client, officer, lisbon.academy, django_capture_on_commit_callbacks)
    theirs = {str(s.statement_id) for s in Statement.objects.all()}
    assert len(theirs) == 6 and Statement.objects.filter(state=Statement.State.PENDING).count() == 6

    erase_officer(officer, django_capture_on_commit_callbacks)
    lrs.start()
    send_statements.enqueue()

    assert not Statement.objects.exists()
    held = lrs.statements()
    assert not [s for s in held if s["id"] in theirs]
    assert not [s for s in held if s["object"].get("id") in theirs]
