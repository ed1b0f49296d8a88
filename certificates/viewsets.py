"""The admin of certificates: each city's coordinators see and manage their own only."""

import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy import policy
from academy.admin_access import RecordsWhoLooked
from academy.media import refuse_media_not_choosable
from academy.policy import CityChooserViewSetMixin, CityPermissionPolicy, CityViewSetMixin

from .models import Certificate, CertificateTemplate, SerialNumber
from .services import verification_url


def certificate_policy():
    """Coordinators look at their city's certificates; nobody adds, edits or deletes one
    in the admin: they are issued, revoked and reissued through services."""
    return CityPermissionPolicy(Certificate, actions=["view"], trainer_actions=())


def serial_number_policy():
    """Coordinators read their city's register of serial numbers; nobody changes it."""
    return CityPermissionPolicy(SerialNumber, actions=["view"], trainer_actions=())


def template_policy():
    """Coordinators keep their city's certificate templates."""
    return CityPermissionPolicy(CertificateTemplate, trainer_actions=())


class CertificateTemplateForm(WagtailAdminModelForm):
    """Coordinators make templates for their own academies only, with their own images."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "academy" in self.fields:
            academies = policy.academies_for(for_user, "add").in_default_locale()
            self.fields["academy"].queryset = academies

    def clean(self):
        # The chooser offers only the images of the user's collections; a posted id is
        # checked against the same rule, so no city prints another city's logo.
        cleaned_data = super().clean()
        if self.for_user is not None:
            refuse_media_not_choosable(self, self.for_user)
        return cleaned_data


class CertificateTemplateChooserViewSet(CityChooserViewSetMixin, SnippetChooserViewSet):
    """A template has texts in several languages and signatories: it is made in its own
    form, so the chooser lists and picks but creates nothing (it has no create URL). What
    it lists and picks is the user's cities' (the city policy)."""

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


class CertificateTemplateViewSet(CityViewSetMixin, SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    menu_order = 280
    add_to_admin_menu = True
    list_display = ["name", "academy", "kind", "orientation"]
    list_filter = ["kind"]
    chooser_viewset_class = CertificateTemplateChooserViewSet

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("Form", (CertificateTemplateForm, form_class), {})

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["view", "change"]
        ).select_related("academy")


class CertificateIndexView(RecordsWhoLooked, IndexView):
    data_access_what = _("Certificates")

    def officers_seen(self, context):
        shown = [certificate.pk for certificate in context.get("object_list") or ()]
        return Certificate.objects.filter(pk__in=shown).values_list(
            "enrolment__officer_id", "academy_id"
        )

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view"]
        ).select_related("academy")

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *certificate_buttons(instance, MenuItem)]


class CertificateInspectView(RecordsWhoLooked, InspectView):
    """One certificate as the coordinator checks it: whose, for which session, whether it holds.

    Times in the academy's time zone, as in the list; revocation and replacement only once
    they happened; anything else left empty reads as a dash.
    """

    labels = {"status": _("Status"), "holder": _("Holder"), "session": _("Session")}
    data_access_what = _("Certificate")
    revocation_fields = {"revoked_at", "revoked_by", "revocation_reason"}
    supersession_fields = {"superseded_at", "superseded_by"}

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["view"]
            ).select_related(
                "academy", "enrolment__session", "issued_by", "revoked_by", "superseded_by"
            ),
            pk=self.pk,
        )

    def officers_seen(self, context):
        return [(self.object.enrolment.officer_id, self.object.academy_id)]

    def get_fields_context(self):
        certificate = self.object
        skipped = set()
        if certificate.revoked_at is None:
            skipped |= self.revocation_fields
        if certificate.superseded_at is None:
            skipped |= self.supersession_fields
        return [self.get_context_for_field(name) for name in self.fields if name not in skipped]

    def get_field_label(self, field_name, field):
        if field_name in self.labels:
            return self.labels[field_name]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if value is None or value == "":
            return "—"
        return value

    def get_holder_display_value(self):
        return self.object.snapshot.get("name")

    def get_session_display_value(self):
        session = self.object.enrolment.session
        return format_html(
            '<a href="{}">{}</a>', reverse("certificates_admin_session", args=[session.pk]), session
        )

    def get_code_display_value(self):
        return format_html(
            '<a href="{}">{}</a>', verification_url(self.object.code), self.object.grouped_code
        )

    def get_superseded_by_display_value(self):
        new = self.object.superseded_by
        return format_html(
            '<a href="{}">{}</a>', reverse("certificates:inspect", args=[new.pk]), new
        )

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *certificate_buttons(self.object, Button)]


class CertificateViewSet(CityViewSetMixin, ModelViewSet):
    """Issued certificates: looked at, downloaded, revoked or reissued, never edited."""

    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    menu_order = 270
    add_to_admin_menu = True
    inspect_view_enabled = True
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    inspect_view_fields = [
        "serial",
        "status",
        "holder",
        "session",
        "academy",
        "language",
        "code",
        "issued_at",
        "issued_by",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "superseded_at",
        "superseded_by",
        "sha256",
    ]
    copy_view_enabled = False
    list_display = [
        "serial",
        Column("holder", label=_("Holder"), accessor=lambda c: c.snapshot.get("name")),
        Column("session", label=_("Session"), accessor=lambda c: c.snapshot.get("session")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        "issued_at",
    ]
    list_filter = ["academy", "year"]
    search_fields = ["serial"]
    # The create and edit views exist but are refused: the policy allows "view" only.
    form_fields = ["revocation_reason"]


class SerialNumberIndexView(IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view"]
        ).select_related("academy")


class SerialNumberViewSet(CityViewSetMixin, ModelViewSet):
    """The register of the serial numbers each academy gave: every number, issued, void
    (with the reason) or being printed. It names no one: the certificate does."""

    model = SerialNumber
    icon = "list-ol"
    menu_label = _("Serial numbers")
    menu_order = 275
    add_to_admin_menu = True
    index_view_class = SerialNumberIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "serial",
        Column("state", label=_("State"), accessor="get_state_display"),
        "void_reason",
        "given_at",
        "closed_at",
    ]
    list_filter = ["academy", "year", "state"]
    search_fields = ["serial"]
    # The create and edit views exist but are refused: the policy allows "view" only.
    form_fields = ["void_reason"]


def certificate_buttons(certificate, button):
    """Download, and for a valid certificate revoke and reissue."""
    links = [(_("Download PDF"), "certificates_admin_pdf", "download", 10)]
    if certificate.is_valid:
        links += [
            (_("Revoke"), "certificates_admin_revoke", "cross", 20),
            (_("Reissue"), "certificates_admin_reissue", "repeat", 30),
        ]
    return [
        button(label, url=reverse(name, args=[certificate.pk]), icon_name=icon, priority=priority)
        for label, name, icon, priority in links
    ]
