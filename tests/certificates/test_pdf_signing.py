"""Signed certificate PDFs, checked by two verifiers that are not our code: pyHanko's
validator (with the network's root as its only trust anchor) and poppler's pdfsig (NSS)."""

import hashlib
import io
import os
import shutil
import stat
import subprocess

import pytest
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificates.models import Certificate
from certificates.pdf_signing import (
    SigningError,
    Verdict,
    sign_pdf,
    verify_pdf,
)
from certificates.pki import make_academy_identity, make_root
from certificates.services import CertificateRefused, issue_certificate, revoke
from tests.factories import UserFactory

from .test_certificates import completed

PASSPHRASE = "demo passphrase"


@pytest.fixture(scope="session")
def network_pki(tmp_path_factory):
    """The network's root, with keys for Lisbon and Madrid."""
    key_dir = tmp_path_factory.mktemp("pki")
    root = make_root(key_dir, passphrase=PASSPHRASE)
    for code, name in [("LIS", "Lisbon Municipal Police"), ("MAD", "Madrid Municipal Police")]:
        make_academy_identity(key_dir, code=code, name=name, passphrase=PASSPHRASE, root=root)
    return key_dir


@pytest.fixture(scope="session")
def stranger_pki(tmp_path_factory):
    """A look-alike: a root the network does not know, with a key that says it is Lisbon's."""
    key_dir = tmp_path_factory.mktemp("stranger-pki")
    make_academy_identity(key_dir, code="LIS", name="Lisbon Municipal Police")
    return key_dir


@pytest.fixture
def signing(settings, network_pki):
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": network_pki, "PASSPHRASE": PASSPHRASE}
    return network_pki


@pytest.fixture
def signed_certificate(signing, lisbon):
    officer = UserFactory(full_name="Ana Luísa Carvalho")
    return issue_certificate(completed(lisbon.academy, officer))


def pyhanko_status(data, root_file):
    """pyHanko's own validator, given the network's root as the only trust anchor."""
    from pyhanko.keys import load_cert_from_pemder

    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(root_file))], allow_fetching=False
    )
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    return validate_pdf_signature(signature, context)


@pytest.fixture
def nss_db(tmp_path, network_pki):
    """An NSS database that trusts the network's root and nothing else (for pdfsig)."""
    if not (shutil.which("pdfsig") and shutil.which("certutil")):
        pytest.fail("pdfsig (poppler-utils) and certutil (libnss3-tools) must be installed")
    database = tmp_path / "nss"
    database.mkdir()
    certutil = shutil.which("certutil")
    subprocess.run(  # noqa: S603 - the system's certutil, on files of the test's own
        [certutil, "-N", "-d", f"sql:{database}", "--empty-password"], check=True
    )
    subprocess.run(  # noqa: S603
        [
            certutil,
            "-A",
            "-n",
            "network-root",
            "-t",
            "C,C,C",
            "-i",
            str(network_pki / "network-root.pem"),
            "-d",
            f"sql:{database}",
        ],
        check=True,
    )
    return database


