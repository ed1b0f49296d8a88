"""Where certificate PDFs and signature images are kept: a private storage, never served
under MEDIA_URL. Only views that check who asks read these files."""

import secrets
from pathlib import Path

from django.core.files.storage import storages

# The alias in settings.STORAGES: a folder outside MEDIA_ROOT, or a private bucket
# (academy.checks says so when a site lacks it).
PRIVATE = "private"


def private_storage():
    """The private storage (a callable, so that migrations name the alias, not a folder)."""
    return storages[PRIVATE]


def unguessable_name(folder, extension):
    """A file name nobody can guess or enumerate: 192 random bits, nothing about its holder."""
    return f"{folder}/{secrets.token_urlsafe(24)}.{extension}"


def certificate_path(certificate, filename):
    return unguessable_name(f"certificates/{certificate.year}", "pdf")


def signature_path(signatory, filename):
    extension = Path(filename).suffix.lstrip(".").lower()
    return unguessable_name("signatures", "jpg" if extension in {"jpg", "jpeg"} else "png")
