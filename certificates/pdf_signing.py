"""Certificate PDFs signed under the academy's X.509 certificate (PAdES), and checked again.

Each academy holds a certificate that the network's root certifies. Its key comes from a
PKCS#12 file, ``<KEY_DIR>/<academy code>.p12``, opened with the passphrase of the
environment (settings ``CERTIFICATE_SIGNING``), or, where ``PKCS11_LIB`` names a PKCS#11
module, from a token (HSM, smart card): the key and the certificate labelled with the
academy's code, the key signing on the token. The signature is PAdES B-B, or B-T when a
timestamp authority is configured.

``verify_pdf`` needs nothing of the database: the network's root certificate is its only
trust anchor, so a copy of that file is enough to check a certificate offline.
"""

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from asn1crypto import x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from .keys import TokenUnavailable, on_token, pkcs11_module, token_configuration
from .rendering import RenderError

logger = logging.getLogger(__name__)

ROOT_CERTIFICATE = "network-root.pem"
SIGNATURE_FIELD = "AcademySignature"
# What a signed certificate says about itself, in its document information: read back only
# where the signature covers the whole file.
SERIAL_KEY = "/AcademyCertificateSerial"
CODE_KEY = "/AcademyCertificateCode"
# Its entry in the academy's Bitstring status list (``<list URL>#<index>``), so that a verifier
# holding an exported list can tell a revoked PDF offline.
STATUS_KEY = "/AcademyCertificateStatus"


class SigningError(RenderError):
    """The PDF could not be signed; the message says why, for the coordinator."""


class Verdict:
    AUTHENTIC = "authentic"
    TAMPERED = "tampered"
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"
    NOT_PDF = "not_pdf"


@dataclass(frozen=True)
class PdfVerification:
    """What ``verify_pdf`` found: the verdict, and who signed what when it is authentic."""

    verdict: str
    academy_code: str = ""
    academy_name: str = ""
    serial: str = ""
    code: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False
    status_entry: str = ""

    @property
    def status(self):
        """The entry in the academy's status list, as a credential's ``credentialStatus``."""
        url, _hash, index = self.status_entry.rpartition("#")
        if not (url and index.isdigit()):
            return None
        return {
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListCredential": url,
            "statusListIndex": index,
        }

    @property
    def is_authentic(self):
        return self.verdict == Verdict.AUTHENTIC


def signing_settings():
    """``settings.CERTIFICATE_SIGNING`` with its defaults."""
    configured = getattr(settings, "CERTIFICATE_SIGNING", {}) or {}
    key_dir = configured.get("KEY_DIR")
    return {
        "KEY_DIR": Path(key_dir) if key_dir else None,
        "PASSPHRASE": configured.get("PASSPHRASE") or "",
        "TIMESTAMP_URL": configured.get("TIMESTAMP_URL") or "",
        "TRUST_ROOTS": configured.get("TRUST_ROOTS") or [],
        "REQUIRED": bool(configured.get("REQUIRED", False)),
    }


def key_file(academy_code):
    key_dir = signing_settings()["KEY_DIR"]
    return key_dir / f"{academy_code}.p12" if key_dir else None


def trust_root_files():
    """The network's root certificate(s): the only anchors a signature is trusted under."""
    configured = signing_settings()
    if configured["TRUST_ROOTS"]:
        return [Path(path) for path in configured["TRUST_ROOTS"]]
    key_dir = configured["KEY_DIR"]
    return [key_dir / ROOT_CERTIFICATE] if key_dir else []


def _token_signer(session, academy_code):
    """A pyHanko signer of the academy's key and certificate on the token (both labelled with
    its code), or ``None`` where the token has no such pair."""
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    certificates = list(
        session.get_objects(
            {
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.LABEL: academy_code,
            }
        )
    )
    keys = list(
        session.get_objects(
            {
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY,
                pkcs11.Attribute.LABEL: academy_code,
            }
        )
    )
    if len(certificates) != 1 or len(keys) != 1:
        if certificates or keys:
            logger.warning(
                "The token holds %d certificate(s) and %d key(s) labelled %s: one of each signs",
                len(certificates),
                len(keys),
                academy_code,
            )
        return None
    certificate = x509.Certificate.load(certificates[0][pkcs11.Attribute.VALUE])
    return PKCS11Signer(
        session,
        key_label=academy_code,
        signing_cert=certificate,
        ca_chain=_token_chain(session),
        # The token hashes nothing: pyHanko hashes, the token signs the digest (CKM_ECDSA,
        # CKM_RSA_PKCS). Every token has these; the hash-and-sign ones (CKM_ECDSA_SHA256)
        # softhsm2 and many smart cards lack.
        use_raw_mechanism=certificate.public_key.algorithm in ("ec", "rsa"),
    )


def _token_chain(session):
    """The certificates that certify an academy's: the network's root (``TRUST_ROOTS`` or the
    key folder's), and the certification authorities' certificates kept on the token. Never
    the other academies' certificates, which a signature has no business carrying."""
    import pkcs11

    chain = {root.dump(): root for root in _trust_roots(tuple(trust_root_files()))}
    for found in session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE}):
        certificate = x509.Certificate.load(found[pkcs11.Attribute.VALUE])
        if certificate.ca:
            chain.setdefault(certificate.dump(), certificate)
    return list(chain.values())


@cache
def _signer(path, modified, passphrase):
    """The academy's signer, loaded once per process and key file version."""
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase or None)
    if signer is None:
        raise SigningError(
            _("The signing key of the academy cannot be opened: check its passphrase.")
        )
    return signer


