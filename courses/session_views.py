"""Pages of the public site about sessions: what a session is, enrolling, withdrawing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.models import Profile
from courses.models import Enrolment, Session
from courses.notifications import session_calendar
from courses.services import EnrolmentRefused, enrol, withdraw
from courses.services.reviews import reviewer_enrolment


def session_detail(request, pk):
    """A session: dates, place, places left, and the visitor's enrolment if they have one."""
    session = get_object_or_404(
        Session.objects.select_related("academy", "course").with_places_taken(), pk=pk
    )
    enrolment = None
    if request.user.is_authenticated:
        enrolment = Enrolment.objects.filter(officer=request.user, session=session).first()
    course = session.course.localized if session.course else None
    practice = session.practice.localized if session.practice_id else None
    is_reviewer = enrolment is not None and reviewer_enrolment(session, request.user) is not None
    is_open = Session.objects.open_for_enrolment().filter(pk=session.pk).exists()
    return render(
        request,
        "courses/session_detail.html",
        {
            "session": session,
            "course": course,
            "practice": practice,
            "is_reviewer": is_reviewer,
            "enrolment": enrolment,
            "is_open": is_open,
            # The site's sign-in page, wherever it has it.
            "login_url": resolve_url(settings.LOGIN_URL),
        },
    )


def session_ics(request, pk):
    """The session as a calendar file, for whoever may see its page (the public)."""
    session = get_object_or_404(Session.objects.select_related("academy", "course"), pk=pk)
    response = HttpResponse(session_calendar(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@require_POST
@login_required
def enrol_in_session(request, pk):
    """The signed-in officer enrols; a double click or a retry changes nothing."""
    session = get_object_or_404(Session, pk=pk)
    if not Profile.objects.for_user(request.user).full_name:
        # Certificates print the name exactly as the officer gives it: asked for once, first.
        messages.info(
            request, _("First say how your name must appear on your certificates, then enrol.")
        )
        back = reverse("session_detail", args=[session.pk])
        return redirect(f"{reverse('academy_profile')}?{urlencode({'next': back})}")
    try:
        enrolment = enrol(request.user, session)
    except EnrolmentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, enrolment_message(enrolment))
    return redirect("session_detail", pk=session.pk)


@require_POST
@login_required
def withdraw_from_session(request, pk):
    """The signed-in officer leaves a session; someone else's enrolment is a 404."""
    enrolment = get_object_or_404(Enrolment, session_id=pk, officer=request.user)
    try:
        withdraw(enrolment)
    except EnrolmentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("You have left this session."))
    return redirect("session_detail", pk=pk)


def enrolment_message(enrolment):
    """What the officer reads right after enrolling, in their language."""
    return {
        Enrolment.State.REQUESTED: _(
            "Your request is sent: a coordinator of the academy will decide on it. "
            "We have emailed you a confirmation."
        ),
        Enrolment.State.APPROVED: _(
            "You have a place in this session. We have emailed you the dates."
        ),
        Enrolment.State.WAITLISTED: _(
            "The session is full: you are on its waiting list and will get the first place freed."
        ),
        Enrolment.State.COMPLETED: _("You have already completed this session."),
        Enrolment.State.FORCE_REQUESTED: _(
            "Your request is sent to your own force first: a training manager of your force "
            "will decide on it, then the academy. We have emailed you a confirmation."
        ),
        Enrolment.State.FORCE_APPROVED: _(
            "Your force has approved your request: a coordinator of the academy will decide on it."
        ),
    }.get(enrolment.state, enrolment.get_state_display())
