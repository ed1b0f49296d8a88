"""Where an academy's private signing keys come from: never the database.

A key source finds the Ed25519 private key of an academy's key id. Two are built in:

- ``FileKeySource`` (the default): one PEM file per key, ``<CERTIFICATE_KEY_DIR>/<CODE>/<key
  id>.pem``, readable by its owner only (0600); a file anyone else may read is refused.
- ``EnvironmentKeySource``: the PEM in an environment variable
  ``CERTIFICATE_KEY_<CODE>_<KEY ID>`` (key id upper-cased, ``-`` as ``_``), for platforms that
  inject secrets that way.

``CERTIFICATE_KEY_SOURCE`` names the class (a dotted path), so that a site can plug in another
one, for example a PKCS#11 token (see the README, "Trusted certificates").
The database only keeps the public key and the key id (``IssuerKey``).
"""

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded as 0xed 0x01).
ED25519_PUB_PREFIX = b"\xed\x01"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class KeyUnavailable(Exception):
    """The private key of an academy's key id cannot be had from the key source."""


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58_ALPHABET[remainder] + encoded
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = BASE58_ALPHABET.find(char)
        if index < 0:
            raise ValueError("not base58")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """The public key as a Multikey ``publicKeyMultibase``: base58btc (``z``) of 0xed01 + key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58_encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("a Multikey is base58btc (z...)")
    data = base58_decode(value[1:])
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_pem(data: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnavailable("The key is not an Ed25519 key.")
    return key


class FileKeySource:
    """One PEM file per academy and key id, outside the media folders, mode 0600."""

    writable = True

    def __init__(self, directory=None):
        directory = directory or getattr(settings, "CERTIFICATE_KEY_DIR", None)
        if not directory:
            raise ImproperlyConfigured("CERTIFICATE_KEY_DIR names no folder for issuer keys.")
        self.directory = Path(directory)

    def path(self, academy_code, key_id):
        return self.directory / academy_code / f"{key_id}.pem"

    def load(self, academy_code, key_id) -> Ed25519PrivateKey:
        path = self.path(academy_code, key_id)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError as error:
            raise KeyUnavailable(f"No key file {path}.") from error
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            # Like ssh: a key others may read is a key that may have leaked.
            raise KeyUnavailable(f"{path} may be read by others: chmod 600 it.")
        return load_private_pem(path.read_bytes())

    def store(self, academy_code, key_id, private_key):
        """Write a new key, readable by its owner only, never over an existing one."""
        path = self.path(academy_code, key_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem(private_key))
        return str(path)


class EnvironmentKeySource:
    """The PEM of each key in an environment variable (secrets injected by the platform)."""

    writable = False

    @staticmethod
    def variable(academy_code, key_id):
        return f"CERTIFICATE_KEY_{academy_code}_{key_id}".upper().replace("-", "_")

    def load(self, academy_code, key_id) -> Ed25519PrivateKey:
        value = os.environ.get(self.variable(academy_code, key_id))
        if not value:
            raise KeyUnavailable(f"{self.variable(academy_code, key_id)} is not set.")
        return load_private_pem(value.encode())

    def store(self, academy_code, key_id, private_key):
        raise KeyUnavailable(
            f"Keys come from the environment: set {self.variable(academy_code, key_id)} to the "
            "new key's PEM."
        )


def key_source():
    """The configured key source (``CERTIFICATE_KEY_SOURCE``, a dotted path to a class)."""
    path = getattr(settings, "CERTIFICATE_KEY_SOURCE", "certificates.keys.FileKeySource")
    return import_string(path)()
