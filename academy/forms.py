"""Forms of the academy app: accounts, the admin's user forms, onboarding, sessions."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import COUNTRIES, Force, User

PROFILE_FIELDS = {"full_name", "force", "participant_type", "preferred_language"}


class AcademyUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class AcademyUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS


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
    default_language = forms.ChoiceField(
        label=_("Default language"), choices=settings.WAGTAIL_CONTENT_LANGUAGES
    )


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

    def validate_unique(self):
        # Whether an address has an account is never shown: ``sign_up`` handles it by email.
        pass

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


class ImportedOfficerForm(forms.ModelForm):
    """One line of a coordinator's CSV import, checked like a sign-up."""

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

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


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
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
