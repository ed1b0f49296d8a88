"""Each academy as an issuer: its keys, did:web document, status list and credentials."""

import calendar
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from academy.models import AcademyPage, address_of

from .credentials import (
    OB_V3,
    VC_V2,
    add_proof,
    encode_bits,
    sign_jwt,
    utc_timestamp,
)
from .keys import key_source, public_key_from_multibase, public_multibase
from .models import Certificate, CertificateTemplate, IssuerKey, SerialNumber, StatusList


def site_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def did_of(academy_code):
    """``did:web:<host>:academies:<CODE>``: resolved at ``/academies/<CODE>/did.json``."""
    host = urlsplit(site_url()).netloc
    return f"did:web:{quote(host, safe='')}:academies:{academy_code}"


def did_document_url(academy_code):
    return f"{site_url()}/academies/{academy_code}/did.json"


def status_list_url(academy_code):
    return f"{site_url()}/academies/{academy_code}/status-list.json"


def issuer_profile_url(academy_code):
    return f"{site_url()}/academies/{academy_code}/issuer.json"


def method_id(key):
    return f"{did_of(key.academy.code)}#{key.key_id}"


def _new_key_id():
    return f"key-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(2)}"


def _new_private_key(source, academy_code, key_id):
    """A new key, made where it will be kept: a source that makes its own (a PKCS#11 token,
    ``make_key``) makes it there, and its private half never exists outside; otherwise it is
    made here and handed to the source."""
    if hasattr(source, "make_key"):
        return source.make_key(academy_code, key_id)
    private_key = Ed25519PrivateKey.generate()
    source.store(academy_code, key_id, private_key)
    return private_key


@transaction.atomic
def rotate_issuer_key(academy, *, only_if_none=False):
    """Make a new signing key for the academy; the current one stops signing but stays listed
    in the did:web document (credentials it signed still verify). Returns the new IssuerKey.

    Under a lock of the academy: two first certificates at once make one key, not two."""
    AcademyPage.objects.select_for_update().filter(pk=academy.pk).first()
    if only_if_none:
        current = IssuerKey.objects.filter(academy=academy, retired_at__isnull=True).first()
        if current is not None:
            return current
    key_id = _new_key_id()
    # The private key is stored first: a key the database lists but nobody holds signs nothing.
    private_key = _new_private_key(key_source(), academy.code, key_id)
    IssuerKey.objects.filter(academy=academy, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    return IssuerKey.objects.create(
        academy=academy, key_id=key_id, public_key=public_multibase(private_key.public_key())
    )


def signing_key(academy):
    """(IssuerKey, private key) the academy signs with now; a first key is made if it has none
    and the key source can store one."""
    key = IssuerKey.objects.filter(academy=academy, retired_at__isnull=True).first()
    if key is None:
        key = rotate_issuer_key(academy, only_if_none=True)
    key.academy = academy
    return key, key_source().load(academy.code, key.key_id)


def listed_keys(academy):
    return IssuerKey.objects.filter(academy=academy, withdrawn_at__isnull=True)


def did_document(academy):
    """The academy's did:web document: every key still listed, as a Multikey."""
    did = did_of(academy.code)
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key,
        }
        for key in listed_keys(academy)
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "alsoKnownAs": [academy.full_url] if academy.full_url else [],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def issuer_profile(academy):
    """The academy as an Open Badges issuer Profile."""
    profile = {
        "id": did_of(academy.code),
        "type": ["Profile"],
        "name": academy.title,
        "address": {
            "type": ["Address"],
            "addressLocality": academy.city,
            "addressCountryCode": academy.country,
        },
    }
    if academy.full_url:
        profile["url"] = academy.full_url
    if academy.contact_email:
        profile["email"] = academy.contact_email
    return profile


# Status lists


