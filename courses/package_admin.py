"""Content packages in the Wagtail admin: trainers and coordinators upload their city's SCORM
and H5P packages; modules choose among them."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from academy import policy
from academy.policy import (
    TRAINER_ACTIONS,
    CityChooserViewSetMixin,
    CityPermissionPolicy,
    CityViewSetMixin,
)

from .models import ContentPackage
from .packages import inspect_package
from .services.packages import fill_package

# Trainers write courses, so they upload packages too; deleting one is a coordinator's.
PACKAGE_TRAINER_ACTIONS = TRAINER_ACTIONS | {"add", "change"}


def package_policy():
    return CityPermissionPolicy(ContentPackage, trainer_actions=PACKAGE_TRAINER_ACTIONS)


class ContentPackageForm(WagtailAdminModelForm):
    """The upload is checked (``courses.packages``) before anything is kept; a refusal is
    the field's error, in words a trainer understands. A new file replaces the package's
    files (in a new folder: officers playing the old one are not cut off mid-way)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.inspection = None
        if for_user is not None and "academy" in self.fields:
            academies = policy.academies_for(
                for_user, "add", PACKAGE_TRAINER_ACTIONS
            ).in_default_locale()
            self.fields["academy"].queryset = academies
            # A list of the user's academies, not a page chooser browsing every city's tree.
            self.fields["academy"].widget = forms.Select(choices=self.fields["academy"].choices)
            if not self.instance.pk and len(academies) == 1:
                self.initial.setdefault("academy", academies[0].pk)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to take the package's own title.")

    def clean_archive(self):
        uploaded = self.cleaned_data.get("archive")
        if uploaded and "archive" in self.changed_data:
            self.inspection = inspect_package(uploaded)
        return uploaded

    def save(self, commit=True):
        package = super().save(commit=False)
        if self.inspection is not None:
            if package.pk:
                package.key = uuid.uuid4()
            package.title = package.title or self.inspection.title or package.archive.name
            fill_package(package, self.cleaned_data["archive"], self.inspection)
        if commit:
            package.save()
        return package


class ContentPackageChooserViewSet(CityChooserViewSetMixin, SnippetChooserViewSet):
    """Lists and picks the user's cities' packages; uploading is done in the package form."""

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


class ContentPackageViewSet(CityViewSetMixin, SnippetViewSet):
    model = ContentPackage
    icon = "folder-inverse"
    menu_label = _("Content packages")
    menu_order = 270
    add_to_admin_menu = True
    list_display = ["title", "academy", "kind", "file_count"]
    list_filter = ["kind"]
    search_fields = ["title"]
    chooser_viewset_class = ContentPackageChooserViewSet
    form_fields = ["academy", "title", "archive"]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("Form", (ContentPackageForm, form_class), {})

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["view", "change"]
        ).select_related("academy")
