from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views.account import BaseSettingsPanel
from wagtail.snippets.models import register_snippet

from . import page_cache
from .admin_access import (
    MenuEntry,
    network_admins_only,
    only_for,
    register_menu_items,
    report_paths,
)
from .forms import CertificateDetailsForm
from .media_api import CityDocumentsAPIViewSet, CityImagesAPIViewSet
from .models import AcademyPage, Profile, profile_of
from .page_chooser import only_choosable_pages
from .privacy_admin import AccessLogView, DecideErasureView, ErasureRequestsView, RetentionView
from .views import OfficerImportView, OnboardCityView
from .viewsets import ForceViewSet, GlossaryTermViewSet


@hooks.register("register_admin_viewset")
def register_force_viewset():
    return ForceViewSet("forces")


register_snippet(GlossaryTermViewSet)


hooks.register("construct_page_chooser_queryset", only_choosable_pages)
# Pages that are the same for every visitor not signed in are kept in the cache.
hooks.register("on_serve_page", page_cache.mark_cacheable_pages)


# After Wagtail's own endpoints (order), which these replace.
@hooks.register("construct_admin_api", order=100)
def list_choosable_media_only(router):
    router.register_endpoint("images", CityImagesAPIViewSet)
    router.register_endpoint("documents", CityDocumentsAPIViewSet)


@hooks.register("register_admin_urls")
def register_onboarding_url():
    return [
        path(
            "onboard-city/",
            only_for("onboard")(OnboardCityView.as_view()),
            name="academy_onboard_city",
        ),
        path(
            "import-officers/",
            only_for("import_officers")(OfficerImportView.as_view()),
            name="academy_officer_import",
        ),
    ]


register_menu_items(
    "register_settings_menu_item",
    MenuEntry(_("Onboard a host city"), "academy_onboard_city", "site", 50, "onboard"),
)


register_menu_items(
    "register_admin_menu_item",
    MenuEntry(_("Import officers"), "academy_officer_import", "group", 260, "import_officers"),
)


register_menu_items(
    "register_reports_menu_item",
    MenuEntry(_("Erasure requests"), "academy_erasure_requests", "bin", 720, "network_report"),
    MenuEntry(_("Who looked"), "academy_access_log", "view", 721, "network_report"),
    MenuEntry(_("Retention"), "academy_retention", "time", 722, "network_report"),
)


class CertificateDetailsPanel(BaseSettingsPanel):
    """Staff keep the name printed on their certificates in their admin account too."""

    name = "certificate_details"
    title = _("Certificates and force")
    order = 150
    form_class = CertificateDetailsForm

    def get_form(self):
        # Saving makes the profile (race-free); looking at the page does not.
        if self.request.method == "POST":
            profile = Profile.objects.for_user(self.user)
            return self.form_class(self.request.POST, instance=profile, prefix=self.name)
        profile = profile_of(self.user) or Profile(user=self.user)
        return self.form_class(instance=profile, prefix=self.name)


@hooks.register("register_account_settings_panel")
def register_certificate_details_panel(request, user, profile):
    return CertificateDetailsPanel(request, user, profile)


class YourAcademiesPanel(Component):
    """On the admin home, staff go straight to their own academy."""

    name = "your_academies"
    order = 50
    template_name = "academy/admin/your_academies_panel.html"

    def __init__(self, academies):
        self.academies = academies

    def get_context_data(self, parent_context):
        return {"academies": self.academies}


@hooks.register("construct_homepage_panels")
def add_your_academies_panel(request, panels):
    academies = list(AcademyPage.objects.staffed_by(request.user).in_default_locale())
    if academies:
        panels.append(YourAcademiesPanel(academies))


@hooks.register("register_admin_urls")
def register_personal_data_urls():
    """Network admins only (the controller's role): erasure requests, who looked, retention."""
    return [
        *report_paths(
            "privacy/erasure-requests/",
            ErasureRequestsView,
            "academy_erasure_requests",
            network_admins_only,
        ),
        path(
            "privacy/erasure-requests/<int:pk>/",
            network_admins_only(DecideErasureView.as_view()),
            name="academy_erasure_decide",
        ),
        *report_paths(
            "privacy/who-looked/", AccessLogView, "academy_access_log", network_admins_only
        ),
        path(
            "privacy/retention/",
            network_admins_only(RetentionView.as_view()),
            name="academy_retention",
        ),
    ]
