"""The officer's academy profile on the public site: the name on certificates, force,
participant type, language and reminders."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import ProfileForm, account_names_form
from .models import Profile


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@login_required
def profile(request):
    """The signed-in user's academy profile (made on first need), and their account's names
    where the site's user model has them."""
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=Profile.objects.for_user(request.user))
    names_form = account_names_form(get_user_model())(data, instance=request.user)
    next_url = _safe_next(request)
    if data is not None and form.is_valid() and names_form.is_valid():
        names_form.save()
        saved = form.save()
        with translation.override(saved.preferred_language):
            messages.success(request, _("Your profile is saved."))
            return redirect(next_url or reverse("academy_profile"))
    return render(
        request,
        "academy/profile.html",
        {"form": form, "names_form": names_form, "next": next_url},
    )
