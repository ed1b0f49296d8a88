"""Assessments in the admin, for the trainers and coordinators of their own city:
results with item analysis (exportable), and the grading queue of written answers."""

from collections import Counter
from decimal import Decimal, InvalidOperation
from statistics import median
from types import SimpleNamespace

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from academy.admin_access import RecordsWhoLooked
from academy.charts import bar_chart
from academy.exports import AcademyReportView
from academy.models import name_on_certificates

from .models import AssessmentAttempt, Response
from .queries import item_analysis, staff_assessments
from .services import AttemptRefused, grade_response


class AssessmentsView(WagtailAdminTemplateMixin, TemplateView):
    """The city's assessments with their attempts, pass rate and answers waiting for grading."""

    template_name = "courses/admin/assessments.html"
    page_title = gettext_lazy("Assessments")
    header_icon = "tasks"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": "", "label": gettext_lazy("Assessments")},
    ]

    def get_context_data(self, **kwargs):
        assessments = (
            staff_assessments(self.request.user)
            .annotate(
                attempt_count=Count(
                    "attempts", filter=~Q(attempts__state=AssessmentAttempt.State.IN_PROGRESS)
                ),
                waiting=Count(
                    "attempts", filter=Q(attempts__state=AssessmentAttempt.State.SUBMITTED)
                ),
            )
            .order_by("path")
        )
        return {**super().get_context_data(**kwargs), "assessments": assessments}


class AssessmentReportMixin:
    header_icon = "tasks"

    @cached_property
    def assessment(self):
        return get_object_or_404(staff_assessments(self.request.user), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.assessment.title

    @cached_property
    def index_url(self):
        return reverse(self.index_url_name, args=[self.assessment.pk])

    @cached_property
    def index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.assessment.pk])

    def get_filename(self):
        return f"{self.export_filename}-{self.assessment.pk}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse("courses_assessments"), "label": gettext("Assessments")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def submitted_attempts(self):
        return (
            AssessmentAttempt.objects.filter(assessment=self.assessment)
            .exclude(state=AssessmentAttempt.State.IN_PROGRESS)
            .select_related("officer")
            .prefetch_related("responses")
            .order_by("officer__last_name", "officer__first_name", "number")
        )


