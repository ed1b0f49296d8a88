import re
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from certificates.models import Certificate
from certificates.rendering import RenderError, render_pdf
from courses.attempts import result, review_level
from courses.models import (
    AssessmentAttempt,
    CoursePage,
    Enrolment,
    ModulePage,
    Session,
    attach_academies,
)
from courses.services import learning_record

from .forms import CatalogueFilterForm


def favicon(request):
    """The site's icon where browsers look for it without reading the page."""
    return redirect(static("home/favicon.svg"), permanent=True)


def catalogue(request):
    """The public catalogue: every live course of the network, filtered and searched."""
    form = CatalogueFilterForm(request.GET or None)
    courses = CoursePage.objects.for_catalogue()
    sessions = Session.objects.for_listing()
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["city"]:
            courses = courses.of_academy(data["city"])
        if data["theme"]:
            courses = courses.filter(themes=data["theme"])
        if data["language"]:
            courses = courses.filter(languages__language_code=data["language"])
        if data["level"]:
            courses = courses.filter(level=data["level"])
        query = data["q"].strip()
        if query:
            courses = courses.filter(pk__in=_matching_course_ids(query, request.user))
        if data["city"]:
            sessions = sessions.filter(academy__translation_key=data["city"].translation_key)
        if data["format"]:
            sessions = sessions.filter(format=data["format"])
        if data["starts_after"]:
            sessions = sessions.filter(starts_on__gte=data["starts_after"])
        if data["starts_before"]:
            sessions = sessions.filter(starts_on__lte=data["starts_before"])
        if form.filters_sessions:
            courses = courses.filter(translation_key__in=sessions.values("course__translation_key"))
    results = attach_academies(list(courses.in_visitors_language().distinct()))
    return render(
        request,
        "home/catalogue.html",
        {"form": form, "courses": results, "query": query, "sessions": sessions[:20]},
    )


def _matching_course_ids(query, user):
    """Courses whose public text matches the query (their own fields, the titles of their
    modules), and those whose module text matches where ``user`` may read it.

    Module bodies are searched only within ``CoursePage.readable_by(user)``: otherwise a
    search would tell anyone whether a word is in a module they may not open.
    """
    # Plain words only: the backends' own syntax (quotes, stars, colons, minus...) is not
    # for visitors, and a query of nothing but such signs matches nothing.
    query = " ".join(re.findall(r"\w+", query))
    if not query:
        return set()
    courses = CoursePage.objects.live().public()
    modules = ModulePage.objects.live().public()
    ids = {course.pk for course in courses.search(query)}
    parents = {
        module.path[: -ModulePage.steplen] for module in modules.search(query, fields=["title"])
    }
    readable = courses.readable_by(user)
    if readable.exists():
        read_parents = {module.path[: -ModulePage.steplen] for module in modules.search(query)}
        ids |= set(readable.filter(path__in=read_parents).values_list("pk", flat=True))
    if parents:
        ids |= set(courses.filter(path__in=parents).values_list("pk", flat=True))
    return ids


@login_required
def my_learning(request):
    """Every enrolment of the signed-in officer, across sessions and cities, with what
    comes next: the sessions not over yet and the step each one waits for."""
    records = records_with_certificates(request)
    today = timezone.localdate()
    coming = sorted(
        (
            record
            for record in records
            if record.enrolment.session.ends_on >= today
            and record.enrolment.state in UPCOMING_STATES
            and not record.enrolment.session.is_cancelled
        ),
        key=lambda record: record.enrolment.session.starts_on,
    )
    return render(request, "home/my_learning.html", {"records": records, "coming": coming})


UPCOMING_STATES = {
    Enrolment.State.APPROVED,
    Enrolment.State.REQUESTED,
    Enrolment.State.WAITLISTED,
}


def records_with_certificates(request):
    """The officer's learning record, each line with its assessment results (the attempt that
    counts, by each grading method) and its valid certificate if it has one."""
    records = learning_record(request.user)
    certificates = {
        certificate.enrolment_id: certificate
        for certificate in Certificate.objects.valid()
        .for_officer(request.user)
        .only("pk", "serial", "code", "enrolment_id")
    }
    attempts, used = {}, Counter()
    for attempt in AssessmentAttempt.objects.of_officer(request.user).select_related(
        "assessment", "enrolment__session"
    ):
        used[attempt.assessment_id] += 1
        attempts.setdefault(attempt.enrolment_id, {}).setdefault(attempt.assessment, []).append(
            attempt
        )
    for record in records:
        record.certificate = certificates.get(record.enrolment.pk)
        counted = (
            result(record.enrolment, assessment, of_assessment)
            for assessment, of_assessment in attempts.get(record.enrolment.pk, {}).items()
        )
        # Only what the assessment's review policy lets the officer see by now.
        record.results = [
            attempt
            for attempt in counted
            if attempt is not None and review_level(attempt, used[attempt.assessment_id])
        ]
    return records


@login_required
def transcript(request):
    """The officer's transcript as a PDF: completed sessions with their CPD hours, then those
    under way. Only ever the signed-in officer's own record."""
    records = records_with_certificates(request)
    completed = [r for r in records if r.enrolment.state == Enrolment.State.COMPLETED]
    under_way = [r for r in records if r.enrolment.state == Enrolment.State.APPROVED]
    context = {
        "officer": request.user,
        "completed": completed,
        "under_way": under_way,
        "cpd_hours": sum(r.enrolment.session.course.cpd_hours for r in completed if r.course),
        "today": timezone.localdate(),
    }
    try:
        pdf = render_pdf("home/transcript.html", context)
    except RenderError as error:
        messages.error(request, str(error))
        return redirect("my_learning")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="transcript-{context["today"]:%Y-%m-%d}.pdf"'
    )
    return response
