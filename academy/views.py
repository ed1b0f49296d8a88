"""Admin views of the academy app."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import OnboardCityForm
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
