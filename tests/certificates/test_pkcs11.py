"""Certificates signed by keys on a PKCS#11 token: a real softhsm2 token, made for the run in
a temporary folder, holds Lisbon's PDF signing key and certificate and the academies'
credential keys. What it signs is checked by pyHanko's validator, poppler's pdfsig, the
project's credential verification and jwcrypto; no key leaves the token."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from certificates.credentials import verify_credential
from certificates.issuers import DatabaseTrust, rotate_issuer_key
from certificates.keys import (
    KeyUnavailable,
    Pkcs11KeySource,
    TokenKey,
    forget_token_session,
    on_token,
    public_key_from_multibase,
    token_configuration,
)
from certificates.models import Certificate, IssuerKey
from certificates.pdf_signing import SigningError, Verdict, sign_pdf, signer_for, verify_pdf
from certificates.services import issue_certificate

from . import test_pdf_signing as signature_tests
from .test_certificates import completed
from .test_pdf_signing import PASSPHRASE, changed_byte, pdfsig, pyhanko_status

# The signature tests' fixtures: the network's PKI, and the NSS database pdfsig trusts it in.
network_pki = signature_tests.network_pki
nss_db = signature_tests.nss_db

pkcs11 = pytest.importorskip(
    "pkcs11", reason="python-pkcs11 is not installed (pip install -e '.[dev]' brings it)"
)

TOKEN_LABEL = "academies"
PIN = "4821"
SO_PIN = "90210735"
SOFTHSM_MODULES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
]


def softhsm_module():
    return next((path for path in SOFTHSM_MODULES if Path(path).is_file()), None)


@pytest.fixture(scope="session")
def token(tmp_path_factory):
    """An initialised softhsm2 token whose objects live in a temporary folder."""
    module, util = softhsm_module(), shutil.which("softhsm2-util")
    if module is None or util is None:
        pytest.skip("softhsm2 is not installed (apt-get install softhsm2)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        # softhsm2 reads it when the module is first initialised in this process.
        patch.setenv("SOFTHSM2_CONF", str(config))
        subprocess.run(  # noqa: S603 - the system's softhsm2-util, on the test's own folder
            [util, "--init-token", "--free", "--label", TOKEN_LABEL]
            + ["--pin", PIN, "--so-pin", SO_PIN],
            check=True,
            capture_output=True,
        )
        yield module
        forget_token_session()


def writing_session(module):
    """A read/write session of the token, for the test's own imports (logged in; the
    process's signing session is closed first, as a login belongs to the application)."""
    forget_token_session()
    return pkcs11.lib(module).get_token(token_label=TOKEN_LABEL).open(rw=True, user_pin=PIN)


@pytest.fixture(scope="session")
def lisbon_on_token(token, network_pki):
    """Lisbon's P-256 key and certificate imported onto the token, labelled ``LIS``; Madrid's
    stay in their .p12 file, off the token."""
    key, certificate, _chain = pkcs12.load_key_and_certificates(
        (network_pki / "LIS.p12").read_bytes(), PASSPHRASE.encode()
    )
    from cryptography.hazmat.primitives.serialization import Encoding
    from pkcs11.util.ec import encode_named_curve_parameters
    from pkcs11.util.x509 import decode_x509_certificate

    attribute = pkcs11.Attribute
    with writing_session(token) as session:
        session.create_object(
            {
                attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY,
                attribute.KEY_TYPE: pkcs11.KeyType.EC,
                attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1"),
                attribute.VALUE: key.private_numbers().private_value.to_bytes(32, "big"),
                attribute.LABEL: "LIS",
                attribute.ID: b"LIS",
                attribute.TOKEN: True,
                attribute.PRIVATE: True,
                attribute.SENSITIVE: True,
                attribute.EXTRACTABLE: False,
                attribute.SIGN: True,
            }
        )
        certificate_object = decode_x509_certificate(certificate.public_bytes(Encoding.DER))
        certificate_object.update(
            {attribute.LABEL: "LIS", attribute.ID: b"LIS", attribute.TOKEN: True}
        )
        session.create_object(certificate_object)
    return certificate


@pytest.fixture
def on_the_token(settings, token, lisbon_on_token, network_pki, tmp_path):
    """Signing with the token: the key folder holds no .p12, only the network's root is
    given, as the trust anchor."""
    settings.CERTIFICATE_SIGNING = {
        "KEY_DIR": tmp_path,
        "TRUST_ROOTS": [network_pki / "network-root.pem"],
        "PKCS11_LIB": token,
        "PKCS11_TOKEN": TOKEN_LABEL,
        "PKCS11_PIN": PIN,
    }
    return settings.CERTIFICATE_SIGNING


@pytest.fixture
def credential_keys_on_the_token(settings, on_the_token):
    settings.CERTIFICATE_KEY_SOURCE = "certificates.keys.Pkcs11KeySource"


def private_key_object(label):
    return on_token(
        lambda session: session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=label)
    )


# Certificate PDFs


