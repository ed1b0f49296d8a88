"""Forms of the network's site: accounts that sign in by e-mail address."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from academy.forms import (
    AcademyUserCreationForm,
    AcademyUserEditForm,
    ProfileFieldsMixin,
    ProfileForm,
)
from academy.models import language_of

from .accounts import request_email_change
from .models import User


class EmailAddressMixin:
    """A form that sets an account's address: stored in lower case, and refused when
    another account has it in any case (one mailbox, one account)."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("An account with this email address already exists."), code="duplicate_email"
            )
        return email


class PendingEmailChangeMixin(EmailAddressMixin):
    """A form that edits an existing account's address: a new address replaces the old one
    only once the link emailed to it is followed (the old address gets a notice), so nobody
    takes over password resets by typing an address they do not read."""

    email_help_text = _("A new address replaces this one once the link emailed to it is followed.")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.current_email = self.instance.email
        self.pending_email = None
        if "email" in self.fields:
            self.fields["email"].help_text = self.email_help_text

    def _post_clean(self):
        super()._post_clean()
        if self.instance.email != self.current_email and not self.has_error("email"):
            self.pending_email = self.instance.email
            self.instance.email = self.current_email

    def save(self, commit=True):
        user = super().save(commit=commit)
        if self.pending_email:
            request_email_change(user, self.pending_email)
            if self.request is not None:
                messages.info(
                    self.request,
                    _("A link was sent to %(email)s: the address changes once it is followed.")
                    % {"email": self.pending_email},
                )
        return user


class SiteUserCreationForm(EmailAddressMixin, AcademyUserCreationForm):
    """The admin's new-user form: the academy's, with one account per mailbox."""


class SiteUserEditForm(PendingEmailChangeMixin, AcademyUserEditForm):
    """The admin's user form: the academy's, and a new address waits for its link."""


class AccountEmailForm(PendingEmailChangeMixin, forms.ModelForm):
    """The address on a staff member's own account page in the admin."""

    class Meta:
        model = User
        fields = ["email"]


class SignUpForm(ProfileFieldsMixin, forms.ModelForm):
    """A new officer's account and academy profile. The address is checked by the email
    it receives."""

    profile_field_names = ProfileForm.Meta.fields

    email = forms.EmailField(label=_("Email address"), max_length=254)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]
        labels = {"first_name": _("Given name"), "last_name": _("Family name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["force"].required = True
        self.fields["force"].empty_label = _("Choose your force")
        self.fields["preferred_language"].initial = translation.get_language()
        # The page asks for the address, the names, the rest of the profile, a password.
        self.order_fields(["email", "full_name", "first_name", "last_name"])
        self.order_fields([*(name for name in self.fields if "password" not in name)])

    @property
    def profile(self):
        return {name: self.cleaned_data[name] for name in self.profile_field_names}

    @property
    def names(self):
        return {name: self.cleaned_data[name] for name in ("first_name", "last_name")}

    def clean_email(self):
        # Whether an address has an account is never shown: ``sign_up`` handles it by email.
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_unique(self):
        pass

    def _get_validation_exclusions(self):
        # The address's unique constraint would say the same as validate_unique.
        return {*super()._get_validation_exclusions(), "email"}

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two passwords differ; type the same one twice."))
        return second

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class AcademyPasswordResetForm(PasswordResetForm):
    """Password reset in the account's own language, also for imported officers who
    have not chosen a password yet (their invitation link may have expired)."""

    def get_users(self, email):
        return User.objects.filter(
            email__iexact=User.objects.normalize_email(email), is_active=True
        )

    def save(self, **kwargs):
        # The link's host comes from the configured public address, never from the request's
        # Host header (a forged one would send the officer's reset token elsewhere).
        public = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        kwargs.update(domain_override=public.netloc, use_https=public.scheme == "https")
        super().save(**kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
