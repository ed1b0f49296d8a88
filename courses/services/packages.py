"""Writes of content packages: a trainer's upload, and what a package reports as an officer
works through it (SCORM runtime commits, H5P xAPI events)."""

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from courses import xapi
from courses.models import ContentPackage, PackageTracking
from courses.packages import inspect_package, unpack_package
from courses.services.progress import _module_of_session, complete_module

# SCORM 2004 allows 64,000 characters of suspend data (SCORM 1.2: 4,096); a package that
# sends more is told so rather than silently cut.
DEFAULT_SUSPEND_DATA_MAX = 64_000
LOCATION_MAX = 1000
# Launches remembered one by one (for their sequence and time); older ones are folded into
# one entry that keeps their seconds.
LAUNCHES_KEPT = 50
EARLIER = "earlier"
COMPLETION_ORDER = ["unknown", "incomplete", "completed"]


class TrackingRefused(Exception):
    """What a package sent cannot be kept (e.g. suspend data beyond the limit)."""


def suspend_data_max():
    return getattr(settings, "ACADEMY_SUSPEND_DATA_MAX", DEFAULT_SUSPEND_DATA_MAX)


@transaction.atomic
def add_package(*, academy, title, uploaded):
    """Check an uploaded package, keep it and unpack it into private storage.

    Raises ValidationError (with the trainer's message) for a hostile or unreadable one;
    nothing is kept then.
    """
    inspection = inspect_package(uploaded)
    package = ContentPackage(
        academy=academy,
        title=title or inspection.title or _("Untitled package"),
        kind=inspection.kind,
        scos=inspection.scos,
        mastery_score=inspection.mastery_score,
        file_count=len(inspection.names),
    )
    fill_package(package, uploaded, inspection)
    package.save()
    return package


def fill_package(package, uploaded, inspection):
    """Unpack ``uploaded`` into ``package``'s folder and store the archive next to it."""
    storage = package.archive.storage
    package.kind = inspection.kind
    package.scos = inspection.scos
    package.mastery_score = inspection.mastery_score
    package.file_count = len(inspection.names)
    package.unpacked_size = unpack_package(uploaded, storage, package.folder)
    uploaded.seek(0)
    package.archive.save("archive.zip", uploaded, save=False)


# What SCORM reports, in one vocabulary


