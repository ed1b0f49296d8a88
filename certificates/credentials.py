"""Open Badges 3.0 credentials: build, sign and verify, in the two proof forms.

- Data Integrity ``eddsa-rdfc-2022`` (W3C vc-di-eddsa): the credential and the proof options
  are canonicalized (RDFC-1.0, pyld with local contexts), hashed (SHA-256) and signed with
  Ed25519 (cryptography).
- VC-JWT: the same credential as the claims of a JWS signed with EdDSA (joserfc).

Verification needs no database: it asks a *trust store* for the issuers' public keys and
status lists. ``DatabaseTrust`` (in ``issuers``) answers from this site's records;
``BundleTrust`` answers from an exported bundle (``export_trust_bundle``), offline.
"""

import base64
import gzip
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from pyld.jsonld import JsonLdError

from .keys import base58_decode, base58_encode, public_key_from_multibase
from .linked_data import OB_V3, VC_V2, DroppedTerm, UnknownContext, canonical_nquads

CRYPTOSUITE = "eddsa-rdfc-2022"
SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
# A credential file bigger than this is not one of ours (and canonicalizing untrusted JSON-LD
# costs time that grows fast with its size, and with its blank nodes: objects without an id).
MAX_CREDENTIAL_BYTES = 64 * 1024
MAX_OBJECTS = 100


def utc_timestamp(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# Data Integrity


def _hash_data(document, proof_options):
    """SHA-256(canonical proof options) || SHA-256(canonical document), as eddsa-rdfc-2022 says."""
    options = {**proof_options, "@context": document["@context"]}
    options.pop("proofValue", None)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return (
        hashlib.sha256(canonical_nquads(options).encode()).digest()
        + hashlib.sha256(canonical_nquads(unsecured).encode()).digest()
    )


def add_proof(document, private_key: Ed25519PrivateKey, verification_method, created):
    """The document with a ``DataIntegrityProof`` (eddsa-rdfc-2022) added."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": utc_timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(_hash_data(document, proof))
    return {**document, "proof": {**proof, "proofValue": "z" + base58_encode(signature)}}


def check_proof(document, public_key_for):
    """Raise ``Tampered`` unless the document's proof is an eddsa-rdfc-2022 signature by a key
    that ``public_key_for(verification method)`` knows. Returns the verification method."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof":
        raise Tampered("no Data Integrity proof")
    if proof.get("cryptosuite") != CRYPTOSUITE or proof.get("proofPurpose") != "assertionMethod":
        raise Tampered("not an eddsa-rdfc-2022 assertion proof")
    method = proof.get("verificationMethod", "")
    public_key = public_key_for(method)
    if public_key is None:
        raise UnknownKey(method)
    value = proof.get("proofValue", "")
    try:
        signature = base58_decode(value[1:]) if value.startswith("z") else b""
        public_key.verify(signature, _hash_data(document, proof))
    except (InvalidSignature, ValueError) as error:
        raise Tampered("the signature does not match the content") from error
    except (DroppedTerm, UnknownContext, JsonLdError) as error:
        # An unknown context (we fetch none), or a property no context defines.
        raise Tampered("content the signature cannot cover") from error
    return method


# VC-JWT


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign_jwt(credential, private_key, verification_method):
    """The credential (without its Data Integrity proof) as a VC-JWT signed with EdDSA.

    The compact JWS is put together here (RFC 7515: two base64url parts and the signature of
    their ASCII), so that any signer with ``sign(bytes)`` works, a PKCS#11 token included,
    not only a key joserfc can import; verification uses joserfc."""
    claims = {key: value for key, value in credential.items() if key != "proof"}
    claims.update(
        iss=credential["issuer"]["id"],
        jti=credential["id"],
        nbf=int(parse_timestamp(credential["validFrom"]).timestamp()),
    )
    if credential.get("validUntil"):
        claims["exp"] = int(parse_timestamp(credential["validUntil"]).timestamp())
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": verification_method}
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
        for part in (header, claims)
    )
    return f"{signing_input}.{_b64url(private_key.sign(signing_input.encode()))}"


def check_jwt(token, public_key_for):
    """The credential of a VC-JWT whose EdDSA signature a known key made; else raises."""
    try:
        header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError) as error:
        raise Tampered("not a readable JWT") from error
    if header.get("alg") != "EdDSA":
        raise Tampered("not an EdDSA signature")
    method = header.get("kid", "")
    public_key = public_key_for(method)
    if public_key is None:
        raise UnknownKey(method)
    key = OKPKey.import_key(public_key)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decoded = jwt.decode(token, key, algorithms=["EdDSA"])
    except (JoseError, ValueError) as error:
        raise Tampered("the signature does not match the content") from error
    claims = dict(decoded.claims)
    for claim in ("iss", "jti", "nbf", "exp"):
        claims.pop(claim, None)
    return method, claims


