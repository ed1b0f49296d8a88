"""What certificates hold about a person (see ``academy.personal_data``).

Erasure revokes the person's certificates ("erased at the holder's request", their bit set
in the academy's status list, so that offline verifiers learn it too), deletes their stored
PDFs and signed credentials (which carry a salted hash of the address) and clears the name
from what they printed: the verification page then says that the certificate was revoked,
for which course, where and when, and names no one."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.personal_data import Holding, register

from . import issuers
from .models import Certificate

ERASED_REASON = "erased at the holder's request"
# What a certificate printed that names its holder.
NAMING_KEYS = ("name", "title", "body")


def erase_certificates(rows, users):
    """Revoke, delete the PDFs and credentials, forget the name: in bulk (one query to read,
    one to write), then each one's bit in its academy's status list."""
    now = timezone.now()
    certificates = list(rows.select_related("academy"))
    for certificate in certificates:
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pdf = ""
        certificate.credential, certificate.credential_jwt = None, ""
        certificate.snapshot = {
            key: ("" if key in NAMING_KEYS else value)
            for key, value in certificate.snapshot.items()
        }
        if certificate.revoked_at is None:
            certificate.revoked_at = now
            certificate.revocation_reason = ERASED_REASON
            certificate.revoked_by = None
    Certificate.objects.bulk_update(
        certificates,
        ["pdf", "snapshot", "credential", "credential_jwt"]
        + ["revoked_at", "revocation_reason", "revoked_by"],
    )
    for certificate in certificates:
        issuers.set_status_bit(certificate)


register(
    Holding(
        "certificates.Certificate",
        person="enrolment__officer",
        title=_("Certificates"),
        export=(
            "serial",
            "enrolment__session__title",
            "issued_at",
            "revoked_at",
            "revocation_reason",
            "superseded_at",
            "language",
        ),
        erase=erase_certificates,
        order=60,
    ),
    Holding("certificates.Certificate", person="issued_by", erase={"issued_by": None}),
    Holding("certificates.Certificate", person="revoked_by", erase={"revoked_by": None}),
    Holding("certificates.CertificateBatch", person="requested_by", erase={"requested_by": None}),
    # The register of serial numbers keeps each number and its state for the auditors; the
    # certificate (above) says whose it was, the register no longer does once erased.
    Holding("certificates.SerialNumber", person="enrolment__officer", erase={"enrolment": None}),
)
