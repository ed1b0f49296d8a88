"""Public pages of certificates: verification by code and the officer's own downloads."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from academy.visitors import client_address

from . import issuers
from .credentials import MAX_CREDENTIAL_BYTES, verify_credential
from .forms import VerifyCodeForm, VerifyFileForm
from .models import Certificate
from .services import check_pdf, normalise_code, verification_url

# Lookups per client and window; a code has 160 random bits, the limit keeps scanning noisy.
VERIFY_LIMIT = getattr(settings, "CERTIFICATE_VERIFY_LIMIT", (30, 600))


def _over_limit(request):
    count, seconds = VERIFY_LIMIT
    window = int(timezone.now().timestamp()) // seconds
    key = f"certificates:verify:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) > count
    except ValueError:  # expired between add and incr
        return False


def _too_many(request):
    _count, seconds = VERIFY_LIMIT
    response = render(request, "certificates/verify_limited.html", status=429)
    # Counts start again with the next window.
    response["Retry-After"] = str(seconds - int(timezone.now().timestamp()) % seconds)
    return response


def verify(request, code):
    """What a certificate says and whether it holds, for anyone who has its code.

    Unknown and malformed codes get the same page; no email or other contact details.
    """
    if _over_limit(request):
        return _too_many(request)
    normalised = normalise_code(code)
    certificate = (
        Certificate.objects.select_related("superseded_by").filter(code=normalised).first()
        if normalised
        else None
    )
    if certificate is None:
        return render(
            request,
            "certificates/verify_form.html",
            {"form": VerifyCodeForm(), "unknown": True},
            status=404,
        )
    return render(request, "certificates/verify.html", {"certificate": certificate})


def verify_form(request):
    """Type a code to verify a certificate."""
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        normalised = normalise_code(form.cleaned_data["code"])
        return redirect("certificate_verify", code=normalised or "unknown")
    return render(request, "certificates/verify_form.html", {"form": form})


def private_file_response(file, *, filename, as_attachment=True):
    """A file of the private storage, for the one person a view has let in: no shared cache
    (a proxy or CDN in front) may keep it for the next visitor."""
    response = FileResponse(file.open("rb"), as_attachment=as_attachment, filename=filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def download(request, pk):
    """The signed-in officer's own certificate (valid, revoked or superseded); anyone
    else's is not found. The academy's staff download from the admin."""
    certificate = get_object_or_404(Certificate.objects.for_officer(request.user), pk=pk)
    return private_file_response(certificate.pdf, filename=f"{certificate.serial}.pdf")


def credential_response(certificate, form, *, private):
    certificate = issuers.ensure_credential(certificate)
    if form == "jwt":
        response = HttpResponse(certificate.credential_jwt, content_type="application/jwt")
    else:
        response = HttpResponse(
            json.dumps(certificate.credential, indent=2, ensure_ascii=False),
            content_type="application/ld+json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.{form}"'
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def download_credential(request, pk, form):
    """The signed-in officer's own Open Badges credential (JSON-LD or JWT)."""
    certificate = get_object_or_404(Certificate.objects.for_officer(request.user), pk=pk)
    return credential_response(certificate, form, private=True)


def verified_credential(request, code, form):
    """The Open Badges credential of a certificate, for whoever has its code (as its
    verification page): the holder is named in it by a salted hash of the address only."""
    if _over_limit(request):
        return _too_many(request)
    normalised = normalise_code(code)
    certificate = get_object_or_404(Certificate, code=normalised or "")
    return credential_response(certificate, form, private=True)


def _certificate_of(verdict):
    """Our record of a verified credential (its id is our verification page), if any."""
    credential_id = verdict.credential.get("id", "")
    prefix = verification_url()
    if not credential_id.startswith(prefix):
        return None
    code = normalise_code(credential_id[len(prefix) :].strip("/"))
    return Certificate.objects.select_related("superseded_by").filter(code=code).first()


def verify_file(request):
    """Drop a credential file (or a certificate PDF) to learn whether it is authentic, which
    academy issued it and whether it still holds. The file is read, never kept."""
    if request.method != "POST":
        return render(request, "certificates/verify_file.html", {"form": VerifyFileForm()})
    if _over_limit(request):
        return _too_many(request)
    form = VerifyFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "certificates/verify_file.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_CREDENTIAL_BYTES * 64 + 1)
    context = {"form": VerifyFileForm()}
    if data.startswith(b"%PDF"):
        context["pdf_result"], context["certificate"] = check_pdf(data)
        return render(request, "certificates/verify_file.html", context)
    verdict = verify_credential(data, issuers.DatabaseTrust())
    context["verdict"] = verdict
    context["certificate"] = _certificate_of(verdict) if verdict.authentic else None
    return render(request, "certificates/verify_file.html", context)