def test_a_certificate_issued_with_the_token_is_signed_there_and_both_verifiers_trust_it(
    on_the_token, lisbon, network_pki, nss_db, tmp_path
):
    from pyhanko.sign.pkcs11 import PKCS11Signer

    certificate = issue_certificate(completed(lisbon.academy))
    data = certificate.pdf.read()

    assert isinstance(signer_for("LIS"), PKCS11Signer)
    result = verify_pdf(data)
    assert result.verdict == Verdict.AUTHENTIC
    assert (result.academy_code, result.serial) == ("LIS", certificate.serial)
    status = pyhanko_status(data, network_pki / "network-root.pem")
    assert status.intact and status.valid and status.trusted
    report = pdfsig(data, nss_db, tmp_path)
    assert "Signature is Valid." in report and "Certificate is Trusted." in report


def test_a_changed_byte_of_a_pdf_signed_on_the_token_makes_it_tampered(
    on_the_token, lisbon, nss_db, tmp_path
):
    changed = changed_byte(issue_certificate(completed(lisbon.academy)).pdf.read())

    assert verify_pdf(changed).verdict == Verdict.TAMPERED
    assert "Signature is Valid." not in pdfsig(changed, nss_db, tmp_path)


def test_the_signing_key_never_leaves_the_token(on_the_token):
    key = private_key_object("LIS")

    assert key[pkcs11.Attribute.SENSITIVE] is True
    assert key[pkcs11.Attribute.EXTRACTABLE] is False
    with pytest.raises(pkcs11.exceptions.AttributeSensitive):
        key[pkcs11.Attribute.VALUE]  # noqa: B018 - reading it is what must fail


def test_an_academy_without_a_key_on_the_token_is_left_unsigned(on_the_token, madrid):
    assert signer_for("MAD") is None
    unsigned = issue_certificate(completed(madrid.academy)).pdf.read()

    assert verify_pdf(unsigned).verdict == Verdict.UNSIGNED


def test_where_signing_is_required_an_academy_without_a_key_on_the_token_issues_nothing(
    on_the_token, settings, madrid
):
    settings.CERTIFICATE_SIGNING = {**on_the_token, "REQUIRED": True}
    enrolment = completed(madrid.academy)

    with pytest.raises(SigningError, match="MAD"):
        issue_certificate(enrolment)
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


# The broken session's search, collected later, reports the handle gone once more.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_broken_session_of_the_token_is_opened_again(on_the_token, lisbon):
    issue_certificate(completed(lisbon.academy))
    # What an unplugged token or a restarted HSM leaves behind: a session handle that is gone.
    on_token(lambda session: session.close())

    certificate = issue_certificate(completed(lisbon.academy))

    assert verify_pdf(certificate.pdf.read()).verdict == Verdict.AUTHENTIC


def test_a_token_that_cannot_be_opened_is_explained(on_the_token, settings):
    settings.CERTIFICATE_SIGNING = {**on_the_token, "PKCS11_TOKEN": "no-such-token"}

    with pytest.raises(SigningError, match="PIN"):
        sign_pdf(b"%PDF-1.4", academy_code="LIS", serial="LIS-2026-000001", code="X" * 32)


# Credential keys


def test_a_credential_signed_on_the_token_verifies_and_its_jwt_with_jwcrypto(
    credential_keys_on_the_token, lisbon, settings
):
    from jwcrypto import jwk, jwt

    certificate = issue_certificate(completed(lisbon.academy))
    key = IssuerKey.objects.get(academy=lisbon.academy)

    assert not (Path(settings.CERTIFICATE_KEY_DIR) / "LIS" / f"{key.key_id}.pem").exists()
    for form in (json.dumps(certificate.credential).encode(), certificate.credential_jwt.encode()):
        verdict = verify_credential(form, DatabaseTrust())
        assert verdict.authentic and verdict.holds
    raw = public_key_from_multibase(key.public_key).public_bytes_raw()
    public = jwk.JWK(kty="OKP", crv="Ed25519", x=base64.urlsafe_b64encode(raw).decode().rstrip("="))
    token = jwt.JWT(jwt=certificate.credential_jwt, key=public, algs=["EdDSA"])
    assert (
        json.loads(token.claims)["credentialSubject"] == certificate.credential["credentialSubject"]
    )


def test_a_rotated_key_is_made_on_the_token_its_public_key_recorded_and_it_signs(
    credential_keys_on_the_token, lisbon
):
    key = rotate_issuer_key(lisbon.academy)
    label = f"LIS-{key.key_id}"

    signature = TokenKey(label, token_configuration()).sign(b"a status list")
    public_key_from_multibase(key.public_key).verify(signature, b"a status list")
    made = private_key_object(label)
    assert made[pkcs11.Attribute.ALWAYS_SENSITIVE] is True
    assert made[pkcs11.Attribute.NEVER_EXTRACTABLE] is True
    assert isinstance(Pkcs11KeySource().load("LIS", key.key_id), TokenKey)


def test_a_read_only_token_refuses_to_make_keys_and_none_is_recorded(
    credential_keys_on_the_token, settings, lisbon
):
    settings.CERTIFICATE_SIGNING = {**settings.CERTIFICATE_SIGNING, "PKCS11_WRITABLE": False}

    with pytest.raises(KeyUnavailable, match="read-only"):
        rotate_issuer_key(lisbon.academy)
    assert not IssuerKey.objects.filter(academy=lisbon.academy).exists()
    with pytest.raises(KeyUnavailable, match="in clear"):
        Pkcs11KeySource().store("LIS", "key-1", private_key=None)
    with pytest.raises(KeyUnavailable, match="No Ed25519 key LIS-key-1"):
        Pkcs11KeySource().load("LIS", "key-1")
