"""Erasure on request: the officer asks, a network admin confirms, and the site then holds
nothing that names them; scores and attendance stay, without the person."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from academy.models import DataAccess, ErasureRequest
from certificates.models import Certificate
from certificates.privacy import ERASED_REASON
from courses.models import AssessmentAttempt, Attendance, Response

from .conftest import ANSWER, EMAIL, NAME

# Every way the person could be named: whole, in parts, by address.
TRACES = [NAME, "Zofia", "Quillfeather", EMAIL, "zofia.quillfeather"]


def erase(client, person, admin):
    client.force_login(person)
    client.post(reverse("academy_erasure_request"))
    erasure = ErasureRequest.objects.get(person=person)
    client.force_login(admin)
    response = client.post(
        reverse("academy_erasure_decide", args=[erasure.pk]), {"decision": "erase"}
    )
    assert response.status_code == 302
    erasure.refresh_from_db()
    return erasure


def database_text():
    """Every row of every table, as text: what a dump of the database would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (names from the schema)
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def test_the_officer_asks_for_erasure_after_a_confirmation_page(client, officer):
    client.force_login(officer)

    page = client.get(reverse("academy_erasure_request")).content.decode()
    client.post(reverse("academy_erasure_request"))
    client.post(reverse("academy_erasure_request"))  # twice: still one request

    assert "Ask for erasure" in page
    assert ErasureRequest.objects.get(person=officer).state == ErasureRequest.State.REQUESTED


def test_asking_for_erasure_needs_the_forms_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(reverse("academy_erasure_request"))

    assert response.status_code == 403
    assert not ErasureRequest.objects.exists()


def test_only_a_network_admin_confirms_an_erasure(client, officer, lisbon_coordinator):
    client.force_login(officer)
    client.post(reverse("academy_erasure_request"))
    erasure = ErasureRequest.objects.get()
    client.force_login(lisbon_coordinator)

    response = client.post(
        reverse("academy_erasure_decide", args=[erasure.pk]), {"decision": "erase"}
    )

    # Wagtail sends whoever may not open an admin page back to the dashboard.
    assert response.status_code == 302 and response["Location"] == "/admin/"
    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.REQUESTED


def test_after_erasure_the_whole_database_names_the_person_nowhere(
    client, record, network_admin, lisbon_coordinator
):
    # Staff looked at the record before: the record of who looked stays, naming no one.
    client.force_login(lisbon_coordinator)
    client.get(reverse("home_session_progress", args=[record["session"].pk]))
    assert DataAccess.objects.filter(officer=record["person"]).exists()
    before = database_text()
    assert all(trace.lower() in before.lower() for trace in TRACES)

    erase(client, record["person"], network_admin)

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    everything = (dump.getvalue() + database_text()).lower()
    found = [trace for trace in TRACES if trace.lower() in everything]
    assert not found, f"still in the database after erasure: {found}"
    assert ANSWER.lower() not in everything


def test_erasure_keeps_scores_and_attendance_without_the_person(client, record, network_admin):
    attempt = record["attempt"]
    attempt.refresh_from_db()
    score = attempt.score
    marks = Attendance.objects.filter(enrolment__session=record["day"], present=True).count()

    erase(client, record["person"], network_admin)

    attempt.refresh_from_db()
    assert attempt.score == score and score is not None
    assert Response.objects.get(attempt=attempt, question=0).text == ""
    assert (
        Attendance.objects.filter(enrolment__session=record["day"], present=True).count() == marks
    )
    assert AssessmentAttempt.objects.filter(assessment=record["assessment"]).count() == 1


def test_erasure_revokes_certificates_deletes_their_pdfs_and_the_verification_names_no_one(
    client, record, network_admin
):
    certificate = record["certificate"]
    storage, path = certificate.pdf.storage, certificate.pdf.name
    assert storage.exists(path)

    erase(client, record["person"], network_admin)

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.revocation_reason == ERASED_REASON and certificate.revoked_at
    assert not storage.exists(path)
    page = Client().get(reverse("certificate_verify", args=[certificate.code])).content.decode()
    assert "Revoked" in page and "Quillfeather" not in page
    assert certificate.serial in page


def test_an_erased_officer_can_no_longer_sign_in(client, record, network_admin):
    erase(client, record["person"], network_admin)
    client.logout()

    response = client.post(
        reverse("login"), {"username": EMAIL, "password": "correct horse battery staple"}
    )

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_a_declined_request_erases_nothing(client, officer, network_admin):
    client.force_login(officer)
    client.post(reverse("academy_erasure_request"))
    erasure = ErasureRequest.objects.get()
    client.force_login(network_admin)

    client.post(reverse("academy_erasure_decide", args=[erasure.pk]), {"decision": "decline"})

    erasure.refresh_from_db()
    officer.refresh_from_db()
    assert erasure.state == ErasureRequest.State.DECLINED
    assert officer.is_active and officer.email.endswith("@academy.example")


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_the_erasure_requests_list_shows_waiting_requests_to_network_admins(
    client, officer, network_admin, language
):
    client.force_login(officer)
    client.post(reverse("academy_erasure_request"))
    client.force_login(network_admin)

    page = client.get(reverse("academy_erasure_requests"), HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    assert officer.email in page.content.decode()


def test_erasure_covers_package_tracking_statements_reviews_and_credentials(
    client, record, network_admin
):
    from certificates.models import StatusList
    from courses.models import PackageTracking, PeerReview
    from courses.privacy import statements_of

    person, certificate = record["person"], record["certificate"]
    people = type(person)._default_manager.filter(pk=person.pk)
    assert statements_of(people).exists() and certificate.credential
    assert not StatusList.objects.get(academy=certificate.academy).is_set(certificate.status_index)

    erase(client, person, network_admin)

    tracking = PackageTracking.objects.get(enrolment=record["scorm"])
    assert tracking.suspend_data == "" and tracking.location == ""
    assert not statements_of(people).exists()  # nothing more is sent about them
    review = PeerReview.objects.get(pk=record["review"].pk)
    assert (review.strengths, review.transferable) == ("", PeerReview.Transferable.YES)
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.credential is None and certificate.credential_jwt == ""
    # Revoked in the academy's signed status list too: an offline verifier holding the
    # officer's old credential learns it no longer holds.
    assert StatusList.objects.get(academy=certificate.academy).is_set(certificate.status_index)
