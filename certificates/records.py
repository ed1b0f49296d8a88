"""The officer's own record: My learning (enrolments, progress, certificates) and the transcript."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from academy.my_data_views import my_data_context
from certificates.models import Certificate
from certificates.rendering import RenderError, render_pdf
from courses.models import (
    AssessmentAttempt,
    Enrolment,
)
from courses.queries import learning_record, result, review_level

# Enrolments whose session is still to come and that wait for a next step.
UPCOMING_STATES = {
    Enrolment.State.APPROVED,
    Enrolment.State.REQUESTED,
    Enrolment.State.WAITLISTED,
    Enrolment.State.FORCE_REQUESTED,
    Enrolment.State.FORCE_APPROVED,
}


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
    return render(request, "certificates/my_learning.html", {"records": records, "coming": coming})


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
        pdf = render_pdf("certificates/transcript.html", context)
    except RenderError as error:
        messages.error(request, str(error))
        return redirect("my_learning")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="transcript-{context["today"]:%Y-%m-%d}.pdf"'
    )
    return response


@login_required
def my_data_pdf(request):
    """My data (everything the site holds about the signed-in person) as a PDF."""
    context = my_data_context(request.user)
    try:
        pdf = render_pdf("certificates/my_data.html", context)
    except RenderError as error:
        messages.error(request, str(error))
        return redirect("academy_my_data")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{context["generated_at"]:%Y-%m-%d}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
