from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from academy.models import AcademyPage
from courses.models import CoursePage, Theme


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
        choices=[("", _("All languages")), *settings.WAGTAIL_CONTENT_LANGUAGES],
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *CoursePage.Level.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: public() reads the view restrictions from the database.
        self.fields["city"].queryset = (
            AcademyPage.objects.live().public().filter(locale=Locale.get_active()).order_by("city")
        )
