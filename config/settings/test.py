"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL says so."""

import tempfile
from pathlib import Path

from academy.mail import mail_settings

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(mail_settings("django.core.mail.backends.locmem.EmailBackend"))
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="academy-test-media-"))
PRIVATE_STORAGE_ROOT = Path(tempfile.mkdtemp(prefix="academy-test-private-"))
STORAGES = {**STORAGES, "private": private_storage(PRIVATE_STORAGE_ROOT)}  # noqa: F405
CERTIFICATE_KEY_DIR = Path(tempfile.mkdtemp(prefix="academy-test-issuer-keys-"))
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests change pages inside a transaction that never commits: the page cache is dropped on
# commit, so it is off here and turned on by its own tests (tests/academy/test_page_cache.py).
ACADEMY_PAGE_CACHE_SECONDS = 0
# No keys: certificates are left unsigned, except in the tests that make a PKI of their own.
CERTIFICATE_SIGNING = {"KEY_DIR": Path(tempfile.mkdtemp(prefix="academy-test-pki-"))}
