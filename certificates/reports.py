"""Reports that bring sessions, learning, assessments and certificates together (admin).

Each city's staff see their own sessions; network admins see every city.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from types import SimpleNamespace

import django_filters
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column

from academy import policy
from academy.admin_access import RecordsWhoLooked
from academy.charts import bar_chart
from academy.exports import AcademyReportView
from academy.models import AcademyPage, Profile, name_on_certificates, profile_of
from certificates.models import Certificate
from courses.models import (
    AssessmentAttempt,
    AssessmentPage,
    Attendance,
    CoursePage,
    Enrolment,
    ModulePage,
    ModuleProgress,
    Session,
    Theme,
)
from courses.queries import result
from courses.session_admin import staff_session


def _minutes(seconds):
    return round(seconds / 60) if seconds else 0


class ProgressRows(Sequence):
    """The rows of a session's progress matrix, made only for the slice asked for: a page
    of the report costs the same queries in a session of 20 officers or of 2,000, and an
    export goes through the session in chunks."""

    CHUNK = 500

    def __init__(self, enrolments, report):
        self.enrolments = enrolments
        self.report = report

    @cached_property
    def _length(self):
        return self.enrolments.count()

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.report.rows(list(self.enrolments[index]))
        return self[index : index + 1][0]

    def __iter__(self):
        for start in range(0, len(self), self.CHUNK):
            yield from self[start : start + self.CHUNK]


class SessionProgressView(RecordsWhoLooked, AcademyReportView):
    """The progress matrix of a session: officers × modules, with time spent, assessment
    results, attendance and certificate. A constant number of queries at any size."""

    page_title = gettext_lazy("Progress")
    header_icon = "table"
    index_url_name = "home_session_progress"
    index_results_url_name = "home_session_progress_results"
    results_template_name = "certificates/admin/session_progress_results.html"
    export_filename = "session-progress"
    paginate_by = 100
    data_access_what = gettext_lazy("Progress matrix")

    def officers_seen(self, context):
        """The officers of the page shown (whatever the session's size); of an export, all."""
        if self.is_export:
            return self.session.enrolments.active().values_list("officer_id", flat=True)
        return [row.officer_id for row in context["object_list"]]

    @cached_property
    def session(self):
        return staff_session(self.request.user, self.kwargs["pk"], action="report")

    def get_page_subtitle(self):
        return self.session.title

    @cached_property
    def index_url(self):
        return reverse(self.index_url_name, args=[self.session.pk])

    @cached_property
    def index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.session.pk])

    def get_filename(self):
        return f"{self.export_filename}-{self.session.pk}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse("sessions:index"), "label": gettext("Sessions")},
            {"url": reverse("sessions:edit", args=[self.session.pk]), "label": self.session.title},
            # The last item is all a collapsed trail shows: it names the session too.
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def modules(self):
        course = self.session.course
        if course is None:
            return []
        return list(
            ModulePage.objects.child_of(course).live().defer_streamfields().order_by("path")
        )

    @cached_property
    def assessments(self):
        course = self.session.course
        if course is None:
            return []
        return list(AssessmentPage.objects.child_of(course).live().order_by("path"))

    @cached_property
    def export_headings(self):
        headings = {"officer": gettext("Officer"), "force": gettext("Force")}
        headings["state"] = gettext("State")
        for number, module in enumerate(self.modules, start=1):
            headings[f"module_{module.pk}"] = f"{number}. {module.title}"
        headings["done"] = gettext("Required modules done")
        headings["minutes"] = gettext("Minutes spent")
        for assessment in self.assessments:
            headings[f"assessment_{assessment.pk}"] = f"{assessment.title} (%)"
        if self.session.takes_attendance:
            headings["attendance"] = gettext("Days present")
        headings["certificate"] = gettext("Certificate")
        return headings

    @property
    def list_export(self):
        return list(self.export_headings)

    @cached_property
    def columns(self):
        return [Column(field, label=label) for field, label in self.export_headings.items()]

    def get_queryset(self):
        enrolments = (
            self.session.enrolments.active()
            .select_related("officer__academy_profile__force")
            .with_required_modules_done()
        )
        by_name = ["officer__academy_profile__full_name", "pk"]
        if self.request.GET.get("ordering") == "progress":
            return ProgressRows(enrolments.order_by("-required_modules_done", *by_name), self)
        return ProgressRows(enrolments.order_by(*by_name), self)

    def rows(self, enrolments):
        """The matrix rows of ``enrolments`` (a page of them, or a chunk of an export)."""
        session = self.session
        progress = defaultdict(dict)
        for row in ModuleProgress.objects.filter(enrolment__in=enrolments).values(
            "enrolment_id", "module_id", "completed_at", "seconds_spent"
        ):
            progress[row["enrolment_id"]][row["module_id"]] = row
        attempts = defaultdict(list)
        for attempt in AssessmentAttempt.objects.graded().filter(enrolment__in=enrolments):
            attempts[(attempt.enrolment_id, attempt.assessment_id)].append(attempt)
        present = Counter(
            Attendance.objects.filter(enrolment__in=enrolments, present=True).values_list(
                "enrolment_id", flat=True
            )
        )
        certificates = dict(
            Certificate.objects.valid()
            .filter(enrolment__in=enrolments)
            .values_list("enrolment_id", "serial")
        )
        days = session.day_count
        rows = []
        for enrolment in enrolments:
            officer = enrolment.officer
            profile = profile_of(officer)
            mine = progress[enrolment.pk]
            row = SimpleNamespace(
                officer_id=officer.pk,
                officer=name_on_certificates(officer),
                force=profile.force.name if profile and profile.force else "",
                state=enrolment.get_state_display(),
                done=enrolment.required_modules_done,
                minutes=_minutes(sum(p["seconds_spent"] for p in mine.values())),
                attendance=f"{present[enrolment.pk]}/{days}",
                certificate=certificates.get(enrolment.pk, ""),
            )
            for module in self.modules:
                entry = mine.get(module.pk)
                status = (
                    gettext("done")
                    if entry and entry["completed_at"]
                    else gettext("started")
                    if entry
                    else ""
                )
                setattr(row, f"module_{module.pk}", status)
            for assessment in self.assessments:
                counted = result(enrolment, assessment, attempts[(enrolment.pk, assessment.pk)])
                setattr(row, f"assessment_{assessment.pk}", counted.percent if counted else "")
            rows.append(row)
        return rows

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "session": self.session}


