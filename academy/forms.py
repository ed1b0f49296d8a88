"""Forms of the academy app: the academy profile (on the site and in Wagtail's user admin),
onboarding, sessions, and coordinators' officer import."""

from django import forms
from django.conf import settings
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from .languages import content_languages
from .models import COUNTRIES, Force, Profile, profile_of
from .printing import validate_printable_name

# What the admin's user forms and account page show of the academy profile.
ADMIN_PROFILE_FIELDS = ["full_name", "force", "participant_type", "preferred_language"]


class ProfileFieldsMixin:
    """A form about a user (of any user model) that also edits their academy profile: the
    profile's fields join the form's, and saving the user saves them (the profile is made
    on first need)."""

    profile_field_names = ADMIN_PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Profile, fields=self.profile_field_names))
        profile = profile_of(self.instance) if self.instance.pk else None
        if profile is not None:
            initial = model_to_dict(profile, fields=self.profile_field_names)
            self.initial = {**initial, **self.initial}

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self.save_profile(user)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_profile():
                save_m2m()
                self.save_profile(user)

            self.save_m2m = save_m2m_and_profile
        return user

    def save_profile(self, user):
        profile = Profile.objects.for_user(user)
        for name in self.profile_field_names:
            setattr(profile, name, self.cleaned_data[name])
        profile.save()
        return profile


class AcademyUserCreationForm(ProfileFieldsMixin, UserCreationForm):
    """Wagtail's new-user form with the academy profile (the name on certificates, force)."""


class AcademyUserEditForm(ProfileFieldsMixin, UserEditForm):
    """Wagtail's user form with the academy profile (the name on certificates, force)."""


class CertificateDetailsForm(forms.ModelForm):
    """The academy profile on a staff member's own account page in the admin."""

    class Meta:
        model = Profile
        fields = ADMIN_PROFILE_FIELDS


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


class ProfileForm(forms.ModelForm):
    """What an officer keeps up to date: the name on certificates, force, language and
    reminders. The name is asked for here, since certificates print it."""

    class Meta:
        model = Profile
        fields = ["full_name", "force", "participant_type", "preferred_language", "reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["force"].required = True
        self.fields["force"].empty_label = _("Choose your force")


def account_names_form(user_model):
    """A form of the account's given and family names, where the site's user model has
    them (Django's own does); of no field otherwise."""
    names = {field.name for field in user_model._meta.get_fields()}
    return forms.modelform_factory(
        user_model,
        fields=[name for name in ("first_name", "last_name") if name in names],
        labels={"first_name": _("Given name"), "last_name": _("Family name")},
    )


class ImportedOfficerForm(forms.Form):
    """One line of a coordinator's CSV import, checked like a sign-up. ``taken`` holds the
    addresses (lower case) of accounts that exist already."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(
        label=_("full name on certificates"),
        max_length=200,
        validators=[validate_printable_name],
    )
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(
        label=_("preferred language"), choices=settings.LANGUAGES
    )
    participant_type = forms.ChoiceField(
        label=_("participant type"), choices=Profile.ParticipantType.choices
    )

    def __init__(self, *args, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.lower() in self.taken:
            raise forms.ValidationError(
                _("An account with this email address already exists."), code="duplicate_email"
            )
        return email
