"""The academies' issuer documents, mounted by the site at the top level (no language prefix:
``did:web:<host>:academies:<CODE>`` resolves to exactly ``/academies/<CODE>/did.json``)."""

from django.urls import path

from . import trust_views

urlpatterns = [
    path(
        "academies/<str:academy_code>/did.json",
        trust_views.did_document,
        name="academy_issuer_did",
    ),
    path(
        "academies/<str:academy_code>/issuer.json",
        trust_views.issuer_profile,
        name="academy_issuer_profile",
    ),
    path(
        "academies/<str:academy_code>/status-list.json",
        trust_views.status_list,
        name="academy_issuer_status_list",
    ),
]
