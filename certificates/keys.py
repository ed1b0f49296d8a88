"""Where an academy's private signing keys come from: never the database.

A key source finds the Ed25519 private key of an academy's key id (or, on a token, a key that
signs where it is kept). Three are built in:

- ``FileKeySource`` (the default): one PEM file per key, ``<CERTIFICATE_KEY_DIR>/<CODE>/<key
  id>.pem``, readable by its owner only (0600); a file anyone else may read is refused.
- ``EnvironmentKeySource``: the PEM in an environment variable
  ``CERTIFICATE_KEY_<CODE>_<KEY ID>`` (key id upper-cased, ``-`` as ``_``), for platforms that
  inject secrets that way.
- ``Pkcs11KeySource``: the key on a PKCS#11 token (HSM, smart card), labelled
  ``<CODE>-<key id>``, made there and never leaving it; ``load`` gives a ``TokenKey`` that
  signs on the token. Needs python-pkcs11 (the ``pkcs11`` extra).

``CERTIFICATE_KEY_SOURCE`` names the class (a dotted path), so that a site can plug in another
one (see the README, "Trusted certificates").
The database only keeps the public key and the key id (``IssuerKey``).
"""

import contextlib
import os
import stat
import threading
from dataclasses import dataclass
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


# PKCS#11 tokens (HSM, smart card): keys that sign where they are kept and never leave it.

# DER of the Ed25519 curve's object identifier (1.3.101.112), the EC_PARAMS of its keys.
ED25519_EC_PARAMS = b"\x06\x03\x2b\x65\x70"


class TokenUnavailable(KeyUnavailable):
    """The PKCS#11 token cannot be opened: its module, its label or its PIN is wrong."""


@dataclass(frozen=True)
class TokenConfiguration:
    """Where the token is: its module (a ``.so``), its label and the PIN, from
    ``CERTIFICATE_SIGNING`` (``PKCS11_LIB``, ``PKCS11_TOKEN``, ``PKCS11_PIN``)."""

    library: str
    label: str
    pin: str
    writable: bool


def token_configuration():
    """The PKCS#11 token the academies' keys are on, or None where keys come from files."""
    configured = getattr(settings, "CERTIFICATE_SIGNING", {}) or {}
    library = configured.get("PKCS11_LIB") or ""
    if not library:
        return None
    return TokenConfiguration(
        library=str(library),
        label=configured.get("PKCS11_TOKEN") or "",
        pin=configured.get("PKCS11_PIN") or "",
        writable=bool(configured.get("PKCS11_WRITABLE", True)),
    )


def pkcs11_module():
    """python-pkcs11, where a token is configured (an optional dependency: the ``pkcs11`` extra)."""
    try:
        import pkcs11
    except ImportError as error:
        raise ImproperlyConfigured(
            "A PKCS#11 token is configured but python-pkcs11 is not installed: "
            "pip install 'eu-polnet-academy[pkcs11]'."
        ) from error
    return pkcs11


def _broken_session_errors():
    """What a token answers when the session itself is gone (the token was unplugged, the
    HSM restarted, its login lapsed): an operation is worth running again on a new session."""
    exceptions = pkcs11_module().exceptions
    return (
        exceptions.SessionHandleInvalid,
        exceptions.SessionClosed,
        exceptions.DeviceRemoved,
        exceptions.DeviceError,
        exceptions.TokenNotPresent,
        exceptions.TokenNotRecognised,
        exceptions.UserNotLoggedIn,
        exceptions.GeneralError,
    )


