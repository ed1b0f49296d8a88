"""Admin views of the academy app."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail.admin.views import account as wagtail_account
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .accounts import IMPORT_COLUMNS, ImportRejected, forces_for_import, import_officers
from .forms import OfficerImportForm, OnboardCityForm
from .models import OfficerImport
from .services import onboard_city


class OnboardCityView(WagtailAdminTemplateMixin, FormView):
    """Network admins onboard a new host city from the admin (same service as the command)."""

    form_class = OnboardCityForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = gettext_lazy("Onboard a host city")
    header_icon = "site"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": "", "label": gettext_lazy("Onboard a host city")},
    ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse("academy_onboard_city")
        context["submit_button_label"] = gettext("Onboard city")
        context["submit_button_active_label"] = gettext("Onboarding…")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = onboard_city(
                city=data["city"],
                country=data["country"],
                code=data["code"],
                academy_name=data["academy_name"],
                default_language=data["default_language"],
                force=data["force"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        if result.created:
            messages.success(
                self.request,
                gettext("%(city)s is onboarded. Created: %(items)s.")
                % {"city": data["city"], "items": ", ".join(result.created)},
            )
        else:
            messages.info(
                self.request,
                gettext("%(city)s was already onboarded; nothing was changed.")
                % {"city": data["city"]},
            )
        return redirect("wagtailadmin_explore", result.academy.pk)


class OfficerImportView(WagtailAdminTemplateMixin, FormView):
    """A coordinator opens accounts for their city's officers from a CSV file, all or nothing."""

    form_class = OfficerImportForm
    template_name = "academy/admin/officer_import.html"
    page_title = gettext_lazy("Import officers")
    header_icon = "group"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": "", "label": gettext_lazy("Import officers")},
    ]

    @cached_property
    def forces(self):
        return forces_for_import(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not self.forces.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forces": self.forces}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": IMPORT_COLUMNS,
            "recent_imports": OfficerImport.objects.filter(
                imported_by=self.request.user
            ).select_related("force")[:5],
            "action_url": reverse("academy_officer_import"),
            "submit_button_label": gettext("Import"),
            "submit_button_active_label": gettext("Importing…"),
        }

    def form_valid(self, form):
        try:
            officer_import = import_officers(
                form.cleaned_data["file"].read(),
                force=form.cleaned_data["force"],
                imported_by=self.request.user,
            )
        except ImportRejected as rejection:
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=rejection.errors)
            )
        except IntegrityError:  # another import created one of these accounts meanwhile
            form.add_error(
                None, gettext("Some of these accounts were just created elsewhere; import again.")
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d account was opened; the officer's invitation is being sent by email.",
                "%(count)d accounts were opened; their invitations are being sent by email.",
                officer_import.officers,
            )
            % {"count": officer_import.officers},
        )
        return redirect("academy_officer_import")


class AdminLogoutView(wagtail_account.LogoutView):
    """Signing out of the admin takes a POST, as Wagtail's own menu sends. A GET would let
    any page an editor visits sign them out, and Wagtail's view would still drop their
    session cookie on the 405 it answers."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
