"""Admin views of a force's training managers (issue 21): the requests of their officers
for other cities' sessions, to approve first, and their officers' records across the
network, with a CSV/XLSX export. Both ask ``academy.policy.scope_to_managed_forces``:
nothing of other forces' officers shows."""

from functools import wraps

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from academy import policy
from academy.exports import AcademyReportView
from academy.models import Profile, name_on_certificates
from courses.forms import EnrolmentDecisionForm
from courses.models import Enrolment
from courses.services import decide_many_for_force
from courses.session_admin import decide_selected


def training_managers_only(view):
    """403 for whoever manages no force's officers (network admins manage every force)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not policy.manages_a_force(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


class TrainingManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return policy.manages_a_force(request.user)


def managed_enrolments(user):
    """Enrolments of the officers of the forces ``user`` manages, in every city."""
    return policy.scope_to_managed_forces(
        Enrolment.objects.select_related(
            "officer__academy_profile__force", "session__academy", "session__course"
        ),
        user,
    )


class ForceRequestsView(WagtailAdminTemplateMixin, FormView):
    """The requests of the manager's officers waiting for their force's approval; the
    manager approves (they go on to the host academy) or rejects them, with a reason."""

    template_name = "courses/admin/force_requests.html"
    form_class = EnrolmentDecisionForm
    page_title = gettext_lazy("Requests to approve for my force")
    header_icon = "user"

    @cached_property
    def waiting(self):
        return managed_enrolments(self.request.user).awaiting_own_force().order_by("created_at")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "requests": self.waiting}

    def get_context_data(self, **kwargs):
        return super().get_context_data(enrolments=self.waiting, **kwargs)

    def form_valid(self, form):
        decide_selected(self.request, form, decide_many_for_force)
        return redirect("courses_force_requests")


class ForceRecordsFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"), choices=Enrolment.State.choices
    )
    participant_type = django_filters.ChoiceFilter(
        label=gettext_lazy("Participant type"),
        field_name="officer__academy_profile__participant_type",
        choices=Profile.ParticipantType.choices,
    )

    class Meta:
        model = Enrolment
        fields = ["state", "participant_type"]


class ForceRecordsReportView(AcademyReportView):
    """Every request and record of the manager's officers, in every city of the network."""

    page_title = gettext_lazy("My force's officers")
    header_icon = "user"
    index_url_name = "courses_force_records"
    index_results_url_name = "courses_force_records_results"
    export_filename = "force-officers"
    filterset_class = ForceRecordsFilterSet
    list_export = [
        "officer_name",
        "force",
        "participant",
        "session",
        "host",
        "starts_on",
        "state_label",
        "reason",
        "created_at",
        "completed_at",
    ]
    export_headings = {
        "officer_name": gettext_lazy("Officer"),
        "force": gettext_lazy("Force"),
        "participant": gettext_lazy("Participant type"),
        "session": gettext_lazy("Session"),
        "host": gettext_lazy("Host city"),
        "starts_on": gettext_lazy("Starts"),
        "state_label": gettext_lazy("State"),
        "reason": gettext_lazy("Reason"),
        "created_at": gettext_lazy("Requested at"),
        "completed_at": gettext_lazy("Completed at"),
    }

    @cached_property
    def columns(self):
        return [Column(field, label=label) for field, label in self.export_headings.items()]

    def get_queryset(self):
        return managed_enrolments(self.request.user).order_by("-created_at", "-pk")

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        for enrolment in rows:
            self.decorate(enrolment)
        return rows

    def decorate(self, enrolment):
        profile = getattr(enrolment.officer, "academy_profile", None)
        enrolment.officer_name = name_on_certificates(enrolment.officer)
        enrolment.force = str(profile.force) if profile and profile.force else ""
        enrolment.participant = profile.get_participant_type_display() if profile else ""
        enrolment.session = enrolment.session
        enrolment.host = enrolment.session.academy.city
        enrolment.starts_on = enrolment.session.starts_on
        enrolment.state_label = enrolment.get_state_display()
        return enrolment

    def to_row_dict(self, item):
        self.decorate(item)
        row = super().to_row_dict(item)
        row["session"] = item.session.title
        return row