class NetworkReportView(AcademyReportView):
    """For network admins: officers trained per academy and force, cross-city exchanges,
    Exchange Days and peer reviews held."""

    page_title = gettext_lazy("Network")
    header_icon = "globe"
    index_url_name = "home_network_report"
    index_results_url_name = "home_network_report_results"
    results_template_name = "certificates/admin/network_report_results.html"
    export_filename = "network-report"
    list_export = [
        "academy",
        "officers",
        "cross_city",
        "completed",
        "exchange_days",
        "peer_reviews",
    ]
    export_headings = {
        "academy": gettext_lazy("Academy"),
        "officers": gettext_lazy("Officers trained"),
        "cross_city": gettext_lazy("From other cities"),
        "completed": gettext_lazy("Completions"),
        "exchange_days": gettext_lazy("Exchange Days held"),
        "peer_reviews": gettext_lazy("Peer reviews held"),
    }

    @cached_property
    def columns(self):
        return [Column(field, label=label) for field, label in self.export_headings.items()]

    def get_queryset(self):
        held = Session.objects.filter(cancelled_at__isnull=True, ends_on__lt=timezone.localdate())
        kinds = {
            row["academy"]: row
            for row in held.values("academy").annotate(
                exchange_days=Count("pk", filter=Q(kind=Session.Kind.EXCHANGE_DAY)),
                peer_reviews=Count("pk", filter=Q(kind=Session.Kind.PEER_REVIEW)),
            )
        }
        trained = Enrolment.objects.active()
        rows = []
        for academy in AcademyPage.objects.in_default_locale().order_by("city"):
            of_academy = trained.filter(session__academy=academy)
            rows.append(
                SimpleNamespace(
                    academy=f"{academy.title} ({academy.city})",
                    officers=of_academy.values("officer").distinct().count(),
                    cross_city=of_academy.exclude(
                        officer__academy_profile__force__city=academy.city
                    )
                    .values("officer")
                    .distinct()
                    .count(),
                    completed=of_academy.filter(state=Enrolment.State.COMPLETED).count(),
                    exchange_days=kinds.get(academy.pk, {}).get("exchange_days", 0),
                    peer_reviews=kinds.get(academy.pk, {}).get("peer_reviews", 0),
                )
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trained = Enrolment.objects.active()
        context["per_force"] = (
            trained.values(
                force_name=F("officer__academy_profile__force__name"),
                force_city=F("officer__academy_profile__force__city"),
            )
            .annotate(officers=Count("officer", distinct=True))
            .order_by("-officers", "force_name")
        )
        # Enrolments in course sessions, by the themes of the course (in any language).
        context["per_theme"] = (
            Theme.objects.annotate(
                officers=Count(
                    "coursepage__sessions__enrolments__officer",
                    filter=Q(coursepage__sessions__enrolments__state__in=Enrolment.ACTIVE),
                    distinct=True,
                )
            )
            .filter(officers__gt=0)
            .order_by("-officers", "name")
        )
        return context


class SessionFilterSet(WagtailFilterSet):
    academy = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Academy"), queryset=AcademyPage.objects.in_default_locale()
    )
    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"), queryset=CoursePage.objects.live().order_by("title")
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=Session.Kind.choices)
    starts_on = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Starts"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Session
        fields = ["academy", "course", "kind", "starts_on"]