class _TokenSession:
    """The one session of this process on the token, opened on first use.

    One per process: a PKCS#11 login belongs to the application, so a second session would
    log in twice, and a module's state does not survive ``fork`` (a worker opens its own).
    A session runs one operation at a time: callers take turns under the lock."""

    def __init__(self):
        self.lock = threading.RLock()
        self.session = None
        self.opened_for = None

    def open(self, configuration):
        key = (configuration, os.getpid())
        if self.session is not None and self.opened_for == key:
            return self.session
        forked = self.opened_for is not None and self.opened_for[1] != os.getpid()
        self.forget(close=not forked)
        pkcs11 = pkcs11_module()
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import open_pkcs11_session

        if forked:
            # The module was initialised by the parent: a child starts it again (PKCS#11 2.40,
            # section 6.7.7), or every call answers "not initialised".
            library = pkcs11.lib(configuration.library)
            with contextlib.suppress(pkcs11.PKCS11Error):
                library.finalize()
            library.initialize()
        criteria = TokenCriteria(label=configuration.label) if configuration.label else None
        try:
            try:
                session = open_pkcs11_session(
                    configuration.library,
                    token_criteria=criteria,
                    user_pin=configuration.pin or None,
                )
            except pkcs11.exceptions.UserAlreadyLoggedIn:
                # Another session of this process is still logged in: sessions share it.
                session = open_pkcs11_session(configuration.library, token_criteria=criteria)
        except (OSError, RuntimeError) as error:  # PKCS11Error is a RuntimeError
            raise TokenUnavailable(
                f"The PKCS#11 token {configuration.label!r} of {configuration.library} cannot "
                f"be opened ({type(error).__name__}: {error}): check its module, label and PIN."
            ) from error
        self.session, self.opened_for = session, key
        return session

    def forget(self, *, close=True):
        session, self.session, self.opened_for = self.session, None, None
        if session is not None and close:
            # A broken session may not close: that is why it is forgotten.
            with contextlib.suppress(RuntimeError):
                session.close()


_token_session = _TokenSession()


def on_token(operation, configuration=None):
    """``operation(session)`` run on this process's session of the token, which is opened
    on first use; where the session broke (the token was unplugged, the HSM restarted), a
    new one is opened and the operation runs once more. ``TokenUnavailable`` where the
    token cannot be opened; other PKCS#11 errors are the operation's own."""
    configuration = configuration or token_configuration()
    if configuration is None:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING has no PKCS11_LIB: no token to use.")
    broken = _broken_session_errors()
    with _token_session.lock:
        session = _token_session.open(configuration)
        try:
            return operation(session)
        except broken:
            _token_session.forget()
        return operation(_token_session.open(configuration))


def forget_token_session():
    """Close this process's session of the token (the next use opens a new one)."""
    with _token_session.lock:
        _token_session.forget()


def _ed25519_public_key(ec_point: bytes) -> Ed25519PublicKey:
    """The public key of a token's EC_POINT: the 32 bytes, DER-wrapped as an OCTET STRING
    (PKCS#11 3.0, what softhsm2 gives) or bare (some older modules)."""
    if len(ec_point) == 34 and ec_point[:2] == b"\x04\x20":
        ec_point = ec_point[2:]
    return Ed25519PublicKey.from_public_bytes(ec_point)


class TokenKey:
    """An Ed25519 private key on the token, known by its label: it signs there.

    Looked up again for each signature, so that it still signs after the session was
    opened again (a key's handle belongs to its session)."""

    def __init__(self, label, configuration):
        self.label = label
        self.configuration = configuration

    def find(self, session, object_class):
        pkcs11 = pkcs11_module()
        return session.get_key(
            object_class=object_class, key_type=pkcs11.KeyType.EC_EDWARDS, label=self.label
        )

    def sign(self, data: bytes) -> bytes:
        pkcs11 = pkcs11_module()

        def sign(session):
            private_key = self.find(session, pkcs11.ObjectClass.PRIVATE_KEY)
            return private_key.sign(data, mechanism=pkcs11.Mechanism.EDDSA)

        try:
            return on_token(sign, self.configuration)
        except pkcs11.PKCS11Error as error:
            raise KeyUnavailable(
                f"The key {self.label} on the token cannot sign ({type(error).__name__})."
            ) from error

    def public_key(self) -> Ed25519PublicKey:
        pkcs11 = pkcs11_module()

        def read(session):
            public_key = self.find(session, pkcs11.ObjectClass.PUBLIC_KEY)
            return public_key[pkcs11.Attribute.EC_POINT]

        try:
            return _ed25519_public_key(on_token(read, self.configuration))
        except pkcs11.PKCS11Error as error:
            raise KeyUnavailable(
                f"The public key {self.label} on the token cannot be read ({type(error).__name__})."
            ) from error