def _status_list(academy, *, lock):
    StatusList.objects.bulk_create(
        [StatusList(academy=academy, bits=bytes(StatusList.SIZE // 8))], ignore_conflicts=True
    )
    lists = StatusList.objects.select_for_update() if lock else StatusList.objects
    return lists.get(academy=academy)


def allocate_status_index(academy):
    """A random index of the academy's list that no serial number or certificate uses yet
    (call after the serial counter's lock, which keeps an academy's numbers in line; the
    unique constraints guard the rest)."""
    if not StatusList.objects.filter(academy=academy).exists():
        _status_list(academy, lock=False)  # the list exists before its first bit can be set
    for _attempt in range(64):
        index = secrets.randbelow(StatusList.SIZE)
        given = {"academy": academy, "status_index": index}
        if not (
            SerialNumber.objects.filter(**given).exists()
            or Certificate.objects.filter(**given).exists()
        ):
            return index
    # 64 used indexes in a row: the list is nearly full (at least 98% of it, by chance).
    raise RuntimeError("The academy's status list is full: give it a second list.")


def set_status_bit(certificate):
    """Set the certificate's bit in its academy's list, in the caller's transaction (the one
    that revokes or supersedes it), under a lock of the list row."""
    if certificate.status_index is None:
        return
    status_list = _status_list(certificate.academy, lock=True)
    status_list.set(certificate.status_index)
    status_list.save(update_fields=["bits", "updated_at"])


def status_list_credential(academy):
    """The academy's signed BitstringStatusListCredential, cached by the list's last change
    (a new bit makes a new key: no server ever serves a list older than its database)."""
    status_list = _status_list(academy, lock=False)
    cache_key = f"certificates:status-list:{academy.pk}:{status_list.updated_at.timestamp()}"
    cached = cache.get(cache_key)
    if cached:
        return cached
    key, private_key = signing_key(academy)
    url = status_list_url(academy.code)
    document = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_of(academy.code),
        "validFrom": utc_timestamp(status_list.updated_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(bytes(status_list.bits)),
        },
    }
    signed = add_proof(document, private_key, method_id(key), timezone.now())
    cache.set(cache_key, signed, timeout=24 * 3600)
    return signed


# Credentials


def add_months(day, months):
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def valid_until(template, issued_on):
    """The last day a certificate of this template holds, or None if it never expires."""
    if template is None or not template.validity_months:
        return None
    return add_months(issued_on, template.validity_months)


def identity_hash(email, salt):
    """OB 3.0 IdentityHash: sha256 of the address followed by the salt, never the address."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _criteria(completion, language):
    with translation.override(language):
        if completion:
            return gettext(
                "Completed every required module and passed every assessment of the course."
            )
        return gettext("Attended the event in full.")


def _achievement(certificate):
    snapshot = certificate.snapshot
    session = certificate.enrolment.session
    course = session.course if session.course_id else None
    completion = snapshot.get("kind") == CertificateTemplate.Kind.COMPLETION
    if course:
        achievement_id = f"{site_url()}/academies/{certificate.academy.code}/courses/{course.pk}"
    else:
        achievement_id = f"{site_url()}/academies/{certificate.academy.code}/sessions/{session.pk}"
    achievement = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Course" if completion else f"ext:{session.kind.title()}",
        "name": snapshot.get("course") or snapshot.get("session"),
        # What was achieved, where and when; never the certificate's text, which may name
        # the officer.
        "description": f"{snapshot.get('course') or snapshot.get('session')} — "
        f"{snapshot.get('academy', '')}, {snapshot.get('dates', '')}",
        # In the certificate's language, which ``inLanguage`` declares.
        "criteria": {"narrative": _criteria(completion, certificate.language)},
        "inLanguage": certificate.language,
    }
    if snapshot.get("hours"):
        achievement["creditsAvailable"] = float(snapshot["hours"])
    return achievement


def build_credential(certificate, issuer=None):
    """The certificate as an unsigned OpenBadgeCredential (VC Data Model 2.0); ``issuer``
    is the academy's issuer profile, where the caller has it already."""
    from .services import verification_url

    code = certificate.academy.code
    issued = certificate.issued_at or timezone.now()
    salt = secrets.token_hex(16)
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(address_of(certificate.enrolment.officer), salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": _achievement(certificate),
    }
    if certificate.snapshot.get("hours"):
        subject["creditsEarned"] = float(certificate.snapshot["hours"])
    credential = {
        "@context": [VC_V2, OB_V3],
        "id": verification_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.snapshot.get("title") or certificate.serial,
        "issuer": issuer or issuer_profile(certificate.academy),
        "validFrom": utc_timestamp(issued),
        "credentialSubject": subject,
    }
    if certificate.valid_until:
        credential["validUntil"] = f"{certificate.valid_until.isoformat()}T23:59:59Z"
    if certificate.status_index is not None:
        credential["credentialStatus"] = {
            "id": f"{status_list_url(code)}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_list_url(code),
        }
    return credential


@dataclass(frozen=True)
class CredentialSigning:
    """What an academy signs its credentials with now: the key's verification method, the
    private key, and the issuer profile they name."""

    method: str
    private_key: Ed25519PrivateKey
    issuer: dict


def credential_signing(academy):
    key, private_key = signing_key(academy)
    return CredentialSigning(method_id(key), private_key, issuer_profile(academy))


def sign_credential(certificate, signing=None):
    """Build and sign the certificate's credential in both forms and keep them with it.

    ``signing`` is the academy's ``credential_signing``, looked up once where many
    certificates are signed together (a batch part), otherwise here."""
    signing = signing or credential_signing(certificate.academy)
    credential = build_credential(certificate, issuer=signing.issuer)
    certificate.credential = add_proof(
        credential, signing.private_key, signing.method, timezone.now()
    )
    certificate.credential_jwt = sign_jwt(credential, signing.private_key, signing.method)
    return certificate


@transaction.atomic
def ensure_credential(certificate):
    """The certificate with its signed credential: one issued before credentials existed gets
    a status list index (its bit set if it no longer holds) and is signed now."""
    if certificate.credential:
        return certificate
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("academy", "enrolment__officer", "enrolment__session")
        .get(pk=certificate.pk)
    )
    if certificate.credential:
        return certificate
    if certificate.status_index is None:
        certificate.status_index = allocate_status_index(certificate.academy)
        if not certificate.is_valid:
            set_status_bit(certificate)
    sign_credential(certificate)
    certificate.save(update_fields=["status_index", "credential", "credential_jwt"])
    return certificate


class DatabaseTrust:
    """The trust store of this site: keys and status lists from its own records."""

    def public_key(self, method):
        did, _hash, key_id = method.partition("#")
        key = (
            IssuerKey.objects.filter(key_id=key_id, withdrawn_at__isnull=True)
            .select_related("academy")
            .first()
        )
        if key is None or did_of(key.academy.code) != did:
            return None
        return public_key_from_multibase(key.public_key)

    def status_list(self, url):
        for academy in AcademyPage.objects.in_default_locale().only("pk", "code"):
            if status_list_url(academy.code) == url:
                return status_list_credential(academy)
        return None