class AssessmentResultsView(RecordsWhoLooked, AssessmentReportMixin, AcademyReportView):
    """Every submitted attempt: who, when, how long, score; with a summary above."""

    page_title = gettext_lazy("Results")
    index_url_name = "courses_assessment_results"
    index_results_url_name = "courses_assessment_results_results"
    results_template_name = "courses/admin/assessment_results_results.html"
    export_filename = "assessment-results"
    list_export = [
        "officer",
        "number",
        "state",
        "started",
        "submitted",
        "minutes",
        "score",
        "percent",
        "passed",
    ]
    export_headings = {
        "officer": gettext_lazy("Officer"),
        "number": gettext_lazy("Attempt"),
        "state": gettext_lazy("State"),
        "started": gettext_lazy("Started"),
        "submitted": gettext_lazy("Submitted"),
        "minutes": gettext_lazy("Minutes taken"),
        "score": gettext_lazy("Score"),
        "percent": gettext_lazy("%"),
        "passed": gettext_lazy("Passed"),
    }

    data_access_what = gettext_lazy("Assessment results")

    def officers_seen(self, context):
        return AssessmentAttempt.objects.filter(assessment=self.assessment).values_list(
            "officer_id", "enrolment__session__academy_id"
        )

    @cached_property
    def columns(self):
        return [Column(name, label=label) for name, label in self.export_headings.items()]

    def get_queryset(self):
        attempts = (
            AssessmentAttempt.objects.filter(assessment=self.assessment)
            .exclude(state=AssessmentAttempt.State.IN_PROGRESS)
            .select_related("officer__academy_profile")
            .order_by("officer__academy_profile__full_name", "officer", "number")
        )
        return [
            SimpleNamespace(
                officer=name_on_certificates(attempt.officer),
                number=attempt.number,
                state=attempt.get_state_display(),
                started=attempt.started_at,
                submitted=attempt.submitted_at,
                minutes=round(attempt.time_taken.total_seconds() / 60, 1)
                if attempt.time_taken
                else None,
                score=attempt.score,
                percent=attempt.percent,
                passed=gettext("yes")
                if attempt.passed
                else gettext("no")
                if attempt.state == AssessmentAttempt.State.GRADED
                else "",
            )
            for attempt in attempts
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [row for row in self.get_queryset() if row.percent is not None]
        minutes = [row.minutes for row in rows if row.minutes is not None]
        context["summary"] = {
            "attempts": len(rows),
            "mean": round(sum(r.percent for r in rows) / len(rows)) if rows else None,
            "pass_rate": round(100 * sum(r.passed == gettext("yes") for r in rows) / len(rows))
            if rows
            else None,
            "median_minutes": median(minutes) if minutes else None,
        }
        context["assessment"] = self.assessment
        buckets = Counter(min(row.percent // 10, 9) for row in rows)
        context["chart"] = bar_chart(
            [(f"{10 * b}–{10 * b + 9 if b < 9 else 100}", buckets[b]) for b in range(10)],
            gettext("Scores of the graded attempts (%)"),
        )
        return context


class ItemAnalysisView(AssessmentReportMixin, AcademyReportView):
    """Per question: facility and discrimination indexes and how often each choice was picked."""

    page_title = gettext_lazy("Item analysis")
    index_url_name = "courses_assessment_items"
    index_results_url_name = "courses_assessment_items_results"
    results_template_name = "courses/admin/item_analysis_results.html"
    export_filename = "item-analysis"
    list_export = ["text", "asked", "facility", "discrimination", "picks"]
    export_headings = {
        "text": gettext_lazy("Question"),
        "asked": gettext_lazy("Times asked"),
        "facility": gettext_lazy("Facility index"),
        "discrimination": gettext_lazy("Discrimination index"),
        "picks": gettext_lazy("Choices picked"),
    }

    @cached_property
    def columns(self):
        return [Column(name, label=label) for name, label in self.export_headings.items()]

    def get_queryset(self):
        return [
            SimpleNamespace(
                text=row["text"],
                asked=row["asked"],
                facility=None if row["facility"] is None else round(row["facility"], 2),
                discrimination=None
                if row["discrimination"] is None
                else round(row["discrimination"], 2),
                picks="; ".join(f"{p['text']}: {p['count']}" for p in row["picks"]),
            )
            for row in item_analysis(self.submitted_attempts())
        ]


class GradingQueueView(RecordsWhoLooked, WagtailAdminTemplateMixin, TemplateView):
    """Attempts with written answers waiting for a trainer, oldest first."""

    template_name = "courses/admin/grading_queue.html"
    page_title = gettext_lazy("Grading queue")
    header_icon = "edit"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": "", "label": gettext_lazy("Grading queue")},
    ]

    data_access_what = gettext_lazy("Grading queue")

    def officers_seen(self, context):
        return [(a.officer_id, a.enrolment.session.academy_id) for a in context["attempts"]]

    def get_context_data(self, **kwargs):
        waiting = (
            AssessmentAttempt.objects.filter(
                assessment__in=staff_assessments(self.request.user),
                state=AssessmentAttempt.State.SUBMITTED,
            )
            .select_related("officer__academy_profile", "assessment", "enrolment__session")
            .annotate(to_grade=Count("responses", filter=Q(responses__points__isnull=True)))
            .order_by("submitted_at")
        )
        return {**super().get_context_data(**kwargs), "attempts": waiting}


class GradeAttemptView(RecordsWhoLooked, WagtailAdminTemplateMixin, TemplateView):
    """A trainer grades the written answers of one attempt, with a comment for each."""

    template_name = "courses/admin/grade_attempt.html"
    page_title = gettext_lazy("Grade answers")
    header_icon = "edit"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": reverse_lazy("courses_grading_queue"), "label": gettext_lazy("Grading queue")},
        {"url": "", "label": gettext_lazy("Grade answers")},
    ]

    data_access_what = gettext_lazy("Grading of an attempt")

    def officers_seen(self, context):
        return [(self.attempt.officer_id, self.attempt.enrolment.session.academy_id)]

    @cached_property
    def attempt(self):
        attempt = get_object_or_404(
            AssessmentAttempt.objects.select_related(
                "assessment", "officer__academy_profile", "enrolment__session"
            ).prefetch_related(
                Prefetch("responses", queryset=Response.objects.order_by("question"))
            ),
            pk=self.kwargs["pk"],
            assessment__in=staff_assessments(self.request.user),
        )
        if attempt.state == AssessmentAttempt.State.IN_PROGRESS:
            raise Http404
        return attempt

    def get_page_subtitle(self):
        return f"{self.attempt.assessment.title} · {name_on_certificates(self.attempt.officer)}"

    def written(self, errors=None, typed=None):
        rows = []
        for response in self.attempt.responses.all():
            question = self.attempt.questions[response.question]
            if question["kind"] != "short_text":
                continue
            rows.append(
                {
                    "response": response,
                    "question": question,
                    "number": response.question + 1,
                    "points": (typed or {}).get(response.pk, {}).get("points", response.points),
                    "comment": (typed or {}).get(response.pk, {}).get("comment", response.comment),
                    "error": (errors or {}).get(response.pk),
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "attempt": self.attempt,
            "rows": kwargs.get("rows") or self.written(),
        }

    def post(self, request, pk):
        errors, typed = {}, {}
        for row in self.written():
            response = row["response"]
            points = request.POST.get(f"points-{response.pk}", "").strip()
            comment = request.POST.get(f"comment-{response.pk}", "")
            typed[response.pk] = {"points": points, "comment": comment}
            if points == "":
                continue
            try:
                grade_response(response, points=Decimal(points), comment=comment, by=request.user)
            except (InvalidOperation, AttemptRefused) as error:
                errors[response.pk] = (
                    str(error) if isinstance(error, AttemptRefused) else gettext("Give a number.")
                )
        if errors:
            return self.render_to_response(self.get_context_data(rows=self.written(errors, typed)))
        messages.success(request, gettext("The grades are saved."))
        return redirect("courses_grading_queue")
