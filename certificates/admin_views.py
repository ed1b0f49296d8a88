"""Admin views of certificates: download, revoke, reissue, and a session's certificates."""

import tempfile
import zipfile

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from academy import policy
from academy.admin_access import RecordsWhoLooked
from academy.data_requests import record_access
from academy.models import DataAccess
from courses.models import Enrolment
from courses.session_admin import staff_session

from .forms import RevokeForm
from .models import Certificate, CertificateTemplate, Signatory
from .rendering import RenderError
from .services import (
    CertificateRefused,
    issue_certificate,
    reissue,
    revoke,
    start_session_batch,
)
from .views import private_file_response


def managed_certificate(user, pk):
    """A certificate of an academy ``user`` coordinates; 404 for any other."""
    return policy.get_or_404(
        Certificate.objects.select_related("academy", "enrolment"), user, "manage", pk=pk
    )


class CertificatePDFView(View):
    """A certificate's PDF for the coordinators of its academy and network admins."""

    def get(self, request, pk):
        certificate = managed_certificate(request.user, pk)
        response = private_file_response(certificate.pdf, filename=f"{certificate.serial}.pdf")
        record_access(
            request.user,
            [certificate.enrolment.officer_id],
            what=gettext("Certificate PDF"),
            purpose=DataAccess.Purpose.EXPORT,
            academy=certificate.academy_id,
        )
        return response


class SignatureView(View):
    """A signatory's signature image, shown in the template form to the coordinators of the
    template's academy and network admins; not found for anyone else."""

    def get(self, request, pk):
        templates = policy_registry.get_by_type(CertificateTemplate)
        signatory = get_object_or_404(
            Signatory.objects.filter(
                template__in=templates.instances_user_has_any_permission_for(
                    request.user, ["change"]
                )
            ).exclude(signature=""),
            pk=pk,
        )
        extension = signatory.signature.name.rsplit(".", 1)[-1]
        return private_file_response(
            signatory.signature, filename=f"signature.{extension}", as_attachment=False
        )


class CertificateActionMixin(WagtailAdminTemplateMixin):
    header_icon = "doc-full-inverse"

    @cached_property
    def certificate(self):
        return managed_certificate(self.request.user, self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse("certificates:index"), "label": gettext("Certificates")},
            {
                "url": reverse("certificates:inspect", args=[self.certificate.pk]),
                "label": self.certificate.serial,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def back_to_certificate(self, certificate=None):
        return redirect("certificates:inspect", (certificate or self.certificate).pk)


class RevokeCertificateView(CertificateActionMixin, FormView):
    """The coordinator revokes a certificate, saying why."""

    form_class = RevokeForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = gettext_lazy("Revoke certificate")

    def get_page_subtitle(self):
        return self.certificate.serial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse("certificates_admin_revoke", args=[self.certificate.pk])
        context["submit_button_label"] = gettext("Revoke")
        return context

    def form_valid(self, form):
        try:
            revoke(self.certificate, by=self.request.user, reason=form.cleaned_data["reason"])
        except CertificateRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(serial)s is revoked; its verification page says so.")
            % {"serial": self.certificate.serial},
        )
        return self.back_to_certificate()


class ReissueCertificateView(CertificateActionMixin, TemplateView):
    """The coordinator replaces a certificate by a new one (after a name correction, say)."""

    template_name = "certificates/admin/reissue.html"
    page_title = gettext_lazy("Reissue certificate")

    def get_page_subtitle(self):
        return self.certificate.serial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.certificate}

    def post(self, request, pk):
        try:
            new = reissue(self.certificate, by=request.user)
        except (CertificateRefused, RenderError) as refusal:
            messages.error(request, str(refusal))
            return self.back_to_certificate()
        messages.success(
            request,
            gettext("%(new)s replaces %(old)s, which now shows as superseded.")
            % {"new": new.serial, "old": self.certificate.serial},
        )
        return self.back_to_certificate(new)


class SessionCertificatesView(RecordsWhoLooked, WagtailAdminTemplateMixin, TemplateView):
    """A session's completed officers and their certificates: issue one, or all at once."""

    template_name = "certificates/admin/session_certificates.html"
    header_icon = "doc-full-inverse"
    page_title = gettext_lazy("Certificates")

    @cached_property
    def session(self):
        return staff_session(self.request.user, self.kwargs["pk"], action="issue")

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse("sessions:index"), "label": gettext("Sessions")},
            {"url": reverse("sessions:edit", args=[self.session.pk]), "label": self.session.title},
            # The last item is all a collapsed trail shows: it names the session too.
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    data_access_what = gettext_lazy("Certificates of a session")

    def officers_seen(self, context):
        return [enrolment.officer_id for enrolment in context["enrolments"]]

    def get_context_data(self, **kwargs):
        enrolments = list(
            self.session.enrolments.filter(state=Enrolment.State.COMPLETED)
            .select_related("officer__academy_profile")
            .prefetch_related(
                Prefetch(
                    "certificates",
                    queryset=Certificate.objects.valid().only("pk", "serial", "enrolment_id"),
                    to_attr="valid_certificates",
                ),
                # So that a coordinator sees a revocation before issuing a new certificate.
                Prefetch(
                    "certificates",
                    queryset=Certificate.objects.filter(revoked_at__isnull=False)
                    .only("pk", "serial", "enrolment_id", "revoked_at", "revocation_reason")
                    .order_by("-revoked_at"),
                    to_attr="revoked_certificates",
                ),
            )
            .order_by("officer__academy_profile__full_name", "officer")
        )
        batch = self.session.certificate_batches.first()
        return {
            **super().get_context_data(**kwargs),
            "session": self.session,
            "enrolments": enrolments,
            "revoked_without_valid": sum(
                1 for e in enrolments if e.revoked_certificates and not e.valid_certificates
            ),
            "batch": batch,
            "running": batch is not None and batch.finished_at is None,
        }

    def post(self, request, pk):
        if "enrolment" in request.POST:
            enrolment = get_object_or_404(
                self.session.enrolments, pk=request.POST.get("enrolment", "").strip() or 0
            )
            try:
                certificate = issue_certificate(enrolment, by=request.user)
            except (CertificateRefused, RenderError) as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    gettext("Certificate %(serial)s issued.") % {"serial": certificate.serial},
                )
        else:
            start_session_batch(self.session, by=request.user)
            messages.success(request, gettext("The certificates of this session are being issued."))
        return redirect("certificates_admin_session", self.session.pk)


class SessionCertificatesZipView(View):
    """Every valid certificate of a session in one ZIP file."""

    def get(self, request, pk):
        session = staff_session(request.user, pk, action="issue")
        certificates = Certificate.objects.valid().filter(enrolment__session=session)
        if not certificates.exists():
            raise Http404
        # A large session spills to a temporary file rather than filling the memory.
        archive_file = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates.order_by("serial").iterator():
                with certificate.pdf.open("rb") as pdf:
                    archive.writestr(f"{certificate.serial}.pdf", pdf.read())
        archive_file.seek(0)
        response = FileResponse(
            archive_file,
            as_attachment=True,
            filename=f"certificates-session-{session.pk}.zip",
            content_type="application/zip",
        )
        patch_cache_control(response, private=True, no_store=True)
        record_access(
            request.user,
            certificates.values_list("enrolment__officer_id", flat=True),
            what=gettext("Certificates of a session (ZIP)"),
            purpose=DataAccess.Purpose.EXPORT,
            academy=session.academy_id,
        )
        return response