def pdfsig(data, database, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    result = subprocess.run(  # noqa: S603 - the system's pdfsig, on the test's own file
        [shutil.which("pdfsig"), "-nssdir", f"sql:{database}", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def changed_byte(data):
    """The file with one byte of the page's drawing changed (before the signature)."""
    changed = bytearray(data)
    changed[data.index(b"stream") + 300] ^= 0x01
    return bytes(changed)


def test_the_certificate_pdf_is_signed_and_the_stored_sha256_is_that_of_the_signed_file(
    signed_certificate,
):
    data = signed_certificate.pdf.read()

    assert hashlib.sha256(data).hexdigest() == signed_certificate.sha256
    assert b"/ETSI.CAdES.detached" in data  # PAdES


def test_pyhanko_trusts_the_signature_under_the_network_root(signed_certificate, network_pki):
    status = pyhanko_status(signed_certificate.pdf.read(), network_pki / "network-root.pem")

    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["organizational_unit_name"] == "LIS"


def test_pdfsig_finds_the_signature_valid_and_the_signer_trusted(
    signed_certificate, nss_db, tmp_path
):
    report = pdfsig(signed_certificate.pdf.read(), nss_db, tmp_path)

    assert "Signature is Valid." in report
    assert "Certificate is Trusted." in report
    assert "Total document signed" in report


def test_a_changed_byte_makes_the_pdf_invalid_for_both_verifiers(
    signed_certificate, network_pki, nss_db, tmp_path
):
    changed = changed_byte(signed_certificate.pdf.read())

    assert not pyhanko_status(changed, network_pki / "network-root.pem").intact
    assert "Signature is Valid." not in pdfsig(changed, nss_db, tmp_path)
    assert verify_pdf(changed).verdict == Verdict.TAMPERED


def test_a_change_added_after_the_signature_is_tampering(signed_certificate):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_certificate.pdf.read()), strict=False)
    info = generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("x")})
    writer.set_info(writer.add_object(info))
    output = io.BytesIO()
    writer.write(output)

    assert verify_pdf(output.getvalue()).verdict == Verdict.TAMPERED


def test_a_pdf_signed_by_a_key_the_network_does_not_trust_is_refused(
    signing, stranger_pki, network_pki, nss_db, tmp_path, settings, lisbon
):
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": stranger_pki}
    forged = issue_certificate(completed(lisbon.academy)).pdf.read()
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": network_pki, "PASSPHRASE": PASSPHRASE}

    status = pyhanko_status(forged, network_pki / "network-root.pem")
    assert status.intact and status.valid and not status.trusted
    report = pdfsig(forged, nss_db, tmp_path)
    assert "Signature is Valid." in report and "Certificate is Trusted." not in report
    result = verify_pdf(forged)
    assert result.verdict == Verdict.UNTRUSTED
    assert not result.is_authentic and result.serial == ""


def test_verify_pdf_names_the_academy_and_the_certificate(signed_certificate):
    result = verify_pdf(signed_certificate.pdf.read())

    assert result.is_authentic
    assert (result.academy_code, result.academy_name) == ("LIS", "Lisbon Municipal Police")
    assert result.serial == signed_certificate.serial
    assert result.code == signed_certificate.code
    assert Certificate.objects.get(code=result.code) == signed_certificate


