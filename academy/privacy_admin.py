"""The network admins' side of personal data: erasure requests to confirm, the record of
who looked at an officer's data, and what the retention periods will remove when."""

import datetime

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .data_requests import ErasureRefused, confirm_erasure, decline_erasure
from .exports import AcademyReportView
from .models import AcademyPage, DataAccess, ErasureRequest, name_on_certificates
from .personal_data import registry

HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")}


class ErasureRequestsView(AcademyReportView):
    """Officers' requests to be erased: the waiting ones first."""

    page_title = gettext_lazy("Erasure requests")
    header_icon = "bin"
    index_url_name = "academy_erasure_requests"
    index_results_url_name = "academy_erasure_requests_results"
    export_filename = "erasure-requests"
    list_export = ["person", "state", "requested_at", "decided_at"]
    export_headings = {
        "person": gettext_lazy("Person"),
        "state": gettext_lazy("State"),
        "requested_at": gettext_lazy("Requested at"),
        "decided_at": gettext_lazy("Decided at"),
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "person",
                label=gettext_lazy("Person"),
                accessor="__str__",
                get_url=lambda request: reverse("academy_erasure_decide", args=[request.pk]),
            ),
            Column("state", label=gettext_lazy("State"), accessor="get_state_display"),
            DateColumn("requested_at", label=gettext_lazy("Requested at")),
            DateColumn("decided_at", label=gettext_lazy("Decided at")),
        ]

    def get_queryset(self):
        return ErasureRequest.objects.order_by("-state", "-requested_at")

    def to_row_dict(self, item):
        return {
            "person": str(item),
            "state": item.get_state_display(),
            "requested_at": item.requested_at,
            "decided_at": item.decided_at,
        }


class DecideErasureView(WagtailAdminTemplateMixin, TemplateView):
    """A network admin (the controller) confirms an erasure request, or declines it."""

    template_name = "academy/admin/decide_erasure.html"
    page_title = gettext_lazy("Erasure request")
    header_icon = "bin"

    @cached_property
    def erasure_request(self):
        return get_object_or_404(ErasureRequest, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.erasure_request)

    def get_breadcrumbs_items(self):
        return [
            HOME,
            {"url": reverse("academy_erasure_requests"), "label": gettext("Erasure requests")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "erasure_request": self.erasure_request,
            "access_log_url": reverse("academy_access_log")
            + f"?officer={self.erasure_request.person_id}",
        }

    def post(self, request, pk):
        decide = confirm_erasure if request.POST.get("decision") == "erase" else decline_erasure
        try:
            decided = decide(self.erasure_request, by=request.user)
        except ErasureRefused:
            messages.error(request, gettext("This request was already decided."))
        else:
            if decided.state == ErasureRequest.State.ERASED:
                messages.success(request, gettext("The person's data is erased."))
            else:
                messages.success(request, gettext("The request is declined."))
        return redirect("academy_erasure_requests")


class AccessFilterSet(WagtailFilterSet):
    officer = django_filters.NumberFilter(label=gettext_lazy("Officer (account number)"))
    address = django_filters.CharFilter(
        label=gettext_lazy("Officer's sign-in"), method="filter_address"
    )
    academy = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Academy"),
        queryset=lambda request: AcademyPage.objects.in_default_locale().order_by("city"),
    )
    purpose = django_filters.ChoiceFilter(
        label=gettext_lazy("Why"), choices=DataAccess.Purpose.choices
    )

    class Meta:
        model = DataAccess
        fields = ["officer", "academy", "purpose"]

    def filter_address(self, queryset, name, value):
        field = get_user_model().USERNAME_FIELD
        return queryset.filter(**{f"officer__{field}__iexact": value.strip()})


class AccessLogView(AcademyReportView):
    """Who looked at or exported which officer's personal data, when, what and why."""

    page_title = gettext_lazy("Who looked")
    header_icon = "view"
    index_url_name = "academy_access_log"
    index_results_url_name = "academy_access_log_results"
    export_filename = "who-looked"
    filterset_class = AccessFilterSet
    list_export = ["at", "officer", "staff", "academy", "what", "purpose"]
    export_headings = {
        "at": gettext_lazy("When"),
        "officer": gettext_lazy("Officer"),
        "staff": gettext_lazy("Staff member"),
        "academy": gettext_lazy("Academy"),
        "what": gettext_lazy("What"),
        "purpose": gettext_lazy("Why"),
    }

    @cached_property
    def columns(self):
        return [
            DateColumn("at", label=gettext_lazy("When")),
            *(
                Column(name, label=self.export_headings[name])
                for name in ["officer", "staff", "academy", "what", "purpose"]
            ),
        ]

    def get_queryset(self):
        return DataAccess.objects.select_related(
            "officer__academy_profile", "staff__academy_profile", "academy"
        )

    def decorate_paginated_queryset(self, object_list):
        return [AccessRow(entry) for entry in object_list]


class AccessRow:
    """One entry of the record of who looked, as the table and the export show it."""

    def __init__(self, entry):
        self.pk = entry.pk
        self.at = entry.at
        self.officer = self.name(entry.officer)
        self.staff = self.name(entry.staff)
        self.academy = entry.academy.title if entry.academy else ""
        self.what = entry.what
        self.purpose = entry.get_purpose_display()

    @staticmethod
    def name(user):
        return name_on_certificates(user) if user is not None else gettext("deleted account")


class RetentionView(WagtailAdminTemplateMixin, TemplateView):
    """What each retention period removes: now (at the next daily run), and in the next
    30 and 90 days."""

    template_name = "academy/admin/retention.html"
    page_title = gettext_lazy("Retention")
    header_icon = "time"
    breadcrumbs_items = [HOME, {"url": "", "label": gettext_lazy("Retention")}]
    horizons = (0, 30, 90)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        rows = []
        for rule in registry.retention.values():
            rows.append(
                {
                    "rule": rule,
                    "counts": [
                        rule.due(rule.cutoff(now + datetime.timedelta(days=days))).count()
                        for days in self.horizons
                    ],
                }
            )
        return {**super().get_context_data(**kwargs), "rows": rows}
