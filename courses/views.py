"""Admin views of courses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from academy import policy
from academy.models import AcademyPage

from .models import attach_academies
from .queries import academy_of, shareable_courses
from .services import copy_course_to_academy


class NetworkCoursesView(WagtailAdminTemplateMixin, TemplateView):
    """Coordinators browse other academies' published courses and copy one into their own."""

    template_name = "courses/admin/network_courses.html"
    page_title = gettext_lazy("Courses of the network")
    header_icon = "copy"

    def dispatch(self, request, *args, **kwargs):
        self.academies = list(policy.academies_for(request.user, "copy_course").in_default_locale())
        if not self.academies:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["courses"] = attach_academies(list(shareable_courses(self.request.user)))
        context["academies"] = self.academies
        return context

    def post(self, request, *args, **kwargs):
        course = get_object_or_404(shareable_courses(request.user), pk=request.POST.get("course"))
        academy = get_object_or_404(AcademyPage, pk=request.POST.get("academy"))
        try:
            copy = copy_course_to_academy(course, academy, request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("courses_network")
        messages.success(
            request,
            gettext("“%(title)s” from %(origin)s is now a draft of %(academy)s.")
            % {"title": copy.title, "origin": academy_of(course).title, "academy": academy.title},
        )
        return redirect("wagtailadmin_pages:edit", copy.pk)