# Bitstring Status List


def encode_bits(bits: bytes) -> str:
    """GZIP, then base64url without padding, with the multibase prefix ``u`` (the spec's form)."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is multibase base64url (u...)")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# Verification


class Tampered(Exception):
    """The content is not what its issuer signed."""


class UnknownKey(Exception):
    """Signed with a key that no academy of the network lists."""


@dataclass
class Verdict:
    """What a verifier learns from a credential file."""

    authentic: bool
    form: str = ""  # "Data Integrity" or "VC-JWT"
    problem: str = ""  # why it is not authentic
    unknown_key: bool = False
    credential: dict = field(default_factory=dict)
    issuer_id: str = ""
    issuer_name: str = ""
    revoked: bool | None = None  # None: the status list could not be checked
    expired: bool = False
    valid_until: str = ""
    achievement: str = ""

    @property
    def holds(self):
        return self.authentic and self.revoked is False and not self.expired


def read_credential_file(data: bytes):
    """(form, content) of a credential file: a JSON credential or a compact JWT."""
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise Tampered("too large to be a credential")
    text = data.decode("utf-8", errors="strict").strip()
    if text.startswith("{"):
        document = json.loads(text)
        if text.count("{") > MAX_OBJECTS:
            raise Tampered("too many objects to be a credential")
        return "Data Integrity", document
    if text.count(".") == 2:
        return "VC-JWT", text
    raise Tampered("neither a JSON credential nor a JWT")


def verify_credential(data: bytes, trust, today=None) -> Verdict:
    """Verify a credential file (JSON with a Data Integrity proof, or a VC-JWT) against a trust
    store: authentic or not, by whom, and whether it was revoked or has expired since."""
    try:
        form, content = read_credential_file(data)
    except (Tampered, UnicodeDecodeError, json.JSONDecodeError) as error:
        return Verdict(authentic=False, problem=str(error) or "unreadable")
    try:
        if form == "VC-JWT":
            method, credential = check_jwt(content, trust.public_key)
        else:
            method = check_proof(content, trust.public_key)
            credential = {k: v for k, v in content.items() if k != "proof"}
    except UnknownKey as error:
        return Verdict(authentic=False, form=form, unknown_key=True, problem=f"unknown key {error}")
    except Tampered as error:
        return Verdict(authentic=False, form=form, problem=str(error))
    issuer = credential.get("issuer") or {}
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not method.startswith(f"{issuer_id}#"):
        return Verdict(authentic=False, form=form, problem="signed by a key of another issuer")
    verdict = Verdict(
        authentic=True,
        form=form,
        credential=credential,
        issuer_id=issuer_id,
        issuer_name=issuer.get("name", "") if isinstance(issuer, dict) else "",
        achievement=(
            credential.get("credentialSubject", {}).get("achievement", {}).get("name", "")
        ),
    )
    now = today or datetime.now(UTC)
    if credential.get("validUntil"):
        verdict.valid_until = credential["validUntil"]
        verdict.expired = parse_timestamp(credential["validUntil"]) < now
    verdict.revoked = revoked_in_list(credential.get("credentialStatus"), trust)
    return verdict


def revoked_in_list(status, trust):
    """True/False from the issuer's signed status list; None if it cannot be checked."""
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        return None
    status_list = trust.status_list(status.get("statusListCredential", ""))
    if status_list is None:
        return None
    try:
        check_proof(status_list, trust.public_key)
        bits = decode_bits(status_list["credentialSubject"]["encodedList"])
        return bit_is_set(bits, int(status["statusListIndex"]))
    except (Tampered, UnknownKey, KeyError, ValueError, IndexError, OSError):
        return None


class BundleTrust:
    """A trust store read from a folder written by ``export_trust_bundle``: the academies'
    did:web documents (``did/<CODE>.json``) and status lists (``status/<CODE>.json``)."""

    def __init__(self, directory):
        directory = Path(directory)
        self.keys = {}
        for path in sorted((directory / "did").glob("*.json")):
            document = json.loads(path.read_text())
            listed = set(document.get("assertionMethod", []))
            for method in document.get("verificationMethod", []):
                if method.get("type") == "Multikey" and method["id"] in listed:
                    self.keys[method["id"]] = public_key_from_multibase(
                        method["publicKeyMultibase"]
                    )
        self.lists = {}
        for path in sorted((directory / "status").glob("*.json")):
            document = json.loads(path.read_text())
            self.lists[document["id"]] = document

    def public_key(self, method) -> Ed25519PublicKey | None:
        return self.keys.get(method)

    def status_list(self, url):
        return self.lists.get(url)


__all__ = [
    "OB_V3",
    "SCHEMA_ID",
    "VC_V2",
    "BundleTrust",
    "Verdict",
    "add_proof",
    "check_jwt",
    "check_proof",
    "sign_jwt",
    "verify_credential",
]
