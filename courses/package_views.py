"""Playing content packages: the player frame, the package's files, and the runtime's commits.

Package files come from private storage, only to officers enrolled in a session of the
module's course (and who reached the module) and to staff of the module's city, under a
Content-Security-Policy that keeps the package's scripts on this site (see README).
"""

import json
import mimetypes
import posixpath
import uuid

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from academy import policy

from .models import ContentPackage, ModulePage, PackageTracking
from .queries import course_progress, enrolment_for
from .services.packages import (
    TrackingRefused,
    commit_tracking,
    record_launch,
    report_from_cmi,
    report_from_h5p,
    resume_data,
)
from .services.progress import _module_of_session

# What a package may reach: this site only. Authoring tools write inline scripts and styles
# and some evaluate strings, so those are allowed inside the package's own frame; nothing
# may be fetched, framed or posted anywhere else, and only this site may frame it.
PACKAGE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "worker-src 'self' blob:",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
        "frame-ancestors 'self'",
    ]
)
TOKEN_SALT = "courses.package-launch"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE = 24 * 3600
COMMIT_MAX_BYTES = 256 * 1024


def _protected(response):
    response["Content-Security-Policy"] = PACKAGE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _module_and_enrolment(request, pk):
    """The module and its package, and the officer's enrolment (None for staff of the
    module's city, who may look at it without one). Anyone else: not found."""
    module = get_object_or_404(
        ModulePage.objects.select_related("package"), pk=pk, package__isnull=False
    )
    if policy.may_act_on(request.user, "view", module):
        return module, None
    if not (module.live and module.get_view_restrictions().count() == 0):
        raise Http404
    course = module.get_parent().specific
    enrolment = enrolment_for(request.user, course)
    if enrolment is None or not enrolment.is_active:
        raise Http404
    modules = ModulePage.objects.child_of(course).live().defer_streamfields()
    step = course_progress(enrolment, modules).step_for(module)
    if step and step.locked:
        raise Http404
    return module, enrolment


@require_GET
@login_required
def package_file(request, pk, path):
    """One file of the module's package, from private storage."""
    module, _enrolment = _module_and_enrolment(request, pk)
    name = posixpath.normpath(path)
    if name.startswith(("/", "..")) or "\\" in name:
        raise Http404
    storage = module.package.archive.storage
    stored = f"{module.package.folder}/{name}"
    if not storage.exists(stored):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(storage.open(stored, "rb"), content_type=content_type)
    return _protected(response)


def launch_token(user, module, launch):
    return signing.dumps({"u": user.pk, "m": module.pk, "l": launch}, salt=TOKEN_SALT)


@require_GET
@login_required
def player(request, pk):
    """The frame that plays the module's package: the SCORM runtime (scorm-again) or the H5P
    player (h5p-standalone), started where the officer left it."""
    module, enrolment = _module_and_enrolment(request, pk)
    package = module.package
    sco = package.sco(request.GET.get("sco", ""))
    launch = uuid.uuid4().hex
    tracking = None
    if enrolment is not None:
        record_launch(enrolment, module, package, sco)
        tracking = PackageTracking.objects.filter(
            enrolment=enrolment, module=_module_of_session(enrolment, module), sco=sco["identifier"]
        ).first()
    base = reverse("package_file", args=[module.pk, "x"])[:-1]
    config = {
        "kind": package.kind,
        "sco": sco["identifier"],
        "launch": launch,
        "token": launch_token(request.user, module, launch),
        "commitUrl": reverse("package_commit", args=[module.pk]),
        "tracked": enrolment is not None,
        "resume": resume_data(package, tracking),
    }
    if package.is_scorm:
        config["launchUrl"] = base + sco["launch"]
    else:
        config["h5p"] = {
            "h5pJsonPath": base.rstrip("/"),
            "frameJs": static("courses/vendor/h5p-standalone/frame.bundle.js"),
            "frameCss": static("courses/vendor/h5p-standalone/styles/h5p.css"),
        }
    response = render(
        request,
        "courses/package_player.html",
        {"module": module, "package": package, "config": config},
    )
    return _protected(response)


def _refusal(message, status):
    return JsonResponse(
        {"result": "false", "errorCode": 101, "errorMessage": message}, status=status
    )


# The runtime sends its last commit with navigator.sendBeacon when the package closes, which
# cannot carry the CSRF header: the signed launch token in the body (made for this officer,
# module and launch when the player was served) is what proves the request comes from the
# player, as a CSRF token would.
@csrf_exempt
@require_POST
@login_required
def package_commit(request, pk):
    """What the runtime commits (SCORM cmi data, or an H5P xAPI event), kept for the
    officer's own enrolment only. Answers as scorm-again expects: result and error code."""
    if len(request.body) > COMMIT_MAX_BYTES:
        return _refusal(_("This save is too large to be kept."), 413)
    try:
        body = json.loads(request.body)
        claims = signing.loads(body["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        sequence = int(body["seq"])
    except (ValueError, KeyError, TypeError, signing.BadSignature):
        return _refusal(_("This save does not come from a player of this module."), 403)
    if claims.get("u") != request.user.pk or claims.get("m") != pk:
        return _refusal(_("This save does not come from a player of this module."), 403)
    module, enrolment = _module_and_enrolment(request, pk)
    if enrolment is None:  # staff trying the package: nothing to keep
        return JsonResponse({"result": "true", "errorCode": 0})
    package = module.package
    if package.kind == ContentPackage.Kind.H5P:
        report = report_from_h5p(body.get("statement") or {})
    else:
        report = report_from_cmi(package.kind, body.get("cmi") or {})
    try:
        commit_tracking(
            enrolment,
            module,
            package,
            sco=str(body.get("sco", "")),
            launch=claims["l"],
            sequence=sequence,
            report=report,
        )
    except TrackingRefused as refusal:
        return _refusal(str(refusal), 413)
    return JsonResponse({"result": "true", "errorCode": 0})
