"""Certificates under concurrent requests: a revocation and a reissue of one certificate."""

from certificates.models import Certificate
from certificates.services import CertificateRefused, issue_certificate, reissue, revoke
from courses.services import complete, enrol
from tests.academy.sessions import make_session
from tests.concurrency import meeting_before_saving, race_test, run_at_once
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
