"""A network root and one signing certificate per academy, for the demo and for tests.

Production keys come from the network's own certification authority (a PKCS#12 file per
academy, or a PKCS#11 token: README "Signed PDFs"); this makes the same files locally:

- ``network-root.pem``, the root certificate: the trust anchor that verifiers are given;
- ``network-root.key``, its private key (demo only: a real root's key stays offline);
- ``<academy code>.p12``, the academy's key and certificate with the root, under the
  passphrase of ``CERTIFICATE_SIGNING["PASSPHRASE"]``.

Files are written readable by their owner only, in a folder outside the media and the
repository (``var/`` is ignored by git).
"""

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .pdf_signing import ROOT_CERTIFICATE

ROOT_KEY = "network-root.key"
NETWORK = "EU-POLNET Academy"
# ECDSA P-256: what PAdES, NSS (pdfsig) and Adobe all verify, and quick to sign with.
CURVE = ec.SECP256R1


def _encryption(passphrase):
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase.encode())
    return serialization.NoEncryption()


def _write_private(path, data):
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _now():
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)


def make_root(key_dir, *, passphrase="", name=f"{NETWORK} network root"):
    """The network's root certificate and key in ``key_dir`` (made once, then reused)."""
    key_dir = Path(key_dir)
    certificate_path, key_path = key_dir / ROOT_CERTIFICATE, key_dir / ROOT_KEY
    if certificate_path.is_file() and key_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), passphrase.encode() or None)
        return x509.load_pem_x509_certificate(certificate_path.read_bytes()), key
    key = ec.generate_private_key(CURVE())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, NETWORK),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now())
        .not_valid_after(_now() + datetime.timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase)
        ),
    )
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def make_academy_identity(key_dir, *, code, name, passphrase="", root=None, years=5):
    """The academy's signing key and certificate, certified by the root, as ``<code>.p12``."""
    key_dir = Path(key_dir)
    root_certificate, root_key = root or make_root(key_dir, passphrase=passphrase)
    key = ec.generate_private_key(CURVE())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, NETWORK),
                    # The academy's code: what verify_pdf reports as the issuing academy.
                    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, code),
                    x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
                ]
            )
        )
        .issuer_name(root_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now())
        .not_valid_after(_now() + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_certificate.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    path = key_dir / f"{code}.p12"
    _write_private(
        path,
        pkcs12.serialize_key_and_certificates(
            code.encode(), key, certificate, [root_certificate], _encryption(passphrase)
        ),
    )
    return path
