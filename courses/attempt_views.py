"""An officer takes an assessment: start, answer (saved as they go), submit, review.

Every view reaches only the signed-in officer's own attempts: anyone else's is a 404.
The pages work without JavaScript; ``courses/attempt.js`` saves each answer on change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import AssessmentAttempt, AssessmentPage, Question
from .queries import attempts_used, review_level, seconds_left
from .services.attempts import (
    AttemptRefused,
    StaleAnswers,
    answers_from_form,
    save_answers,
    start_attempt,
    submit_attempt,
)


def own_attempt(request, pk):
    return get_object_or_404(
        AssessmentAttempt.objects.of_officer(request.user).select_related(
            "assessment", "enrolment__session"
        ),
        pk=pk,
    )


def _sequence(request):
    try:
        return int(request.POST.get("sequence", ""))
    except ValueError:
        return -1


@require_POST
@login_required
def start(request, pk):
    """Start an attempt (or go back to the one in progress: a double click starts one)."""
    assessment = get_object_or_404(AssessmentPage.objects.live().public(), pk=pk)
    try:
        attempt = start_attempt(request.user, assessment)
    except AttemptRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(assessment.url)
    return redirect("attempt", attempt.pk)


@login_required
def attempt_page(request, pk):
    """The questions of an attempt in progress, with the answers saved so far."""
    attempt = own_attempt(request, pk)
    if attempt.is_in_progress and seconds_left(attempt) == 0:
        submit_attempt(attempt, time_is_up=True)  # closed with the answers saved so far
        attempt.refresh_from_db()
    if not attempt.is_in_progress:
        return redirect("attempt_review", attempt.pk)
    return _render_attempt(request, attempt)


def _render_attempt(request, attempt, status=200):
    left = seconds_left(attempt)
    responses = {response.question: response for response in attempt.responses.all()}
    questions = [
        {
            "position": position,
            "number": position + 1,
            "kind": question["kind"],
            "text": question["text"],
            "points": question["points"],
            # Only what the officer may see: never which choice is right.
            "choices": [{"id": c["id"], "text": c["text"]} for c in question["choices"]],
            "selected": responses[position].selected if position in responses else [],
            "answer": responses[position].text if position in responses else "",
        }
        for position, question in enumerate(attempt.questions)
    ]
    return render(
        request,
        "courses/attempt.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "questions": questions,
            "seconds_left": left,
            "Kind": Question.Kind,
            "minutes_left": None if left is None else -(-left // 60),
        },
        status=status,
    )


@require_POST
@login_required
def save(request, pk):
    """Save answers without submitting: the autosave script (JSON) or the form's button."""
    attempt = own_attempt(request, pk)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        attempt = save_answers(
            attempt, answers_from_form(attempt, request.POST), _sequence(request)
        )
    except StaleAnswers as stale:
        if wants_json:
            return JsonResponse({"error": str(stale), "stale": True}, status=409)
        messages.error(request, str(stale))
        return redirect("attempt", attempt.pk)
    except AttemptRefused as refusal:
        if wants_json:
            return JsonResponse({"error": str(refusal)}, status=400)
        messages.error(request, str(refusal))
        return redirect("attempt", attempt.pk)
    if wants_json:
        return JsonResponse({"sequence": attempt.sequence, "seconds_left": seconds_left(attempt)})
    messages.success(request, _("Your answers are saved."))
    return redirect("attempt", attempt.pk)


@require_POST
@login_required
def submit(request, pk):
    """Submit with the form's answers; a second submit shows the same result."""
    attempt = own_attempt(request, pk)
    try:
        attempt, submitted_now = submit_attempt(
            attempt, answers=answers_from_form(attempt, request.POST), sequence=_sequence(request)
        )
    except AttemptRefused as refusal:
        messages.error(request, str(refusal))
        attempt.refresh_from_db()
        return _render_attempt(request, attempt, status=409)
    if submitted_now:
        messages.success(request, _("Your attempt is submitted."))
    else:
        messages.info(request, _("This attempt was already submitted."))
    return redirect("attempt_review", attempt.pk)


@login_required
def review(request, pk):
    """A submitted attempt, as much of it as the assessment's review policy shows now."""
    attempt = own_attempt(request, pk)
    if attempt.is_in_progress:
        return redirect("attempt", attempt.pk)
    used = attempts_used(request.user, attempt.assessment)
    level = review_level(attempt, used)
    responses = {response.question: response for response in attempt.responses.all()}
    questions = []
    if level in (AssessmentPage.ReviewPolicy.ANSWERS, AssessmentPage.ReviewPolicy.FULL):
        full = level == AssessmentPage.ReviewPolicy.FULL
        for position, question in enumerate(attempt.questions):
            response = responses.get(position)
            selected = set(response.selected) if response else set()
            questions.append(
                {
                    "number": position + 1,
                    "kind": question["kind"],
                    "text": question["text"],
                    "points": question["points"],
                    "earned": response.points if response else None,
                    "answer": response.text if response else "",
                    "comment": response.comment if response else "",
                    "feedback": question["feedback"] if full else "",
                    "choices": [
                        {
                            "text": c["text"],
                            "selected": c["id"] in selected,
                            "correct": c["correct"] if full else None,
                            "feedback": c["feedback"] if full and c["id"] in selected else "",
                        }
                        for c in question["choices"]
                    ],
                }
            )
    return render(
        request,
        "courses/attempt_review.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "level": level,
            "Kind": Question.Kind,
            "questions": questions,
            "attempts_left": max(attempt.assessment.attempts_allowed - used, 0),
        },
    )
