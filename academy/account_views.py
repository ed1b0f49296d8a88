"""The officer's account on the public site: sign-up, email confirmation, profile."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from .accounts import confirm_email, email_confirmation_token, sign_up, user_from_link
from .forms import AcademyPasswordResetForm, ProfileForm, SignUpForm


@sensitive_post_parameters("password1", "password2")
def sign_up_view(request):
    """Open an account; it works once the link sent to the address is followed."""
    if request.user.is_authenticated:
        return redirect("my_learning")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sign_up(
            email=data["email"],
            password=data["password1"],
            **{name: data[name] for name in ProfileForm.Meta.fields},
        )
        return render(request, "registration/sign_up_done.html", {"email": data["email"]})
    return render(request, "registration/sign_up.html", {"form": form})


def confirm_account(request, uidb64, token):
    """The link of the sign-up email. Following it shows a button; the button confirms, so
    mail scanners that open links do not confirm accounts on the officer's behalf."""
    user = user_from_link(uidb64)
    valid = (
        user is not None
        and not user.is_active
        and email_confirmation_token.check_token(user, token)
    )
    if request.method == "POST" and valid:
        user = confirm_email(uidb64, token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is confirmed. Welcome to the academy."))
            with translation.override(user.preferred_language):
                return redirect(reverse("my_learning"))
    already = user is not None and user.is_active
    return render(
        request,
        "registration/confirm_account.html",
        {"valid": valid, "already_confirmed": already},
        status=200 if valid or already else 404,
    )


@login_required
def profile(request):
    """The signed-in user's name on certificates, force and language."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile is saved."))
            return redirect(reverse("profile"))
    return render(request, "registration/profile.html", {"form": form})


password_reset = auth_views.PasswordResetView.as_view(
    form_class=AcademyPasswordResetForm,
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(post_reset_login=True)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("profile")
    success_message = gettext_lazy("Your password is changed.")