def parse_duration(text):
    """Seconds of a SCORM 1.2 timespan (HHHH:MM:SS.SS) or an ISO 8601 duration (2004)."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{1,4}):(\d{1,2}):(\d{1,2})(\.\d+)?", text)
    if match:
        hours, minutes, seconds = (int(group) for group in match.groups()[:3])
        return hours * 3600 + minutes * 60 + seconds
    match = re.fullmatch(
        r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", text, re.IGNORECASE
    )
    if match and text.upper() not in ("P", "PT"):
        days, hours, minutes, seconds = match.groups()
        return int(
            int(days or 0) * 86400
            + int(hours or 0) * 3600
            + int(minutes or 0) * 60
            + float(seconds or 0)
        )
    return 0


def _number(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def report_from_cmi(kind, cmi):
    """The tracking fields a SCORM commit carries (flattened ``cmi.*`` keys)."""
    cmi = {key.removeprefix("cmi."): value for key, value in cmi.items()}
    report = {}
    if kind == ContentPackage.Kind.SCORM12:
        status = cmi.get("core.lesson_status")
        if status in ("passed", "failed", "completed"):
            report["completion"] = "completed"
            report["success"] = status if status != "completed" else None
        elif status in ("incomplete", "browsed"):
            report["completion"] = "incomplete"
        raw = _number(cmi.get("core.score.raw"))
        top = _number(cmi.get("core.score.max")) or Decimal(100)
        if raw is not None:
            report["score_raw"] = raw
            if top:
                report["score_scaled"] = max(Decimal(0), min(Decimal(1), raw / top))
        report["location"] = cmi.get("core.lesson_location")
        report["seconds"] = parse_duration(cmi.get("core.session_time"))
    else:
        completion = cmi.get("completion_status")
        if completion in ("completed", "incomplete"):
            report["completion"] = completion
        success = cmi.get("success_status")
        if success in ("passed", "failed"):
            report["success"] = success
        scaled = _number(cmi.get("score.scaled"))
        if scaled is not None:
            report["score_scaled"] = max(Decimal(-1), min(Decimal(1), scaled))
        raw = _number(cmi.get("score.raw"))
        if raw is not None:
            report["score_raw"] = raw
        report["location"] = cmi.get("location")
        report["seconds"] = parse_duration(cmi.get("session_time"))
    report["suspend_data"] = cmi.get("suspend_data")
    return report


def report_from_h5p(statement):
    """The tracking fields of an H5P xAPI event (``completed`` or ``answered`` with a score)."""
    result = statement.get("result") or {}
    score = result.get("score") or {}
    report = {}
    scaled = _number(score.get("scaled"))
    if scaled is None and _number(score.get("max")):
        scaled = (_number(score.get("raw")) or Decimal(0)) / _number(score.get("max"))
    if scaled is not None:
        report["score_scaled"] = max(Decimal(0), min(Decimal(1), scaled))
        report["score_raw"] = _number(score.get("raw"))
    if result.get("completion") is True or statement.get("verb") in ("completed", "answered"):
        report["completion"] = "completed"
    if result.get("success") is not None:
        report["success"] = "passed" if result["success"] else "failed"
    report["seconds"] = parse_duration(result.get("duration"))
    return report


def resume_data(package, tracking):
    """The runtime data a SCO starts from: its mastery score, and where the officer left it."""
    data = {}
    mastery = package.mastery_score
    if package.kind == ContentPackage.Kind.SCORM12:
        if mastery is not None:
            data["cmi.student_data.mastery_score"] = str(int(mastery * 100))
        if tracking is not None:
            data["cmi.core.lesson_location"] = tracking.location
            data["cmi.suspend_data"] = tracking.suspend_data
            if tracking.suspend_data or tracking.location:
                data["cmi.core.entry"] = "resume"
            status = {
                "passed": "passed",
                "failed": "failed",
            }.get(tracking.success_status) or {
                "completed": "completed",
                "incomplete": "incomplete",
            }.get(tracking.completion_status)
            if status:
                data["cmi.core.lesson_status"] = status
            if tracking.score_raw is not None:
                data["cmi.core.score.raw"] = str(tracking.score_raw.normalize())
    else:
        if mastery is not None:
            data["cmi.scaled_passing_score"] = str(mastery.normalize())
        if tracking is not None:
            data["cmi.location"] = tracking.location
            data["cmi.suspend_data"] = tracking.suspend_data
            if tracking.suspend_data or tracking.location:
                data["cmi.entry"] = "resume"
            if tracking.completion_status != "unknown":
                data["cmi.completion_status"] = tracking.completion_status
            if tracking.success_status != "unknown":
                data["cmi.success_status"] = tracking.success_status
            if tracking.score_scaled is not None:
                data["cmi.score.scaled"] = str(tracking.score_scaled.normalize())
    return {key: value for key, value in data.items() if value not in (None, "")}


# Tracking


def _tracking_row(enrolment, module, package, sco):
    PackageTracking.objects.get_or_create(
        enrolment=enrolment, module=module, sco=sco, defaults={"package": package}
    )
    return PackageTracking.objects.select_for_update().get(
        enrolment=enrolment, module=module, sco=sco
    )


def _check_sizes(report):
    suspend = report.get("suspend_data")
    if suspend is not None and len(suspend) > suspend_data_max():
        raise TrackingRefused(
            _(
                "The package tried to save %(size)s characters of suspend data; at most "
                "%(max)s are kept. Nothing of this save was kept."
            )
            % {"size": len(suspend), "max": suspend_data_max()}
        )
    location = report.get("location")
    if location is not None and len(location) > LOCATION_MAX:
        raise TrackingRefused(
            _("The package tried to save a location longer than %(max)s characters.")
            % {"max": LOCATION_MAX}
        )


def _count_launch(row, launch, sequence, seconds):
    """Keep the launch's highest sequence and time; return False for a commit already seen
    (a retry, or one overtaken by a later commit of the same launch)."""
    seen = row.launches.get(launch)
    if seen is not None and sequence <= seen["seq"]:
        return False
    seconds = max(int(seconds or 0), seen["seconds"] if seen else 0)
    row.launches.pop(launch, None)
    row.launches[launch] = {"seq": sequence, "seconds": seconds}
    kept = [key for key in row.launches if key != EARLIER]
    while len(kept) > LAUNCHES_KEPT:
        oldest = kept.pop(0)
        folded = row.launches.pop(oldest)
        earlier = row.launches.setdefault(EARLIER, {"seq": 0, "seconds": 0})
        earlier["seconds"] += folded["seconds"]
    row.seconds_spent = sum(entry["seconds"] for entry in row.launches.values())
    return True


def _apply(row, package, report):
    """Statuses only go forward; the latest score, location and suspend data are kept.
    Returns the outcomes newly reached ("completed", "passed", "failed")."""
    before = (row.completion_status, row.success_status)
    completion = report.get("completion")
    if completion and COMPLETION_ORDER.index(completion) > COMPLETION_ORDER.index(
        row.completion_status
    ):
        row.completion_status = completion
    if report.get("score_scaled") is not None:
        row.score_scaled = report["score_scaled"]
    if report.get("score_raw") is not None:
        row.score_raw = report["score_raw"]
    success = report.get("success")
    if (
        success is None
        and package.mastery_score is not None
        and row.score_scaled is not None
        and row.completion_status == PackageTracking.Completion.COMPLETED
    ):
        success = "passed" if row.score_scaled >= package.mastery_score else "failed"
    if success and row.success_status != PackageTracking.Success.PASSED:
        row.success_status = success
    for field in ("location", "suspend_data"):
        if report.get(field) is not None:
            setattr(row, field, report[field])
    reached = []
    if row.completion_status == "completed" and before[0] != "completed":
        reached.append("completed")
    if row.success_status != before[1] and row.success_status != "unknown":
        reached.append(row.success_status)
    return reached


@transaction.atomic
def commit_tracking(enrolment, module, package, *, sco, launch, sequence, report):
    """Keep what a package reported for an officer's SCO, then feed the module's progress.

    ``launch`` names one opening of the player, ``sequence`` counts its commits: a commit
    retried or arriving after a later one of the same launch changes nothing, and the time
    of a launch is its highest session time, so nothing is counted twice whatever the
    retries or the number of tabs. Raises TrackingRefused for data beyond the limits.
    Returns (tracking row, whether the commit was applied).
    """
    _check_sizes(report)
    module = _module_of_session(enrolment, module)
    if package.sco(sco) is None or package.sco(sco)["identifier"] != sco:
        raise TrackingRefused(_("This package has no such SCO."))
    row = _tracking_row(enrolment, module, package, sco)
    if not _count_launch(row, str(launch)[:64], int(sequence), report.get("seconds")):
        return row, False
    reached = _apply(row, package, report)
    row.save()
    officer = enrolment.officer
    course = xapi.page_activity("course", module.get_parent())
    sco_activity = xapi.activity(
        "sco", f"{module.translation_key}/{sco}", package.sco(sco).get("title") or package.title
    )
    for outcome in reached:
        xapi.record(
            officer,
            outcome,
            sco_activity,
            result=xapi.score_result(
                row.score_scaled,
                success={"passed": True, "failed": False}.get(row.success_status),
                completion=row.completion_status == "completed",
                duration=row.seconds_spent,
            ),
            enrolment=enrolment,
            parent=course,
        )
    if reached and _package_done(enrolment, module, package):
        complete_module(enrolment, module)
    return row, True


def _package_done(enrolment, module, package):
    done = {
        row.sco
        for row in PackageTracking.objects.filter(enrolment=enrolment, module=module)
        if row.is_done
    }
    return all(sco["identifier"] in done for sco in package.scos)


@transaction.atomic
def record_launch(enrolment, module, package, sco):
    """The officer opened a package's player: an xAPI ``launched`` statement."""
    xapi.record(
        enrolment.officer,
        "launched",
        xapi.activity(
            "sco",
            f"{module.translation_key}/{sco['identifier']}",
            sco.get("title") or package.title,
        ),
        enrolment=enrolment,
        parent=xapi.page_activity("module", module),
    )
