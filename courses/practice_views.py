"""Public pages of promising practices and peer reviews: the network's practice library,
with its filters, and the reviewer's structured review (autosaved, submitted once)."""

import contextlib
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.models import Locale

from academy.languages import content_languages
from academy.models import AcademyPage
from courses.models import PeerReview, PracticePage, Session, Theme, attach_academies
from courses.services import ReviewRefused, save_draft, submit_review
from courses.services.reviews import reviewer_enrolment


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    city = forms.ModelChoiceField(
        label=gettext_lazy("City"),
        queryset=AcademyPage.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All cities"),
    )
    theme = forms.ModelChoiceField(
        label=gettext_lazy("Theme"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=gettext_lazy("All themes"),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = (
            AcademyPage.objects.live().public().filter(locale=Locale.get_active()).order_by("city")
        )
        self.fields["language"].choices = [
            ("", _("All languages")),
            *content_languages(),
        ]


def practices(request):
    """The network's library of promising practices, searched and filtered by city, theme
    and language (a practice's language versions)."""
    form = PracticeFilterForm(request.GET or None)
    found = PracticePage.objects.for_listing()
    query = ""
    in_visitors_language = True
    if form.is_valid():
        data = form.cleaned_data
        if data["city"]:
            found = found.of_academy(data["city"])
        if data["theme"]:
            found = found.filter(themes=data["theme"])
        if data["language"]:
            found = found.filter(locale__language_code=data["language"])
            in_visitors_language = False
        query = " ".join(re.findall(r"\w+", data["q"]))
        if query:
            found = found.filter(
                pk__in=[page.pk for page in PracticePage.objects.live().search(query)]
            )
    if in_visitors_language:
        found = found.in_visitors_language()
    results = attach_academies(list(found.distinct()))
    return render(
        request, "courses/practices.html", {"form": form, "practices": results, "query": query}
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = PeerReview
        fields = PeerReview.FIELDS
        widgets = {
            "strengths": forms.Textarea(attrs={"rows": 4}),
            "risks": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
            "transferable": forms.RadioSelect,
            "transferable_why": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transferable"].choices = PeerReview.Transferable.choices
        self.fields["transferable"].required = False


def _review_session(request, pk):
    """The peer-review session ``pk`` where the user is a reviewer; 404 for anyone else."""
    session = get_object_or_404(
        Session.objects.select_related("academy", "practice"), pk=pk, kind=Session.Kind.PEER_REVIEW
    )
    if reviewer_enrolment(session, request.user) is None:
        raise Http404
    return session


@login_required
def review(request, pk):
    """The reviewer's review of the practice under review: a draft until submitted."""
    session = _review_session(request, pk)
    existing = PeerReview.objects.filter(session=session, reviewer=request.user).first()
    form = ReviewForm(instance=existing or PeerReview(session=session, reviewer=request.user))
    return render(
        request,
        "courses/peer_review.html",
        {
            "session": session,
            "practice": session.practice.localized if session.practice else None,
            "review": existing,
            "form": form,
        },
    )


def _data(request):
    form = ReviewForm(request.POST)
    form.is_valid()
    return {name: form.cleaned_data.get(name, "") or "" for name in PeerReview.FIELDS}


@require_POST
@login_required
def save_review(request, pk):
    """Autosave (the page's script, as the reviewer types) or "Save draft"."""
    session = _review_session(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        saved = save_draft(session, request.user, _data(request))
    except ReviewRefused as refusal:
        if wants_json:
            return JsonResponse({"error": str(refusal)}, status=409)
        messages.error(request, str(refusal))
        return redirect("peer_review", pk=pk)
    if wants_json:
        return JsonResponse({"saved_at": saved.updated_at.isoformat()})
    messages.success(request, _("Draft saved."))
    return redirect("peer_review", pk=pk)


@require_POST
@login_required
def submit(request, pk):
    """Submit the review, once; a second click or another tab changes nothing."""
    session = _review_session(request, pk)
    try:
        submitted = submit_review(session, request.user, _data(request))
    except ReviewRefused as refusal:
        # What was typed is kept as a draft.
        with contextlib.suppress(ReviewRefused):
            save_draft(session, request.user, _data(request))
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Your review is submitted. Thank you.")
            if submitted.is_submitted
            else _("Draft saved."),
        )
    return redirect("peer_review", pk=pk)
