"""Public pages of certificates: verification by code and the officer's own downloads."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from academy.visitors import client_address

from .forms import VerifyCodeForm
from .models import Certificate
from .services import normalise_code

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