def signer_for(academy_code):
    """The signer of an academy, or ``None`` where it has no key: its PKCS#12 file, or, where
    a PKCS#11 token is configured, its key and certificate on the token (a signer bound to
    this process's session of the token; ``sign_pdf`` takes turns on it)."""
    if token_configuration() is not None:
        return on_token(lambda session: _token_signer(session, academy_code))
    path = key_file(academy_code)
    if path is None or not path.is_file():
        return None
    passphrase = signing_settings()["PASSPHRASE"].encode() or None
    return _signer(path, path.stat().st_mtime_ns, passphrase)


def sign_pdf(data, *, academy_code, serial, code, status=None, reason="", location=""):
    """The PDF ``data`` signed by the academy (PAdES B-B, B-T with a timestamp authority).

    An academy without a key gets its PDF back unsigned, unless signing is required
    (``CERTIFICATE_SIGNING["REQUIRED"]``, on in production): then ``SigningError``.
    ``status`` is ``(status list URL, index)``: the certificate's revocation bit.
    """
    signed = {
        "academy_code": academy_code,
        "serial": serial,
        "code": code,
        "status": status,
        "reason": reason,
        "location": location,
    }
    if token_configuration() is None:
        return _signed(data, signer_for(academy_code), **signed)
    pkcs11 = pkcs11_module()
    try:
        # Under the session's lock from the key's lookup to the signature, and again on a
        # new session where the token's broke.
        return on_token(
            lambda session: _signed(data, _token_signer(session, academy_code), **signed)
        )
    except TokenUnavailable as error:
        logger.exception("Certificate %s could not be signed: the token cannot be opened", serial)
        raise SigningError(
            _("The signing token cannot be opened: check its module, its label and its PIN.")
        ) from error
    except pkcs11.PKCS11Error as error:
        logger.exception("Certificate %s could not be signed on the token", serial)
        raise SigningError(_("The certificate could not be signed.")) from error


def _signed(data, signer, *, academy_code, serial, code, status, reason, location):
    if signer is None:
        if signing_settings()["REQUIRED"]:
            raise SigningError(
                _("The academy %(code)s has no signing key: certificates cannot be issued.")
                % {"code": academy_code}
            )
        logger.warning("Certificate %s left unsigned: academy %s has no key", serial, academy_code)
        return data
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    info = writer.trailer["/Info"] if "/Info" in writer.trailer else generic.DictionaryObject()
    info = generic.DictionaryObject(dict(info.items()))
    info[generic.NameObject(SERIAL_KEY)] = generic.TextStringObject(serial)
    info[generic.NameObject(CODE_KEY)] = generic.TextStringObject(code)
    if status is not None:
        info[generic.NameObject(STATUS_KEY)] = generic.TextStringObject("{}#{}".format(*status))
    writer.set_info(writer.add_object(info))
    url = signing_settings()["TIMESTAMP_URL"]
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason or None,
            location=location or None,
        ),
        signer=signer,
        timestamper=HTTPTimeStamper(url) if url else None,
    )
    try:
        # Room for an ECDSA signature and its chain, so that pyHanko signs once rather than
        # twice (a trial signature measures it otherwise); a timestamp needs measuring.
        reserved = None if url else 8192
        return pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
    except (OSError, PdfError, PyhankoSigningError) as error:
        logger.exception("Certificate %s could not be signed", serial)
        raise SigningError(_("The certificate could not be signed.")) from error


@cache
def _trust_roots(paths):
    return [load_cert_from_pemder(str(path)) for path in paths if Path(path).is_file()]


def _subject_field(certificate: x509.Certificate, name):
    return certificate.subject.native.get(name, "") or ""


def verify_pdf(data: bytes, *, trust_roots=None) -> PdfVerification:
    """Whether ``data`` is a certificate PDF an academy of the network signed, unchanged.

    ``authentic``: signed under the network's root, and not a byte changed or added since;
    ``tampered``: signed, but the file was changed after signing (or cannot be read);
    ``untrusted``: intact, but signed by a key the network does not trust;
    ``unsigned`` and ``not_pdf`` say what they say.
    """
    if not data.lstrip()[:5].startswith(b"%PDF"):
        return PdfVerification(Verdict.NOT_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("A PDF that cannot be read was verified: %s", error)
        return PdfVerification(Verdict.TAMPERED)
    if not signatures:
        return PdfVerification(Verdict.UNSIGNED)
    roots = trust_roots if trust_roots is not None else _trust_roots(tuple(trust_root_files()))
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, context)
    except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError) as error:
        logger.info("A signed PDF that cannot be checked was verified: %s", error)
        return PdfVerification(Verdict.TAMPERED)
    if not (status.intact and status.valid):
        return PdfVerification(Verdict.TAMPERED)
    # Anything after the signature, even a harmless-looking update, is a change.
    if len(signatures) != 1 or status.coverage.name != "ENTIRE_FILE":
        return PdfVerification(Verdict.TAMPERED)
    signer = status.signing_cert
    if not status.trusted:
        return PdfVerification(
            Verdict.UNTRUSTED, academy_name=_subject_field(signer, "common_name")
        )
    try:
        info = reader.trailer["/Info"]  # a TrailerDictionary: no get()
    except KeyError:
        info = {}
    return PdfVerification(
        Verdict.AUTHENTIC,
        academy_code=_subject_field(signer, "organizational_unit_name"),
        academy_name=_subject_field(signer, "common_name"),
        serial=str(info.get(SERIAL_KEY, "")),
        code=str(info.get(CODE_KEY, "")),
        status_entry=str(info.get(STATUS_KEY, "")),
        signed_at=status.signer_reported_dt,
        timestamped=status.timestamp_validity is not None,
    )