class Pkcs11KeySource:
    """Ed25519 keys made and kept on a PKCS#11 token, labelled ``<CODE>-<key id>``.

    The token of ``CERTIFICATE_SIGNING`` (``PKCS11_LIB``, ``PKCS11_TOKEN``, ``PKCS11_PIN``).
    ``make_key`` makes a new pair on the token, its private half sensitive and never
    extractable, where ``PKCS11_WRITABLE`` allows it (the default); ``store`` refuses a key
    made elsewhere, which would have existed in clear."""

    def __init__(self, configuration=None):
        configuration = configuration or token_configuration()
        if configuration is None:
            raise ImproperlyConfigured(
                "CERTIFICATE_KEY_SOURCE is the PKCS#11 token but CERTIFICATE_SIGNING has no "
                "PKCS11_LIB (set CERTIFICATE_SIGNING_PKCS11_LIB)."
            )
        self.configuration = configuration
        self.writable = configuration.writable

    @staticmethod
    def label(academy_code, key_id):
        return f"{academy_code}-{key_id}"

    def load(self, academy_code, key_id) -> TokenKey:
        pkcs11 = pkcs11_module()
        key = TokenKey(self.label(academy_code, key_id), self.configuration)
        try:
            on_token(
                lambda session: key.find(session, pkcs11.ObjectClass.PRIVATE_KEY),
                self.configuration,
            )
        except pkcs11.NoSuchKey as error:
            raise KeyUnavailable(f"No Ed25519 key {key.label} on the token.") from error
        except pkcs11.PKCS11Error as error:
            raise KeyUnavailable(
                f"The key {key.label} cannot be found on the token ({type(error).__name__})."
            ) from error
        return key

    def store(self, academy_code, key_id, private_key):
        raise KeyUnavailable(
            "A PKCS#11 token makes its keys itself: a key made outside it would have existed "
            f"in clear. {self.label(academy_code, key_id)} is made on the token by "
            "rotate_issuer_key (make_key)."
        )

    def make_key(self, academy_code, key_id) -> TokenKey:
        """A new Ed25519 key pair made on the token: the private key is sensitive and cannot
        be extracted, so it signs there and nowhere else."""
        label = self.label(academy_code, key_id)
        if not self.writable:
            raise KeyUnavailable(
                f"The PKCS#11 token is read-only here (PKCS11_WRITABLE is off): make the key "
                f"{label} with the token's own tools (EC_EDWARDS, Ed25519), then rotate."
            )
        pkcs11 = pkcs11_module()
        attribute = pkcs11.Attribute

        def make(session):
            # Objects are made in a read/write session; it shares the login of this one.
            with session.token.open(rw=True) as writer:
                writer.generate_keypair(
                    pkcs11.KeyType.EC_EDWARDS,
                    label=label,
                    id=label.encode(),
                    store=True,
                    mechanism=pkcs11.Mechanism.EC_EDWARDS_KEY_PAIR_GEN,
                    public_template={attribute.EC_PARAMS: ED25519_EC_PARAMS},
                    private_template={
                        attribute.SENSITIVE: True,
                        attribute.EXTRACTABLE: False,
                        attribute.PRIVATE: True,
                    },
                )

        try:
            on_token(make, self.configuration)
        except pkcs11.PKCS11Error as error:
            raise KeyUnavailable(
                f"The token could not make the key {label} ({type(error).__name__})."
            ) from error
        return TokenKey(label, self.configuration)
