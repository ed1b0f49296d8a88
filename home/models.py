"""The network's home page."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page

from academy.models import AcademyPage
from courses.models import CoursePage, Session, attach_academies

LOGO_FILTER = "fill-96x96"


class HomePage(Page):
    """The EU-POLNET network: introduces the network and lists its host-city academies."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["academy.AcademyPage"]

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("network home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        logos = get_image_model().objects.prefetch_renditions(LOGO_FILTER)
        context["academies"] = (
            AcademyPage.objects.child_of(self)
            .live()
            .public()
            .select_related("force")
            .prefetch_related(Prefetch("logo", queryset=logos))
            .order_by("city")
        )
        latest = CoursePage.objects.for_catalogue().in_visitors_language()
        context["courses"] = attach_academies(list(latest.order_by("-first_published_at")[:6]))
        context["sessions"] = Session.objects.for_listing()[:8]
        return context
