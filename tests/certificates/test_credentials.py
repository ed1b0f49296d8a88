"""Trusted certificates: academies as issuers, Open Badges 3.0 credentials in two proof forms,
status lists that anyone can check, verification with and without this site."""

import base64
import gzip
import hashlib
import io
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt
from pyld import jsonld

from certificates import linked_data
from certificates.credentials import (
    BundleTrust,
    add_proof,
    check_proof,
    decode_bits,
    verify_credential,
)
from certificates.issuers import (
    DatabaseTrust,
    did_of,
    rotate_issuer_key,
    status_list_credential,
)
from certificates.keys import (
    EnvironmentKeySource,
    FileKeySource,
    KeyUnavailable,
    base58_decode,
    private_pem,
    public_key_from_multibase,
)
from certificates.models import Certificate, CertificateTemplate, IssuerKey, StatusList
from certificates.services import issue_certificate, reissue, revoke
from tests.certificates.test_certificates import completed
from tests.concurrency import meet_before, race_test, run_at_once
from tests.factories import UserFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture
def certificate(lisbon):
    return issue_certificate(completed(lisbon.academy))


def as_file(document):
    return json.dumps(document).encode()


def verify(data):
    return verify_credential(data, DatabaseTrust())


# Issuers and keys


def test_each_academy_serves_its_did_web_document_with_its_key_as_a_multikey(client, certificate):
    response = client.get(f"/academies/{certificate.academy.code}/did.json")
    document = response.json()
    method = document["verificationMethod"][0]
    assert response.status_code == 200
    assert document["id"] == did_of(certificate.academy.code) == "did:web:testserver:academies:LIS"
    assert method["type"] == "Multikey"
    assert method["id"] in document["assertionMethod"]
    raw = base58_decode(method["publicKeyMultibase"][1:])
    assert method["publicKeyMultibase"].startswith("z6Mk") and raw[:2] == b"\xed\x01"
    assert len(raw) == 34


def test_the_private_key_is_a_file_only_its_owner_reads_and_never_in_the_database(
    certificate, settings
):
    key = IssuerKey.objects.get(academy=certificate.academy)
    path = Path(settings.CERTIFICATE_KEY_DIR) / "LIS" / f"{key.key_id}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pem = path.read_text()
    raw = FileKeySource().load("LIS", key.key_id).private_bytes_raw()
    for model in (IssuerKey, Certificate, StatusList):
        for row in model.objects.values():
            text = json.dumps(row, default=str)
            assert pem.splitlines()[1] not in text
            assert base64.b64encode(raw).decode() not in text


def test_a_key_file_others_may_read_is_refused(certificate, settings):
    key = IssuerKey.objects.get(academy=certificate.academy)
    path = Path(settings.CERTIFICATE_KEY_DIR) / "LIS" / f"{key.key_id}.pem"
    os.chmod(path, 0o644)
    with pytest.raises(KeyUnavailable, match="chmod 600"):
        FileKeySource().load("LIS", key.key_id)


def test_a_key_folder_inside_the_media_folder_is_refused_by_the_system_checks(settings):
    from certificates.checks import check_key_directory

    assert check_key_directory(None) == []
    settings.CERTIFICATE_KEY_DIR = Path(settings.MEDIA_ROOT) / "keys"
    assert [message.id for message in check_key_directory(None)] == ["certificates.E004"]


def test_keys_may_come_from_the_environment(monkeypatch):
    private_key = Ed25519PrivateKey.generate()
    monkeypatch.setenv("CERTIFICATE_KEY_LIS_KEY_1", private_pem(private_key).decode())
    loaded = EnvironmentKeySource().load("LIS", "key-1")
    assert loaded.private_bytes_raw() == private_key.private_bytes_raw()
    with pytest.raises(KeyUnavailable, match="CERTIFICATE_KEY_LIS_KEY_2"):
        EnvironmentKeySource().load("LIS", "key-2")


def test_after_a_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(
    client, lisbon, certificate
):
    old_key = IssuerKey.objects.get(academy=lisbon.academy)
    call_command("rotate_issuer_key", "lis", stdout=io.StringIO())
    new_key = IssuerKey.objects.get(academy=lisbon.academy, retired_at__isnull=True)
    later = issue_certificate(completed(lisbon.academy))

    listed = client.get("/academies/LIS/did.json").json()["assertionMethod"]
    assert {old_key.key_id, new_key.key_id} == {m.split("#")[1] for m in listed}
    assert verify(as_file(certificate.credential)).holds
    assert later.credential["proof"]["verificationMethod"].endswith(f"#{new_key.key_id}")
    assert verify(as_file(later.credential)).holds


