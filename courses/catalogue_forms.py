from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from academy.languages import content_languages
from academy.models import AcademyPage
from courses.models import CoursePage, Session, Theme


def language_filter_choices():
    return [("", _("All languages")), *content_languages()]


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters; every field is optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=AcademyPage.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("All themes")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_filter_choices,
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *CoursePage.Level.choices],
        required=False,
    )

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Any format")), *Session.Format.choices],
        required=False,
    )
    starts_after = forms.DateField(
        label=_("Sessions from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_before = forms.DateField(
        label=_("Sessions until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        after, before = data.get("starts_after"), data.get("starts_before")
        if after and before and before < after:
            self.add_error("starts_before", _("Choose an end date after the start date."))
        return data

    @property
    def filters_sessions(self):
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("format", "starts_after", "starts_before"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: public() reads the view restrictions from the database.
        self.fields["city"].queryset = (
            AcademyPage.objects.live().public().filter(locale=Locale.get_active()).order_by("city")
        )
