"""Open Badges credentials, signed and verified (``make bench``): median ms per credential.

Sign: build nothing, sign a certificate-sized OpenBadgeCredential in both forms
(eddsa-rdfc-2022 Data Integrity proof: two RDFC-1.0 canonicalizations + Ed25519; VC-JWT).
Verify: check each form against a trust store, the status list included (the list's own
proof is checked too, as a verifier offline does). Target: verification under 50 ms.

No database: pure functions. Writes ``benchmarks/results/credentials.{json,md}``.
"""

import datetime
import json
import os
import platform
import statistics
import time

from harness import RESULTS  # sets Django up: before its imports

# isort: split
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.credentials import (
    OB_V3,
    VC_V2,
    add_proof,
    encode_bits,
    sign_jwt,
    verify_credential,
)

RUNS = int(os.environ.get("BENCH_RUNS", "25"))
DID = "did:web:academy.example:academies:LIS"
METHOD = f"{DID}#key-1"
STATUS = "https://academy.example/academies/LIS/status-list.json"
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def credential():
    return {
        "@context": [VC_V2, OB_V3],
        "id": "https://academy.example/certificates/verify/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567/",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Certificate of completion",
        "issuer": {
            "id": DID,
            "type": ["Profile"],
            "name": "Lisbon Municipal Police Academy",
            "url": "https://academy.example/en/lisbon/",
            "address": {
                "type": ["Address"],
                "addressLocality": "Lisbon",
                "addressCountryCode": "PT",
            },
        },
        "validFrom": "2026-12-01T10:00:00Z",
        "validUntil": "2028-12-01T23:59:59Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "0" * 64,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "f" * 32,
                }
            ],
            "achievement": {
                "id": "https://academy.example/academies/LIS/courses/12",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": "Community policing in practice",
                "description": "has completed the course “Community policing in practice”.",
                "criteria": {"narrative": "Completed every required module and assessment."},
                "creditsAvailable": 12.0,
                "inLanguage": "en",
            },
            "creditsEarned": 12.0,
        },
        "credentialStatus": {
            "id": f"{STATUS}#4242",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "4242",
            "statusListCredential": STATUS,
        },
    }


def median_ms(function):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main():
    key = Ed25519PrivateKey.generate()
    status_list = add_proof(
        {
            "@context": [VC_V2],
            "id": STATUS,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": DID,
            "validFrom": "2026-12-01T10:00:00Z",
            "credentialSubject": {
                "id": f"{STATUS}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encode_bits(bytes(131_072 // 8)),
            },
        },
        key,
        METHOD,
        NOW,
    )

    class Trust:
        def public_key(self, method):
            return key.public_key() if method == METHOD else None

        def status_list(self, url):
            return status_list if url == STATUS else None

    unsigned = credential()
    signed = add_proof(unsigned, key, METHOD, NOW)
    token = sign_jwt(unsigned, key, METHOD)
    as_json = json.dumps(signed).encode()
    if not (
        verify_credential(as_json, Trust()).holds
        and verify_credential(token.encode(), Trust()).holds
    ):
        raise SystemExit("The benchmark's credentials do not verify.")
    results = {
        "machine": (
            f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "runs": RUNS,
        "sign Data Integrity (eddsa-rdfc-2022)": median_ms(
            lambda: add_proof(unsigned, key, METHOD, NOW)
        ),
        "sign VC-JWT (EdDSA)": median_ms(lambda: sign_jwt(unsigned, key, METHOD)),
        "verify Data Integrity, status list included": median_ms(
            lambda: verify_credential(as_json, Trust())
        ),
        "verify VC-JWT, status list included": median_ms(
            lambda: verify_credential(token.encode(), Trust())
        ),
    }
    lines = [f"| credential (median of {RUNS}) | ms |", "|---|---:|"]
    lines += [
        f"| {name} | {value} |"
        for name, value in results.items()
        if name not in ("machine", "runs")
    ]
    markdown = "\n".join(lines) + f"\n\n{results['machine']}\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "credentials.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "credentials.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