def test_a_withdrawn_key_is_no_longer_listed_nor_trusted(client, lisbon, certificate):
    old_key = IssuerKey.objects.get(academy=lisbon.academy)
    with pytest.raises(CommandError, match="rotate first"):
        call_command("rotate_issuer_key", "LIS", withdraw=old_key.key_id)
    rotate_issuer_key(lisbon.academy)
    call_command("rotate_issuer_key", "LIS", withdraw=old_key.key_id, stdout=io.StringIO())
    assert len(client.get("/academies/LIS/did.json").json()["assertionMethod"]) == 1
    verdict = verify(as_file(certificate.credential))
    assert not verdict.authentic and verdict.unknown_key


# Open Badges 3.0 credentials


def test_the_credential_names_the_academy_the_achievement_and_its_hours(certificate):
    credential = certificate.credential
    achievement = credential["credentialSubject"]["achievement"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:testserver:academies:LIS"
    assert credential["issuer"]["name"] == certificate.academy.title
    assert achievement["name"] == certificate.snapshot["course"]
    assert achievement["criteria"]["narrative"]
    assert credential["validFrom"].endswith("Z")
    assert "validUntil" not in credential  # the template sets no validity
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_the_officer_is_named_by_a_salted_hash_of_the_address_never_the_address(certificate):
    email = certificate.enrolment.officer.email
    assert certificate.snapshot["name"] not in json.dumps(
        certificate.credential, ensure_ascii=False
    )
    identity = certificate.credential["credentialSubject"]["identifier"][0]
    assert email not in json.dumps(certificate.credential)
    assert email not in certificate.credential_jwt and email not in str(
        base64.urlsafe_b64decode(certificate.credential_jwt.split(".")[1] + "==")
    )
    assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
    expected = hashlib.sha256((email.lower() + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_a_template_validity_in_months_gives_valid_until(lisbon):
    CertificateTemplate.objects.create(academy=lisbon.academy, name="First aid", validity_months=24)
    certificate = issue_certificate(completed(lisbon.academy))
    issued = certificate.issued_at.date()
    assert (certificate.valid_until.year - issued.year) * 12 + (
        certificate.valid_until.month - issued.month
    ) == 24
    assert certificate.credential["validUntil"] == f"{certificate.valid_until}T23:59:59Z"


def test_the_credential_validates_against_1edtechs_json_schema(certificate):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "ob_v3p0_achievementcredential_schema.json").read_text())
    assert schema["$id"].endswith("ob_v3p0_achievementcredential_schema.json")
    # The copy is the revision that still requires VC 1.1's issuanceDate; VC Data Model 2.0
    # (which OB 3.0 follows) names it validFrom. That one requirement is read as validFrom.
    schema["required"] = [
        "validFrom" if name == "issuanceDate" else name for name in schema["required"]
    ]
    validator = jsonschema.Draft201909Validator(schema)
    assert list(validator.iter_errors(certificate.credential)) == []
    assert list(validator.iter_errors({**certificate.credential, "issuer": "not a profile"}))


# Data Integrity proof (eddsa-rdfc-2022)


def test_the_w3c_eddsa_rdfc_2022_test_vector_verifies(monkeypatch):
    monkeypatch.setitem(
        linked_data.EXTRA_CONTEXTS,
        "https://www.w3.org/ns/credentials/examples/v2",
        json.loads((DATA / "credentials-examples-v2.json").read_text()),
    )
    vector = json.loads((DATA / "eddsa-rdfc-2022-signed.json").read_text())
    public_key = public_key_from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    method = vector["proof"]["verificationMethod"]
    assert check_proof(vector, {method: public_key}.get) == method


def test_our_proof_verifies_with_pyld_and_cryptography_used_directly(certificate):
    """The spec's algorithm written out here, not our signing code: canonicalize both parts,
    hash, concatenate, check the Ed25519 signature with the key of the did document."""
    document = dict(certificate.credential)
    proof = dict(document.pop("proof"))
    signature = base58_decode(proof.pop("proofValue")[1:])
    proof["@context"] = document["@context"]

    def canonical(value):
        return jsonld.normalize(
            value,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": linked_data.document_loader,
            },
        ).encode()

    key = IssuerKey.objects.get(academy=certificate.academy)
    public_key_from_multibase(key.public_key).verify(
        signature,
        hashlib.sha256(canonical(proof)).digest() + hashlib.sha256(canonical(document)).digest(),
    )


