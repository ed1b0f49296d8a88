"""Where certificate PDFs and signature images are kept: a private storage, never served
under MEDIA_URL. Only views that check who asks read these files."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages

# The alias in settings.STORAGES: a folder outside MEDIA_ROOT, or a private bucket.
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


def _inside(path, folder):
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def check_private_storage(app_configs, **kwargs):
    """The private storage exists and is not a folder the web server publishes."""
    if PRIVATE not in settings.STORAGES:
        return [
            checks.Error(
                'STORAGES has no "private" storage for certificate PDFs and signature images.',
                hint='Add STORAGES["private"]: a folder outside MEDIA_ROOT or a private bucket.',
                id="certificates.E001",
            )
        ]
    storage = private_storage()
    if isinstance(storage, FileSystemStorage):
        published = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
        if any(folder and _inside(storage.location, folder) for folder in published):
            return [
                checks.Error(
                    "The private storage is inside MEDIA_ROOT or STATIC_ROOT, which are served "
                    "to anyone.",
                    hint="Set PRIVATE_STORAGE_ROOT to a folder of its own.",
                    id="certificates.E002",
                )
            ]
    return []
