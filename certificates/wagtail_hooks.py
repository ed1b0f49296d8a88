from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from academy.admin_access import require_coordinator
from academy.models import AcademyPage

from .admin_views import (
    CertificatePDFView,
    ReissueCertificateView,
    RevokeCertificateView,
    SessionCertificatesView,
    SessionCertificatesZipView,
    SignatureView,
)
from .models import Certificate, CertificateTemplate
from .viewsets import CertificateTemplateViewSet, CertificateViewSet, CityCoordinatorPolicy

# Certificates are issued, revoked and reissued through services, never added or edited.
register_permission_policy(Certificate, CityCoordinatorPolicy(Certificate, actions=("view",)))
register_permission_policy(CertificateTemplate, CityCoordinatorPolicy(CertificateTemplate))
register_snippet(CertificateTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("certificates")


@hooks.register("register_admin_urls")
def register_certificate_urls():
    views = [
        ("issued/<int:pk>/pdf/", CertificatePDFView, "certificates_admin_pdf"),
        ("signatories/<int:pk>/signature/", SignatureView, "certificates_admin_signature"),
        ("issued/<int:pk>/revoke/", RevokeCertificateView, "certificates_admin_revoke"),
        ("issued/<int:pk>/reissue/", ReissueCertificateView, "certificates_admin_reissue"),
        ("sessions/<int:pk>/certificates/", SessionCertificatesView, "certificates_admin_session"),
        (
            "sessions/<int:pk>/certificates.zip",
            SessionCertificatesZipView,
            "certificates_admin_session_zip",
        ),
    ]
    return [
        path(f"certificates/{route}", require_coordinator(view.as_view()), name=name)
        for route, view, name in views
    ]


@hooks.register("register_session_admin_links")
def session_certificates_link(user, session):
    if (
        user.is_superuser
        or AcademyPage.objects.coordinated_by(user).filter(pk=session.academy_id).exists()
    ):
        return [(_("Certificates"), "certificates_admin_session", "doc-full-inverse", 45)]
    return []