class SessionsReportView(AcademyReportView):
    """Per session: places, requests waiting, completion and pass rates, certificates issued,
    revoked and reissued; with completions per month drawn above."""

    page_title = gettext_lazy("Sessions")
    header_icon = "date"
    index_url_name = "home_sessions_report"
    index_results_url_name = "home_sessions_report_results"
    results_template_name = "certificates/admin/sessions_report_results.html"
    export_filename = "sessions-report"
    filterset_class = SessionFilterSet
    list_export = [
        "title",
        "academy",
        "starts_on",
        "enrolled",
        "waiting",
        "completed",
        "completion_rate",
        "pass_rate",
        "certificates",
        "revoked",
        "reissued",
        "partners",
    ]
    export_headings = {
        "title": gettext_lazy("Session"),
        "academy": gettext_lazy("Academy"),
        "starts_on": gettext_lazy("Starts"),
        "enrolled": gettext_lazy("Officers with a place"),
        "waiting": gettext_lazy("Requests waiting"),
        "completed": gettext_lazy("Completed"),
        "completion_rate": gettext_lazy("Completion rate (%)"),
        "pass_rate": gettext_lazy("Pass rate (%)"),
        "certificates": gettext_lazy("Certificates valid"),
        "revoked": gettext_lazy("Revoked"),
        "reissued": gettext_lazy("Reissued"),
        # Crime-prevention services and other partners among those with a place (issue 21).
        "partners": gettext_lazy("Of whom partners"),
    }

    @cached_property
    def columns(self):
        return [Column(field, label=label) for field, label in self.export_headings.items()]

    def get_base_queryset(self):
        return (
            policy.scope(Session.objects.all(), self.request.user, "report")
            .select_related("academy")
            .annotate(
                enrolled=Count("enrolments", filter=Q(enrolments__state__in=Enrolment.ACTIVE)),
                # Crime-prevention services and other partners, counted apart (issue 21).
                partners=Count(
                    "enrolments",
                    filter=Q(
                        enrolments__state__in=Enrolment.ACTIVE,
                        enrolments__officer__academy_profile__participant_type__in=(
                            Profile.PARTNER_TYPES
                        ),
                    ),
                ),
                waiting=Count(
                    "enrolments", filter=Q(enrolments__state__in=Enrolment.AWAITING_HOST)
                ),
                completed=Count(
                    "enrolments", filter=Q(enrolments__state=Enrolment.State.COMPLETED)
                ),
            )
            .order_by("-starts_on")
        )

    def get_queryset(self):
        return self.get_base_queryset()

    def decorate_paginated_queryset(self, object_list):
        sessions = list(object_list)
        ids = [session.pk for session in sessions]
        certificates = Counter()
        for session_id, revoked, superseded in Certificate.objects.filter(
            enrolment__session__in=ids
        ).values_list("enrolment__session", "revoked_at", "superseded_at"):
            status = "reissued" if superseded else "revoked" if revoked else "valid"
            certificates[(session_id, status)] += 1
        passed, counted = Counter(), Counter()
        attempts = defaultdict(list)
        for attempt in (
            AssessmentAttempt.objects.graded()
            .filter(enrolment__session__in=ids)
            .select_related("assessment", "enrolment")
        ):
            attempts[(attempt.enrolment, attempt.assessment)].append(attempt)
        for (enrolment, assessment), graded in attempts.items():
            best = result(enrolment, assessment, graded)
            counted[enrolment.session_id] += 1
            passed[enrolment.session_id] += best.passed
        for session in sessions:
            session.academy_name = session.academy.city
            session.completion_rate = (
                round(100 * session.completed / session.enrolled) if session.enrolled else None
            )
            session.pass_rate = (
                round(100 * passed[session.pk] / counted[session.pk])
                if counted[session.pk]
                else None
            )
            session.certificates = certificates[(session.pk, "valid")]
            session.revoked = certificates[(session.pk, "revoked")]
            session.reissued = certificates[(session.pk, "reissued")]
        return sessions

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["academy"] = item.academy.city
        return row

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chart"] = completions_per_month(self.filtered_completions())
        return context

    def filtered_completions(self):
        sessions = self.filter_queryset(self.get_base_queryset())
        return Enrolment.objects.filter(
            session__in=sessions.values("pk"), state=Enrolment.State.COMPLETED
        ).values_list("completed_at", flat=True)


