"""Intake of content packages: a SCORM 1.2 / 2004 zip or an .h5p file, hostile until proven
otherwise.

A package is read as a zip without trusting anything it declares: every name is checked
(no ``..``, no absolute path, no symbolic link), the number of files, their total size and
each file's compression ratio are bounded (``ACADEMY_PACKAGE_MAX_FILES``,
``ACADEMY_PACKAGE_MAX_BYTES``, ``ACADEMY_PACKAGE_MAX_RATIO``), and only content files are
taken (an allow-list of extensions: pages, scripts the browser runs, styles, media, fonts;
never an executable nor a server-side script). Files are unpacked into private storage,
counting the bytes actually read, not the sizes the zip claims.
"""

import dataclasses
import json
import posixpath
import stat
import zipfile
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

CONTENT_EXTENSIONS = frozenset(
    # pages, data and scripts the browser runs
    ["html", "htm", "xhtml", "xml", "xsd", "dtd", "js", "mjs", "json", "css", "txt", "csv"]
    # subtitles, images
    + ["vtt", "srt", "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "avif"]
    # sound and video
    + ["mp3", "m4a", "wav", "ogg", "oga", "opus", "mp4", "m4v", "webm", "ogv"]
    # fonts, documents
    + ["woff", "woff2", "ttf", "otf", "eot", "pdf"]
)
DEFAULT_MAX_BYTES = 500 * 1024 * 1024
DEFAULT_MAX_FILES = 5000
DEFAULT_MAX_RATIO = 100
# Small files compress well and cannot make a bomb: the ratio is checked above this size.
RATIO_FLOOR = 64 * 1024
MANIFEST_MAX_BYTES = 2 * 1024 * 1024
CHUNK = 64 * 1024


def limits():
    return (
        getattr(settings, "ACADEMY_PACKAGE_MAX_BYTES", DEFAULT_MAX_BYTES),
        getattr(settings, "ACADEMY_PACKAGE_MAX_FILES", DEFAULT_MAX_FILES),
        getattr(settings, "ACADEMY_PACKAGE_MAX_RATIO", DEFAULT_MAX_RATIO),
    )


@dataclasses.dataclass
class Inspection:
    """What a package turned out to be: its kind, SCOs, mastery score and file list."""

    kind: str
    title: str
    scos: list
    mastery_score: Decimal | None
    names: list
    unpacked_size: int


def refuse(message, code):
    raise ValidationError(message, code=code)


def _safe_name(info):
    """The entry's path inside the package, or a refusal for one that could land outside
    it (zip slip) or is a link."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        refuse(
            _("The package contains a symbolic link (%(name)s): packages may hold only files.")
            % {"name": name},
            "symlink",
        )
    unified = name.replace("\\", "/")
    parts = unified.split("/")
    if (
        unified.startswith("/")
        or (len(parts[0]) == 2 and parts[0][1] == ":")
        or ".." in parts
        or "\x00" in unified
    ):
        refuse(
            _("The package contains a path that leads outside it (%(name)s): it was refused.")
            % {"name": name},
            "zip_slip",
        )
    return posixpath.normpath(unified)


def _check_entries(archive):
    max_bytes, max_files, max_ratio = limits()
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > max_files:
        refuse(
            _("The package has %(count)s files; at most %(max)s are accepted.")
            % {"count": len(infos), "max": max_files},
            "too_many_files",
        )
    total = 0
    names = []
    for info in infos:
        name = _safe_name(info)
        extension = posixpath.splitext(name)[1].lstrip(".").lower()
        if extension not in CONTENT_EXTENSIONS:
            refuse(
                _(
                    "The package contains %(name)s, which is not learning content (pages, "
                    "scripts for the browser, styles, images, sound, video, fonts): it was "
                    "refused."
                )
                % {"name": name},
                "not_content",
            )
        total += info.file_size
        if total > max_bytes:
            refuse(_too_big(max_bytes), "too_big")
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            refuse(
                _(
                    "The package contains %(name)s, compressed far more than real content "
                    "ever is (a zip bomb?): it was refused."
                )
                % {"name": name},
                "ratio",
            )
        names.append((info, name))
    return names, total


def _too_big(max_bytes):
    return _("Unpacked, the package would take more than %(size)s MB; it was refused.") % {
        "size": max_bytes // (1024 * 1024)
    }


def _read_small(archive, names, wanted):
    for info, name in names:
        if name == wanted:
            if info.file_size > MANIFEST_MAX_BYTES:
                break
            with archive.open(info) as handle:
                return handle.read(MANIFEST_MAX_BYTES + 1)[:MANIFEST_MAX_BYTES]
    return None


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _decimal(text):
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


def parse_scorm_manifest(data, present):
    """The kind, title, SCOs and mastery score of an imsmanifest.xml. ``present`` is the
    set of file names in the package: every launch file must be one of them."""
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # noqa: BLE001 - any XML error (or entity trick) is a bad manifest
        refuse(_("The package's imsmanifest.xml is not valid XML."), "manifest")
    text = data.decode("utf-8", "replace")
    version = " ".join(
        (element.text or "") for element in root.iter() if _local(element.tag) == "schemaversion"
    )
    if "2004" in version or "CAM 1.3" in version or "adlcp_v1p3" in text:
        kind = "scorm2004"
    else:
        kind = "scorm12"
    resources = {}
    for element in root.iter():
        if _local(element.tag) == "resource":
            scorm_type = next(
                (
                    value
                    for key, value in element.attrib.items()
                    if _local(key).lower() == "scormtype"
                ),
                "",
            )
            resources[element.get("identifier")] = (element.get("href") or "", scorm_type)
    organizations = next((e for e in root if _local(e.tag) == "organizations"), None)
    organization = None
    if organizations is not None:
        default = organizations.get("default")
        candidates = _children(organizations, "organization")
        organization = next(
            (o for o in candidates if o.get("identifier") == default),
            candidates[0] if candidates else None,
        )
    scos = []
    mastery = None
    items = (
        [] if organization is None else [e for e in organization.iter() if _local(e.tag) == "item"]
    )
    title_element = (
        None if organization is None else next(iter(_children(organization, "title")), None)
    )
    for item in items:
        href, scorm_type = resources.get(item.get("identifierref"), ("", ""))
        if not href or scorm_type.lower() != "sco":
            continue
        launch = href + (item.get("parameters") or "")
        if posixpath.normpath(href.split("?")[0].split("#")[0]) not in present:
            refuse(
                _("The manifest launches %(file)s, which is not in the package.") % {"file": href},
                "launch_missing",
            )
        title = next(iter(_children(item, "title")), None)
        scos.append(
            {
                "identifier": item.get("identifier"),
                "title": (title.text or "").strip() if title is not None else "",
                "launch": launch,
            }
        )
        for element in item.iter():
            name = _local(element.tag)
            if name == "masteryscore" and mastery is None:
                value = _decimal(element.text)
                if value is not None and 0 <= value <= 100:
                    mastery = value / 100
            elif (
                name == "primaryObjective"
                and mastery is None
                and element.get("satisfiedByMeasure", "").lower() == "true"
            ):
                for measure in element.iter():
                    if _local(measure.tag) == "minNormalizedMeasure":
                        value = _decimal(measure.text)
                        if value is not None and -1 <= value <= 1:
                            mastery = value
    if not scos:
        refuse(_("The manifest names no SCO to launch."), "no_sco")
    title = (title_element.text or "").strip() if title_element is not None else ""
    return kind, title, scos, mastery


def parse_h5p(data, present):
    """The title of an H5P package, from its h5p.json, after checking it has content."""
    try:
        description = json.loads(data)
        title = str(description.get("title", ""))
        main = description["mainLibrary"]
    except (ValueError, KeyError, AttributeError):
        refuse(_("The package's h5p.json is not a valid H5P description."), "manifest")
    if "content/content.json" not in present:
        refuse(_("The H5P package has no content/content.json."), "manifest")
    return title or str(main)


def inspect_package(uploaded):
    """Check an uploaded package and say what it is; raise ValidationError (with a
    message for the trainer) for anything hostile or unreadable."""
    try:
        archive = zipfile.ZipFile(uploaded)
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse(_("This file is not a SCORM zip nor an .h5p file."), "not_zip")
    with archive:
        names, total = _check_entries(archive)
        present = {name for _info, name in names}
        manifest = _read_small(archive, names, "imsmanifest.xml")
        if manifest is not None:
            kind, title, scos, mastery = parse_scorm_manifest(manifest, present)
        else:
            description = _read_small(archive, names, "h5p.json")
            if description is None:
                refuse(
                    _(
                        "The package has neither an imsmanifest.xml (SCORM) nor an h5p.json "
                        "(H5P) at its top level."
                    ),
                    "manifest",
                )
            title = parse_h5p(description, present)
            kind, mastery = "h5p", None
            scos = [{"identifier": "h5p", "title": title, "launch": "h5p.json"}]
    return Inspection(kind, title, scos, mastery, sorted(present), total)


def unpack_package(uploaded, storage, folder):
    """Write the package's files under ``folder`` of ``storage``, counting real bytes:
    a file that inflates beyond what the zip declared, or beyond the total limit, stops
    the unpacking. Returns the number of bytes written."""
    max_bytes, _files, _ratio = limits()
    written = 0
    uploaded.seek(0)
    with zipfile.ZipFile(uploaded) as archive:
        names, _total = _check_entries(archive)
        for info, name in names:
            with archive.open(info) as handle:
                data = bytearray()
                while chunk := handle.read(CHUNK):
                    data += chunk
                    written += len(chunk)
                    if len(data) > info.file_size or written > max_bytes:
                        refuse(_too_big(max_bytes), "too_big")
            storage.save(f"{folder}/{name}", ContentFile(bytes(data)))
    return written
