"""Forms of the academy app: accounts, the admin's user forms, onboarding, sessions."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from .accounts import request_email_change
from .languages import content_languages
from .models import COUNTRIES, Force, User

PROFILE_FIELDS = {"full_name", "force", "participant_type", "preferred_language"}


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


class AcademyUserCreationForm(EmailAddressMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class AcademyUserEditForm(PendingEmailChangeMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS


class AccountEmailForm(PendingEmailChangeMixin, forms.ModelForm):
    """The address on a staff member's own account page in the admin."""

    class Meta:
        model = User
        fields = ["email"]


class OnboardCityForm(forms.Form):
    """What a network admin types to onboard a new host city."""

    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country"), choices=[("", "---------"), *COUNTRIES])
    code = forms.RegexField(
        label=_("City code"),
        regex=r"^[A-Z]{3}$",
        error_messages={"invalid": _("Use three capital letters, e.g. LIS.")},
        help_text=_("Three capital letters used in certificate serials, e.g. LIS."),
    )
    academy_name = forms.CharField(
        label=_("Academy name"), max_length=255, help_text=_("e.g. Lisbon Municipal Police")
    )
    force = forms.ModelChoiceField(
        label=_("Host force"),
        queryset=Force.objects.all(),
        required=False,
        help_text=_("Leave empty to register a new force with the academy's name."),
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=content_languages)


class EnrolmentDecisionForm(forms.Form):
    """A coordinator's decision on one or several requests, with a reason the officers read."""

    enrolments = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one request.")},
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason (sent to the officers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = session.enrolments.filter(state="requested")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why: the officers read this reason in their email."))
        return data


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the enrolled officers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


PROFILE_FORM_FIELDS = [
    "full_name",
    "first_name",
    "last_name",
    "force",
    "participant_type",
    "preferred_language",
    "reminders",
]


class ProfileForm(forms.ModelForm):
    """What an officer keeps up to date: the name on certificates, force and language."""

    class Meta:
        model = User
        fields = PROFILE_FORM_FIELDS
        labels = {"first_name": _("Given name"), "last_name": _("Family name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].required = True
        self.fields["force"].empty_label = _("Choose your force")


class SignUpForm(ProfileForm):
    """A new officer's account. The address is checked by the email it receives."""

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

    class Meta(ProfileForm.Meta):
        fields = ["email", *PROFILE_FORM_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language()

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


class ImportedOfficerForm(EmailAddressMixin, forms.ModelForm):
    """One line of a coordinator's CSV import, checked like a sign-up. Its instance is the
    account of a sign-up never confirmed for that address, if any: the import takes it over."""

    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "first_name",
            "last_name",
            "preferred_language",
            "participant_type",
        ]


class OfficerImportForm(forms.Form):
    force = forms.ModelChoiceField(label=_("Force of these officers"), queryset=None)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One officer per line, under a first line naming the columns: email, full_name "
            "(as on certificates), and optionally first_name, last_name, language (en, fr, nl, "
            "es, pt) and participant_type (officer, staff, partner). Commas or semicolons."
        ),
    )

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces
        only = forces[:2]
        if len(only) == 1:
            self.fields["force"].initial = only[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB; split it."))
        return upload


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
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