def completions_per_month(dates, months=12):
    """An SVG bar chart of completions in each of the last ``months`` months."""
    today = timezone.localdate()
    keys = []
    year, month = today.year, today.month
    for _step in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    counts = Counter()
    for moment in dates:
        if moment:
            local = timezone.localtime(moment)
            counts[(local.year, local.month)] += 1
    items = [
        (formats.date_format(datetime.date(year, month, 1), "M y"), counts[(year, month)])
        for year, month in keys
    ]
    total = sum(count for _label, count in items)
    return bar_chart(
        items,
        gettext("Completions per month (%(total)s in the last twelve months)") % {"total": total},
    )


class ExpiringFilterSet(WagtailFilterSet):
    academy = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Academy"), queryset=AcademyPage.objects.in_default_locale()
    )
    valid_until = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Valid until"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Certificate
        fields = ["academy", "valid_until"]


class ExpiringCertificatesView(AcademyReportView):
    """Who expires when: valid certificates that have a validity (a template's months),
    soonest first, of the coordinator's own city (every city for network admins)."""

    page_title = gettext_lazy("Certificates expiring")
    header_icon = "time"
    index_url_name = "certificates_expiring_report"
    index_results_url_name = "certificates_expiring_report_results"
    export_filename = "certificates-expiring"
    filterset_class = ExpiringFilterSet
    list_export = ["serial", "officer", "course", "academy", "issued_at", "valid_until"]
    export_headings = {
        "serial": gettext_lazy("Serial"),
        "officer": gettext_lazy("Officer"),
        "course": gettext_lazy("Course or event"),
        "academy": gettext_lazy("Academy"),
        "issued_at": gettext_lazy("Issued"),
        "valid_until": gettext_lazy("Valid until"),
    }

    @cached_property
    def columns(self):
        return [Column(field, label=label) for field, label in self.export_headings.items()]

    def get_queryset(self):
        return (
            policy.scope(Certificate.objects.valid(), self.request.user, "manage")
            .filter(valid_until__isnull=False)
            .select_related("academy")
            .order_by("valid_until", "serial")
        )

    def decorate_paginated_queryset(self, object_list):
        certificates = list(object_list)
        for certificate in certificates:
            certificate.officer = certificate.snapshot.get("name", "")
            certificate.course = certificate.snapshot.get("course", "")
            certificate.issued_at = certificate.issued_at.date()
        return certificates
