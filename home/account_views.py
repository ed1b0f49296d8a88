"""Accounts of the network's site: sign-up, e-mail confirmation, password reset, sign-in
lockout (django-axes)."""

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from academy.models import language_of

from .accounts import (
    EmailChangeRefused,
    confirm_email,
    confirm_email_change,
    email_confirmation_token,
    pending_email_change,
    sign_up,
    user_from_link,
)
from .forms import AcademyPasswordResetForm, SignUpForm
from .models import User


@sensitive_post_parameters("password1", "password2")
def sign_up_view(request):
    """Open an account; it works once the link sent to the address is followed."""
    if request.user.is_authenticated:
        return redirect("my_learning")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sign_up(
            email=data["email"], password=data["password1"], names=form.names, profile=form.profile
        )
        return render(request, "registration/sign_up_done.html", {"email": data["email"]})
    return render(request, "registration/sign_up.html", {"form": form})


def confirm_account(request, uidb64, token):
    """The link of the sign-up email. Following it shows a button; the button confirms, so
    mail scanners that open links do not confirm accounts on the officer's behalf."""
    user = user_from_link(uidb64)
    valid = (
        user is not None
        and user.awaiting_confirmation
        and email_confirmation_token.check_token(user, token)
    )
    if request.method == "POST" and valid:
        user = confirm_email(uidb64, token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is confirmed. Welcome to the academy."))
            with translation.override(language_of(user)):
                return redirect(reverse("my_learning"))
    already = user is not None and user.is_active and not user.awaiting_confirmation
    return render(
        request,
        "registration/confirm_account.html",
        {"valid": valid, "already_confirmed": already},
        status=200 if valid or already else 404,
    )


def confirm_new_email(request, token):
    """The link sent to a new address: following it shows a button, the button makes it the
    account's address (mail scanners that open links change nothing)."""
    try:
        user, new_email = pending_email_change(token)
    except EmailChangeRefused:
        user = new_email = None
    if request.method == "POST" and user is not None:
        try:
            confirm_email_change(token)
        except EmailChangeRefused:
            user = None
        else:
            messages.success(
                request, _("Your email address is now %(email)s.") % {"email": new_email}
            )
            return redirect(reverse("login"))
    return render(
        request,
        "registration/confirm_new_email.html",
        {"valid": user is not None, "new_email": new_email},
        status=200 if user is not None else 404,
    )


password_reset = auth_views.PasswordResetView.as_view(
    form_class=AcademyPasswordResetForm,
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password chosen from the emailed link; it also lifts a sign-in lockout of the
    account, so "reset your password" is a way out for a locked-out officer."""

    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_sign_in_failures(username=User.objects.normalize_email(form.user.get_username()))
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()


def sign_in_username(request, credentials):
    """The address a sign-in is counted under by django-axes: as it is stored (trimmed, lower
    case), so a re-spelt address does not get fresh tries."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return User.objects.normalize_email(username) if username else username


def locked_out(request, original_response=None, credentials=None):
    """The sign-in page after too many wrong passwords for one account from one address
    (django-axes calls this): says for how long and how to get out, keeps the address typed.
    Served for the admin's sign-in too."""
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "locked_out": True,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        # From the admin's sign-in, the next sign-in goes back to the admin.
        "next": request.POST.get("next")
        or (reverse("wagtailadmin_home") if request.path == reverse("wagtailadmin_login") else ""),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("academy_profile")
    success_message = gettext_lazy("Your password is changed.")