def test_an_unsigned_pdf_and_a_file_that_is_no_pdf_are_named_as_such(lisbon, settings, tmp_path):
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": tmp_path}  # no key: left unsigned
    unsigned = issue_certificate(completed(lisbon.academy)).pdf.read()

    assert verify_pdf(unsigned).verdict == Verdict.UNSIGNED
    assert verify_pdf(b"GIF89a not a certificate").verdict == Verdict.NOT_PDF
    assert verify_pdf(unsigned[: len(unsigned) // 2]).verdict in {
        Verdict.TAMPERED,
        Verdict.UNSIGNED,
    }


def test_where_signing_is_required_an_academy_without_a_key_issues_nothing(signing, settings, home):
    from academy.services import onboard_city

    nice = onboard_city(city="Nice", country="FR", code="NCE", academy_name="Police de Nice")
    settings.CERTIFICATE_SIGNING = {**settings.CERTIFICATE_SIGNING, "REQUIRED": True}
    enrolment = completed(nice.academy)

    with pytest.raises(SigningError, match="NCE"):
        issue_certificate(enrolment)
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


def test_a_wrong_passphrase_is_explained(settings, network_pki):
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": network_pki, "PASSPHRASE": "wrong"}

    with pytest.raises(SigningError, match="passphrase"):
        sign_pdf(b"%PDF-1.4", academy_code="MAD", serial="MAD-2026-000001", code="X" * 32)


def test_make_demo_pki_makes_a_root_and_a_private_key_per_academy_once(
    settings, tmp_path, lisbon, madrid
):
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": tmp_path / "pki", "PASSPHRASE": "secret"}

    call_command("make_demo_pki", academy=["NCE:Police municipale de Nice"], stdout=io.StringIO())
    made = {path.name: path.read_bytes() for path in (tmp_path / "pki").iterdir()}
    call_command("make_demo_pki", stdout=io.StringIO())

    assert set(made) == {"network-root.pem", "network-root.key", "LIS.p12", "MAD.p12", "NCE.p12"}
    assert {path.name: path.read_bytes() for path in (tmp_path / "pki").iterdir()} == made
    for name in ["network-root.key", "LIS.p12"]:
        assert stat.S_IMODE(os.stat(tmp_path / "pki" / name).st_mode) == 0o600


def test_an_unprintable_name_is_refused_at_issue_and_nothing_is_printed(lisbon):
    enrolment = completed(lisbon.academy, UserFactory(full_name="Officer 🚓"))

    with pytest.raises(CertificateRefused, match="cannot print"):
        issue_certificate(enrolment)
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


def test_the_demo_makes_its_keys_and_its_certificates_are_signed(
    db, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": tmp_path / "pki"}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())

    assert {path.name for path in (tmp_path / "pki").glob("*.p12")} == {
        "BRU.p12",
        "LIS.p12",
        "MAD.p12",
        "NCE.p12",
    }
    certificate = Certificate.objects.select_related("academy").first()
    result = verify_pdf(certificate.pdf.read())
    assert result.is_authentic and result.academy_code == certificate.academy.code


@pytest.fixture
def timestamp_authority(network_pki):
    """A timestamp authority on this machine, certified by the network's root: pyHanko's
    own test stamper answering RFC 3161 requests over HTTP."""
    import datetime
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    root_certificate, root_key = make_root(network_pki, passphrase=PASSPHRASE)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's: RSA only
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(root_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_with_a_timestamp_authority_the_signature_is_timestamped_b_t(
    settings, network_pki, timestamp_authority, lisbon
):
    settings.CERTIFICATE_SIGNING = {
        "KEY_DIR": network_pki,
        "PASSPHRASE": PASSPHRASE,
        "TIMESTAMP_URL": timestamp_authority,
    }

    data = issue_certificate(completed(lisbon.academy)).pdf.read()

    status = pyhanko_status(data, network_pki / "network-root.pem")
    assert status.trusted and status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    assert verify_pdf(data).timestamped


def test_a_dropped_pdf_is_traced_to_its_certificate_and_its_status(signed_certificate):
    from certificates.services import check_pdf

    revoke(signed_certificate, by=UserFactory(is_superuser=True), reason="Issued in error")
    result, certificate = check_pdf(signed_certificate.pdf.read())

    assert result.is_authentic
    assert certificate == signed_certificate
    assert certificate.status == Certificate.Status.REVOKED


def test_a_tampered_pdf_is_traced_to_no_certificate(signed_certificate):
    from certificates.services import check_pdf

    result, certificate = check_pdf(changed_byte(signed_certificate.pdf.read()))

    assert result.verdict == Verdict.TAMPERED and certificate is None


def test_signing_keys_inside_the_media_folder_are_refused_by_the_checks(settings):
    from academy.checks import check_signing_keys

    settings.CERTIFICATE_SIGNING = {"KEY_DIR": settings.MEDIA_ROOT / "pki"}

    assert [message.id for message in check_signing_keys(None)] == ["certificates.E003"]


def test_the_sites_own_signing_keys_folder_passes_the_checks(settings):
    from academy.checks import check_signing_keys

    assert check_signing_keys(None) == []


# The PDF dropped on the public verification page, and checked offline from a bundle


def _dropped(client, data, url=None):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")
    response = client.post(url or reverse("certificate_verify_file"), {"file": upload})
    assert response.status_code == 200
    return response.content.decode()


def test_a_dropped_signed_pdf_is_authentic_and_valid_with_its_holder(client, signed_certificate):
    page = _dropped(client, signed_certificate.pdf.read())

    assert "Authentic and valid" in page
    assert "Lisbon Municipal Police" in page and "Ana Luísa Carvalho" in page
    assert signed_certificate.serial in page and "PAdES" in page


def test_a_dropped_pdf_of_a_revoked_certificate_says_revoked_and_why(client, signed_certificate):
    revoke(signed_certificate, by=UserFactory(is_superuser=True), reason="Issued in error")

    page = _dropped(client, signed_certificate.pdf.read())

    assert "Authentic, but revoked" in page and "Issued in error" in page
    assert "Authentic and valid" not in page


def test_dropped_pdfs_that_prove_nothing_are_named_for_what_they_are(
    client, signed_certificate, stranger_pki, network_pki, settings, lisbon, tmp_path
):
    data = signed_certificate.pdf.read()
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": tmp_path}  # no key: left unsigned
    unsigned = issue_certificate(completed(lisbon.academy)).pdf.read()
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": stranger_pki}
    forged = issue_certificate(completed(lisbon.academy)).pdf.read()
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": network_pki, "PASSPHRASE": PASSPHRASE}
    appended = data + b"\n% one more line\n"

    for file, says in [
        (changed_byte(data), "Tampered or damaged"),
        (appended, "Tampered or damaged"),
        (data[: len(data) // 2], "Tampered or damaged"),
        (unsigned, "Not signed"),
        (forged, "Not issued by the network"),
    ]:
        page = _dropped(client, file)
        assert says in page
        assert "Authentic" not in page and signed_certificate.serial not in page


def test_a_dropped_pdf_is_checked_in_the_visitors_language(client, signed_certificate):
    from django.urls import reverse
    from django.utils import translation

    with translation.override("fr"):
        url = reverse("certificate_verify_file")

    page = _dropped(client, signed_certificate.pdf.read(), url)

    assert "Authentique et valable" in page


def test_a_signed_pdf_carries_its_status_list_entry(signed_certificate):
    result = verify_pdf(signed_certificate.pdf.read())

    assert result.status["statusListIndex"] == str(signed_certificate.status_index)
    assert result.status["statusListCredential"].endswith("/academies/LIS/status-list.json")


def test_verify_credential_checks_a_pdf_offline_from_the_bundle_revocation_included(
    signed_certificate, tmp_path, capsys
):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(signed_certificate.pdf.read())
    bundle = tmp_path / "bundle"
    call_command("export_trust_bundle", str(bundle))
    assert not list(bundle.rglob("*.p12")) and not list(bundle.rglob("*key*"))

    call_command("verify_credential", str(pdf), bundle=str(bundle))
    out = capsys.readouterr().out
    assert "AUTHENTIC (PDF signature)" in out and "not revoked" in out and "VALID" in out

    (tmp_path / "changed.pdf").write_bytes(changed_byte(pdf.read_bytes()))
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_credential", str(tmp_path / "changed.pdf"), bundle=str(bundle))

    revoke(signed_certificate, by=UserFactory(is_superuser=True), reason="Issued in error")
    with pytest.raises(CommandError, match="REVOKED"):  # online, from this site's records
        call_command("verify_credential", str(pdf))
    call_command("export_trust_bundle", str(bundle))
    with pytest.raises(CommandError, match="REVOKED"):  # offline, from the new bundle
        call_command("verify_credential", str(pdf), bundle=str(bundle))


def test_offline_a_pdf_is_not_trusted_without_the_networks_root(signed_certificate, tmp_path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(signed_certificate.pdf.read())
    bundle = tmp_path / "bundle"
    call_command("export_trust_bundle", str(bundle))
    for root in (bundle / "roots").glob("*.pem"):
        root.unlink()

    with pytest.raises(CommandError, match="UNTRUSTED"):
        call_command("verify_credential", str(pdf), bundle=str(bundle))