def test_the_verification_loads_no_context_from_the_network(certificate, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a context was fetched")

    monkeypatch.setattr(jsonld, "requests_document_loader", lambda **kw: no_network)
    foreign = {**certificate.credential, "@context": [*certificate.credential["@context"]]}
    foreign["@context"].append("https://example.org/unknown-context.json")
    assert verify(as_file(certificate.credential)).holds
    assert not verify(as_file(foreign)).authentic


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["credentialSubject"]["achievement"].update(name="Another course"),
        lambda c: c["credentialSubject"].update(creditsEarned=99.0),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["issuer"].update(name="Another academy"),
        lambda c: c.update(unsignedNote="added"),
    ],
    ids=["achievement", "hours", "date", "issuer name", "added property"],
)
def test_a_changed_credential_is_named_tampered(certificate, change):
    credential = json.loads(json.dumps(certificate.credential))
    change(credential)
    verdict = verify(as_file(credential))
    assert not verdict.authentic and not verdict.unknown_key


def test_a_credential_signed_by_a_key_the_network_does_not_list_is_refused(certificate):
    impostor = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in certificate.credential.items() if k != "proof"}
    method = f"{did_of('LIS')}#key-impostor"
    forged = add_proof(unsigned, impostor, method, certificate.issued_at)
    verdict = verify(as_file(forged))
    assert not verdict.authentic and verdict.unknown_key


def test_a_key_of_one_academy_cannot_sign_for_another(lisbon, madrid, certificate):
    madrid_cert = issue_certificate(completed(madrid.academy))
    from certificates.issuers import signing_key

    key, private_key = signing_key(madrid.academy)
    unsigned = {k: v for k, v in certificate.credential.items() if k != "proof"}
    forged = add_proof(unsigned, private_key, f"{did_of('MAD')}#{key.key_id}", key.created_at)
    assert verify(as_file(madrid_cert.credential)).authentic
    assert not verify(as_file(forged)).authentic


# VC-JWT


def test_the_jwt_verifies_with_another_jose_library(certificate):
    key = IssuerKey.objects.get(academy=certificate.academy)
    raw = public_key_from_multibase(key.public_key).public_bytes_raw()
    public = jwcrypto_jwk.JWK(
        kty="OKP", crv="Ed25519", x=base64.urlsafe_b64encode(raw).decode().rstrip("=")
    )
    token = jwcrypto_jwt.JWT(jwt=certificate.credential_jwt, key=public, algs=["EdDSA"])
    claims = json.loads(token.claims)
    header = json.loads(token.header)
    assert header["alg"] == "EdDSA" and header["kid"].endswith(f"#{key.key_id}")
    assert claims["iss"] == certificate.credential["issuer"]["id"]
    assert claims["credentialSubject"] == certificate.credential["credentialSubject"]


def test_a_changed_jwt_is_named_tampered(certificate):
    header, payload, signature = certificate.credential_jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Another course"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert verify(certificate.credential_jwt.encode()).holds
    verdict = verify(f"{header}.{forged}.{signature}".encode())
    assert not verdict.authentic and not verdict.unknown_key


# Status lists


