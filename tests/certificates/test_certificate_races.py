"""Certificates under concurrent requests: a revocation and a reissue of one certificate;
one academy's certificates printed at once."""

import threading

from django.utils import timezone

from certificates import services
from certificates.models import Certificate, SerialNumber
from certificates.services import CertificateRefused, issue_certificate, reissue, revoke
from courses.services import complete, enrol
from tests.academy.sessions import make_session
from tests.certificates.test_certificates import completed
from tests.concurrency import (
    MEETING_TIMEOUT,
    meet_before,
    meeting_before_saving,
    race_test,
    run_at_once,
)
from tests.factories import UserFactory


@race_test
def test_revoking_while_reissuing_one_certificate_either_revokes_or_reissues(
    lisbon, lisbon_coordinator
):
    """Fails without the row lock on the certificate in revoke (or on the old certificate
    in reissue, certificates/services.py): both see it valid and both succeed, so a
    certificate revoked for a reason has a valid replacement the coordinator never meant
    to give."""
    session = make_session(lisbon.academy, capacity=5, certificates_on_completion=False)
    enrolment = enrol(UserFactory(), session)
    complete(enrolment)
    certificate = issue_certificate(enrolment)

    def change(action):
        if action == "revoke":
            revoke(certificate, by=lisbon_coordinator, reason="Attendance was falsified.")
        else:
            reissue(certificate, by=lisbon_coordinator)

    with meeting_before_saving(Certificate, 2):
        errors = run_at_once(change, ["revoke", "reissue"])

    assert [type(error) for error in errors] == [CertificateRefused]
    certificate.refresh_from_db()
    replaced = Certificate.objects.valid().filter(enrolment=enrolment).exists()
    assert certificate.revoked_at is None or not replaced


@race_test
def test_an_academys_certificates_are_printed_side_by_side(lisbon, monkeypatch):
    """Two officers of one academy: both certificates are being drawn at the same moment,
    each under its own number. Fails when the serial counter's lock is held while a
    certificate is printed (issue 17: one academy's batch then uses one core): the second
    request waits for the first's number and never meets it in the drawing."""
    session = make_session(lisbon.academy, capacity=5, certificates_on_completion=False)
    enrolments = [completed(lisbon.academy, session=session) for _ in range(2)]
    together, original = threading.Barrier(2), services.draw
    met = []

    def draw(snapshot, code):
        try:
            together.wait(timeout=MEETING_TIMEOUT * 3)
            met.append(snapshot["serial"])
        except threading.BrokenBarrierError:
            pass
        return original(snapshot, code)

    monkeypatch.setattr(services, "draw", draw)

    assert run_at_once(issue_certificate, enrolments) == []

    assert sorted(met) == [f"LIS-{timezone.localdate().year}-00000{n}" for n in (1, 2)]
    assert Certificate.objects.count() == 2


@race_test
def test_two_tries_printing_one_certificate_at_once_keep_one(lisbon, monkeypatch):
    """One enrolment asked twice at once (two tabs, a batch part run twice): both print
    under the one number it was given, and one certificate is kept; the other try returns
    it. Fails without the row lock in ``_keep``: both see the number still printing and
    both save a certificate (the second refused by the database)."""
    enrolment = completed(lisbon.academy)
    meet_before(monkeypatch, services, "draw", 2)
    with meeting_before_saving(Certificate, 2):
        errors = run_at_once(issue_certificate, [enrolment, enrolment])

    assert errors == []
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert list(SerialNumber.objects.values_list("number", "state")) == [
        (1, SerialNumber.State.ISSUED)
    ]
