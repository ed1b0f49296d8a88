"""Public documents of each academy as an issuer, at fixed addresses without a language
prefix (a did:web identifier names one URL): its did:web document, its issuer profile and its
signed status list. Nothing personal is in any of them."""

from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control

from academy.models import AcademyPage

from . import issuers


def _academy(academy_code):
    academy = AcademyPage.objects.in_default_locale().live().filter(code=academy_code).first()
    if academy is None:
        raise Http404
    return academy


def _public_json(document, *, content_type="application/json", max_age=300):
    response = JsonResponse(document, content_type=content_type, json_dumps_params={"indent": 2})
    # Verifiers anywhere may read these; a shared cache may keep them for a few minutes.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def did_document(request, academy_code):
    """The academy's did:web document: its public keys as Multikeys."""
    return _public_json(
        issuers.did_document(_academy(academy_code)), content_type="application/did+json"
    )


def issuer_profile(request, academy_code):
    """The academy as an Open Badges issuer Profile."""
    profile = issuers.issuer_profile(_academy(academy_code))
    return _public_json({"@context": [issuers.VC_V2, issuers.OB_V3], **profile})


def status_list(request, academy_code):
    """The academy's signed Bitstring Status List credential (revoked and superseded bits)."""
    return _public_json(issuers.status_list_credential(_academy(academy_code)), max_age=60)
