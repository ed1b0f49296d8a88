"""Forms of the academy app: the admin's user forms and the onboarding form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import COUNTRIES, Force

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
