"""Admin views of one session: enrolment decisions, the attendance register, cancelling."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from academy import policy
from academy.admin_access import RecordsWhoLooked
from courses.forms import CancelSessionForm, EnrolmentDecisionForm
from courses.models import Attendance, Enrolment, ReviewReport, Session
from courses.services import (
    EnrolmentRefused,
    cancel_session,
    decide_many,
    mark_attendance,
    publish_report,
)


def staff_session(user, pk, *, action="view"):
    """A session where ``user`` may do ``action`` (the city policy); anything else is a 404."""
    return policy.get_or_404(
        Session.objects.select_related("academy", "course"), user, action, pk=pk
    )


def decide_selected(request, form, decide):
    """Decide the enrolments ticked in ``form`` with ``decide`` (a service taking them and
    the decision, giving back those decided and those refused with why), and say so."""
    data = form.cleaned_data
    decided, refused = decide(
        data["enrolments"],
        approve=data["decision"] == "approve",
        reason=data["reason"].strip(),
        by=request.user,
    )
    if decided:
        messages.success(
            request,
            ngettext("%(count)d request decided.", "%(count)d requests decided.", len(decided))
            % {"count": len(decided)},
        )
    for enrolment, why in refused:
        messages.error(request, f"{enrolment.officer}: {why}")


class SessionAdminMixin(WagtailAdminTemplateMixin):
    """An admin page about one session of the user's city."""

    # What the user must be allowed to do to the session to open the page.
    action = "view"
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        self.session = staff_session(request.user, kwargs["pk"], action=self.action)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse("sessions:index"), "label": gettext("Sessions")},
            {"url": reverse("sessions:edit", args=[self.session.pk]), "label": str(self.session)},
            # The last item is all a collapsed trail shows: it names the session too.
            {"url": "", "label": self.page_title, "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, **kwargs)


class SessionEnrolmentsView(RecordsWhoLooked, SessionAdminMixin, FormView):
    """Who is enrolled in a session; coordinators approve or reject requests, one or many."""

    template_name = "courses/admin/session_enrolments.html"
    form_class = EnrolmentDecisionForm
    page_title = gettext_lazy("Enrolments")
    data_access_what = gettext_lazy("Enrolments")

    def officers_seen(self, context):
        return self.session.enrolments.values_list("officer_id", flat=True)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "session": self.session}

    @cached_property
    def can_decide(self):
        """Only coordinators of the session's academy (and network admins) decide."""
        return policy.may_act_on(self.request.user, "decide", self.session)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enrolments"] = self.session.enrolments.select_related(
            "officer__academy_profile__force"
        )
        context["can_decide"] = self.can_decide
        return context

    def form_valid(self, form):
        if not self.can_decide:
            raise PermissionDenied
        decide_selected(self.request, form, decide_many)
        return redirect("academy_session_enrolments", self.session.pk)


class SessionAttendanceView(RecordsWhoLooked, SessionAdminMixin, TemplateView):
    """The attendance register: each officer with a place, present or absent on each day,
    a week at a time (the week of today while the session runs)."""

    template_name = "courses/admin/session_attendance.html"
    page_title = gettext_lazy("Attendance register")
    days_per_page = 7

    data_access_what = gettext_lazy("Attendance register")

    def officers_seen(self, context):
        active = self.session.enrolments.filter(state__in=Enrolment.ACTIVE)
        return active.values_list("officer_id", flat=True)

    def week(self, number):
        """A page of the session's days; a session of any length is cut into weeks."""
        weeks = Paginator(self.session.days(), self.days_per_page)
        if number is None:
            today = timezone.localdate()
            if today in self.session.days():
                number = (today - self.session.starts_on).days // self.days_per_page + 1
        return weeks.get_page(number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = self.week(self.request.GET.get("p"))
        days = week.object_list
        enrolments = self.session.enrolments.filter(state__in=Enrolment.ACTIVE).select_related(
            "officer"
        )
        marks = {
            (mark.enrolment_id, mark.day): mark.present
            for mark in Attendance.objects.filter(
                enrolment__session=self.session, day__range=(days[0], days[-1])
            )
        }
        context["week"] = week
        context["elided_page_range"] = week.paginator.get_elided_page_range(week.number)
        context["days"] = days
        context["rows"] = [
            (enrolment, [(day, marks.get((enrolment.pk, day))) for day in days])
            for enrolment in enrolments
        ]
        return context

    def post(self, request, *args, **kwargs):
        if not self.session.takes_attendance:
            raise PermissionDenied
        answers = {"present": True, "absent": False, "": None}
        week = self.week(request.POST.get("p"))
        marks = {}
        for enrolment in self.session.enrolments.all():
            for day in week.object_list:
                value = request.POST.get(f"mark-{enrolment.pk}-{day:%Y-%m-%d}")
                if value is not None and value in answers:
                    marks[(enrolment.pk, day)] = answers[value]
        try:
            mark_attendance(self.session, marks, by=request.user)
        except EnrolmentRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, gettext("Attendance saved."))
        url = reverse("academy_session_attendance", args=[self.session.pk])
        return redirect(f"{url}?p={week.number}")


class CancelSessionView(SessionAdminMixin, FormView):
    """A coordinator cancels a session; the officers enrolled or waiting get an email."""

    template_name = "wagtailadmin/generic/form.html"
    form_class = CancelSessionForm
    page_title = gettext_lazy("Cancel session")
    action = "cancel"

    def form_valid(self, form):
        try:
            cancel_session(self.session, reason=form.cleaned_data["reason"].strip())
        except EnrolmentRefused as refusal:
            messages.error(self.request, str(refusal))
        else:
            messages.success(
                self.request, gettext("The session is cancelled; its officers are told.")
            )
        return redirect("sessions:edit", self.session.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.path
        context["submit_button_label"] = gettext("Cancel the session")
        return context


class ReviewReportForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Summary of the review (published on the practice's page)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class PeerReviewReportView(SessionAdminMixin, FormView):
    """The host's coordinators assemble the submitted reviews of a peer review into a
    report, published on the practice's page with the reviewers credited."""

    template_name = "courses/admin/peer_review_report.html"
    form_class = ReviewReportForm
    page_title = gettext_lazy("Peer-review report")
    action = "publish_report"

    def get_initial(self):
        report = ReviewReport.objects.filter(session=self.session).first()
        return {"summary": report.summary} if report else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviews"] = self.session.reviews.select_related(
            "reviewer__academy_profile__force"
        ).order_by("submitted_at", "pk")
        context["report"] = ReviewReport.objects.filter(session=self.session).first()
        context["practice"] = self.session.practice
        return context

    def form_valid(self, form):
        try:
            publish_report(self.session, summary=form.cleaned_data["summary"], by=self.request.user)
        except EnrolmentRefused as refusal:
            messages.error(self.request, str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, gettext("The report is published on the practice's page."))
        return redirect("academy_session_review_report", self.session.pk)
