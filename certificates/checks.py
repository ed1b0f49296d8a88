"""System checks of the issuers' keys: the private keys are never in a published folder."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages

from .keys import FileKeySource
from .storage import PRIVATE


def _inside(path, folder):
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def check_key_directory(app_configs, **kwargs):
    source = getattr(settings, "CERTIFICATE_KEY_SOURCE", "certificates.keys.FileKeySource")
    if source != "certificates.keys.FileKeySource":
        return []
    directory = getattr(settings, "CERTIFICATE_KEY_DIR", None)
    if not directory:
        return [
            checks.Error(
                "CERTIFICATE_KEY_DIR names no folder for the academies' signing keys.",
                hint="Point it at a secret folder outside MEDIA_ROOT, STATIC_ROOT and the "
                "private storage, or set CERTIFICATE_KEY_SOURCE to another key source.",
                id="certificates.E003",
            )
        ]
    folders = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
    if PRIVATE in settings.STORAGES and isinstance(storages[PRIVATE], FileSystemStorage):
        folders.append(storages[PRIVATE].location)
    if any(folder and _inside(FileKeySource(directory).directory, folder) for folder in folders):
        return [
            checks.Error(
                "CERTIFICATE_KEY_DIR is inside MEDIA_ROOT, STATIC_ROOT or the private storage.",
                hint="Keep the signing keys in a folder of their own, readable by the site only.",
                id="certificates.E004",
            )
        ]
    return []