def test_the_status_list_has_131072_entries_gzip_base64url_multibase(client, certificate):
    document = client.get("/academies/LIS/status-list.json").json()
    encoded = document["credentialSubject"]["encodedList"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    assert check_proof(document, DatabaseTrust().public_key)


def test_each_certificate_gets_its_own_random_index(lisbon):
    indexes = [issue_certificate(completed(lisbon.academy)).status_index for _ in range(5)]
    assert len(set(indexes)) == 5
    assert all(0 <= index < StatusList.SIZE for index in indexes)


def test_revoking_sets_the_bit_in_the_same_transaction(certificate, lisbon_coordinator):
    index = certificate.status_index
    with pytest.raises(RuntimeError), transaction.atomic():
        revoke(certificate, by=lisbon_coordinator, reason="Fraud")
        # Inside the transaction that revoked it, the bit is already set...
        assert StatusList.objects.get(academy=certificate.academy).is_set(index)
        raise RuntimeError("the revocation fails later")
    # ...and when the revocation is rolled back, so is the bit.
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not StatusList.objects.get(academy=certificate.academy).is_set(index)


def test_a_revoked_credential_shows_revoked_to_anyone_with_the_status_list(
    client, certificate, lisbon_coordinator
):
    assert verify(as_file(certificate.credential)).revoked is False
    revoke(certificate, by=lisbon_coordinator, reason="Obtained by fraud")
    document = client.get("/academies/LIS/status-list.json").json()
    bits = decode_bits(document["credentialSubject"]["encodedList"])
    assert bits[certificate.status_index // 8] & (0x80 >> (certificate.status_index % 8))
    verdict = verify(as_file(certificate.credential))
    assert verdict.authentic and verdict.revoked and not verdict.holds


def test_a_superseded_certificate_sets_its_bit_too(certificate, lisbon_coordinator):
    reissue(certificate, by=lisbon_coordinator)
    assert verify(as_file(certificate.credential)).revoked is True


# The verification page and command


def test_the_verification_page_offers_the_credential(client, certificate):
    page = client.get(reverse("certificate_verify", args=[certificate.code]))
    url = reverse("certificate_verify_credential_json", args=[certificate.code])
    assert url in page.content.decode()
    assert json.loads(b"".join(client.get(url))) == certificate.credential


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_an_officer_downloads_their_own_credential_and_nobody_elses(client, certificate, form):
    owner = certificate.enrolment.officer
    url = reverse(f"certificate_download_credential_{form}", args=[certificate.pk])
    client.force_login(owner)
    own = client.get(url)
    assert own.status_code == 200 and "no-store" in own["Cache-Control"]
    assert verify(own.content).holds
    page = client.get(reverse("my_learning")).content.decode()
    assert url in page
    client.force_login(completed(certificate.academy).officer)
    assert client.get(url).status_code == 404


def test_dropping_a_valid_credential_file_says_authentic_and_by_whom(client, certificate):
    response = client.post(
        reverse("certificate_verify_file"),
        {"file": _upload("badge.json", as_file(certificate.credential))},
    )
    text = response.content.decode()
    assert "Authentic and valid" in text and certificate.academy.title in text


def test_dropping_a_revoked_credential_shows_the_reason(client, certificate, lisbon_coordinator):
    revoke(certificate, by=lisbon_coordinator, reason="Obtained by fraud")
    response = client.post(
        reverse("certificate_verify_file"),
        {"file": _upload("badge.jwt", certificate.credential_jwt.encode())},
    )
    text = response.content.decode()
    assert "Authentic, but revoked" in text and "Obtained by fraud" in text


def test_dropping_a_tampered_file_names_it_tampered(client, certificate):
    credential = json.loads(json.dumps(certificate.credential))
    credential["credentialSubject"]["creditsEarned"] = 99.0
    response = client.post(
        reverse("certificate_verify_file"), {"file": _upload("badge.json", as_file(credential))}
    )
    assert "Tampered or damaged" in response.content.decode()


def test_an_expired_credential_is_named_expired(client, lisbon):
    CertificateTemplate.objects.create(academy=lisbon.academy, name="Refresher", validity_months=1)
    certificate = issue_certificate(completed(lisbon.academy))
    Certificate.objects.filter(pk=certificate.pk).update(valid_until="2020-01-01")
    from datetime import UTC, datetime

    later = datetime(2100, 1, 1, tzinfo=UTC)
    verdict = verify_credential(as_file(certificate.credential), DatabaseTrust(), today=later)
    assert verdict.authentic and verdict.expired and not verdict.holds
    page = client.get(reverse("certificate_verify", args=[certificate.code])).content.decode()
    assert "Expired" in page


def test_verify_credential_works_offline_from_an_exported_bundle(
    tmp_path, certificate, lisbon_coordinator, capsys
):
    (tmp_path / "badge.json").write_bytes(as_file(certificate.credential))
    (tmp_path / "badge.jwt").write_text(certificate.credential_jwt)
    call_command("export_trust_bundle", str(tmp_path / "bundle"))
    trust = BundleTrust(tmp_path / "bundle")
    assert verify_credential(as_file(certificate.credential), trust).holds

    call_command("verify_credential", str(tmp_path / "badge.jwt"), bundle=str(tmp_path / "bundle"))
    assert "VALID" in capsys.readouterr().out

    tampered = dict(certificate.credential, name="Forged")
    (tmp_path / "forged.json").write_bytes(as_file(tampered))
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command(
            "verify_credential", str(tmp_path / "forged.json"), bundle=str(tmp_path / "bundle")
        )

    revoke(certificate, by=lisbon_coordinator, reason="Fraud")
    call_command("export_trust_bundle", str(tmp_path / "bundle"))
    with pytest.raises(CommandError, match="REVOKED"):
        call_command(
            "verify_credential", str(tmp_path / "badge.json"), bundle=str(tmp_path / "bundle")
        )


def test_an_unknown_academy_has_no_issuer_documents(client, db):
    assert client.get("/academies/ZZZ/did.json").status_code == 404
    assert client.get("/academies/ZZZ/status-list.json").status_code == 404


def test_status_list_credential_is_cached_until_a_bit_changes(certificate, lisbon_coordinator):
    first = status_list_credential(certificate.academy)
    assert status_list_credential(certificate.academy) == first
    revoke(certificate, by=lisbon_coordinator, reason="Fraud")
    assert status_list_credential(certificate.academy) != first


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_certificate_issued_before_credentials_gets_one_with_its_status_on_download(
    client, certificate, lisbon_coordinator
):
    revoke(certificate, by=lisbon_coordinator, reason="Fraud")
    Certificate.objects.filter(pk=certificate.pk).update(
        credential=None, credential_jwt="", status_index=None
    )
    url = reverse("certificate_verify_credential_json", args=[certificate.code])
    credential = json.loads(b"".join(client.get(url)))
    verdict = verify(as_file(credential))
    assert verdict.authentic and verdict.revoked is True


# Validity and renewal


def _expiring(lisbon, months=12):
    CertificateTemplate.objects.get_or_create(
        academy=lisbon.academy, name="Refresher", defaults={"validity_months": months}
    )
    return issue_certificate(completed(lisbon.academy))


def test_an_officer_is_reminded_before_expiry_with_the_sessions_that_renew_it(
    lisbon, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from certificates.renewals import remind_certificates_expiring
    from tests.academy.sessions import make_session

    certificate = _expiring(lisbon)
    session = certificate.enrolment.session
    next_run = make_session(
        lisbon.academy, kind=session.kind, title="Exchange Day, next run", capacity=10
    )
    in_days = 30
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=in_days)
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_certificates_expiring(in_days) == 1
        assert remind_certificates_expiring(in_days) == 0  # once only
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert certificate.serial in body and next_run.title in body
    assert mailoutbox[0].to == [certificate.enrolment.officer.email]


def test_coordinators_see_who_expires_when_in_their_own_city_only(
    client, lisbon, madrid, lisbon_coordinator
):
    own = _expiring(lisbon)
    CertificateTemplate.objects.create(academy=madrid.academy, name="Other", validity_months=6)
    other = issue_certificate(completed(madrid.academy))
    client.force_login(lisbon_coordinator)
    page = client.get(reverse("certificates_expiring_report")).content.decode()
    assert own.serial in page and other.serial not in page
    export = client.get(reverse("certificates_expiring_report") + "?export=csv")
    text = b"".join(export).decode()
    assert own.serial in text and other.serial not in text
    xlsx = client.get(reverse("certificates_expiring_report") + "?export=xlsx")
    assert xlsx.status_code == 200


def test_officers_cannot_open_the_expiry_report(client, lisbon, officer):
    client.force_login(officer)
    assert client.get(reverse("certificates_expiring_report")).status_code in (302, 403)


# Concurrency (PostgreSQL)


@race_test
def test_revocations_at_once_each_set_their_bit(lisbon, lisbon_coordinator, monkeypatch):
    """Fails without the row lock on the status list in set_status_bit: each revocation
    reads the same bits, sets its own and writes them back over the others'."""
    certificates = [issue_certificate(completed(lisbon.academy)) for _ in range(4)]
    meet_before(monkeypatch, StatusList, "set", len(certificates))

    errors = run_at_once(
        lambda certificate: revoke(certificate, by=lisbon_coordinator, reason="Fraud"),
        certificates,
    )

    assert errors == []
    status_list = StatusList.objects.get(academy=lisbon.academy)
    assert all(status_list.is_set(c.status_index) for c in certificates)


def test_the_criteria_are_written_in_the_certificates_language(lisbon):
    officer = UserFactory(full_name="Ana Costa", preferred_language="pt")
    certificate = issue_certificate(completed(lisbon.academy, officer))

    achievement = certificate.credential["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "pt"
    assert achievement["criteria"]["narrative"] == "Participou no evento na íntegra."
    assert verify(as_file(certificate.credential)).holds
