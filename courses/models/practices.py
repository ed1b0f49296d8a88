"""Promising practices of the member forces, and the peer reviews that examine them
(issue 21).

A practice is a page under its city's academy, written by the city's trainers and
coordinators and published through the city's moderation workflow, like a course. A
peer-review session (``Session.practice``) examines one; each reviewer writes a
structured review, and the host's coordinators publish a report of them on the
practice's page, crediting the reviewers.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from academy.blocks import GlossaryBlock
from academy.media import CityMediaPageForm
from academy.models import AcademyContentQuerySet, AcademyPage

from .pages import CoursePage, Theme
from .sessions import Session

RICH = ["bold", "italic", "link", "ol", "ul"]


class PracticeBodyBlock(blocks.StreamBlock):
    """More on the practice: text and glossary terms."""

    paragraph = blocks.RichTextBlock(features=RICH, label=_("Paragraph"))
    glossary = GlossaryBlock()


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Attachment")


class PracticePageForm(CityMediaPageForm):
    """The courses a practice is taught in: its own city's courses only."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        academy = None
        if self.instance.pk:
            academy = self.instance.get_parent().specific
        elif parent_page is not None:
            academy = parent_page.specific
        if "courses" in self.fields:
            courses = CoursePage.objects.none()
            if isinstance(academy, AcademyPage):
                courses = CoursePage.objects.of_academy(academy)
            self.fields["courses"].queryset = courses.order_by("title")


class PracticePageQuerySet(AcademyContentQuerySet):
    def for_listing(self):
        return (
            self.live()
            .public()
            .prefetch_related("themes")
            .select_related("locale")
            .order_by("title")
        )


class PracticePage(Page):
    """A promising practice of the city's force: the problem, the approach, what it took,
    its results and evidence, who to contact."""

    summary = models.TextField(_("summary"), max_length=600)
    problem = RichTextField(_("the problem"), features=RICH)
    approach = RichTextField(_("the approach"), features=RICH)
    people = models.TextField(
        _("people"), blank=True, help_text=_("Who worked on it, and how much of their time.")
    )
    partners = models.TextField(
        _("partners"), blank=True, help_text=_("Crime-prevention services and other partners.")
    )
    cost = models.TextField(_("cost"), blank=True)
    results = RichTextField(_("results and evidence"), features=RICH)
    contacts = models.TextField(_("contacts"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    body = StreamField(PracticeBodyBlock(), verbose_name=_("more"), blank=True)
    attachments = StreamField(
        [("attachment", AttachmentBlock())], verbose_name=_("attachments"), blank=True
    )
    courses = ParentalManyToManyField(
        CoursePage,
        verbose_name=_("taught in the courses"),
        blank=True,
        related_name="practices",
    )

    objects = PageManager.from_queryset(PracticePageQuerySet)()
    base_form_class = PracticePageForm

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("problem"),
        FieldPanel("approach"),
        MultiFieldPanel(
            [FieldPanel("people"), FieldPanel("partners"), FieldPanel("cost")],
            heading=_("What it took"),
        ),
        FieldPanel("results"),
        FieldPanel("contacts"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    details_panels = [
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("courses", widget=forms.CheckboxSelectMultiple),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(details_panels, heading=_("Details")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("problem"),
        index.SearchField("approach"),
        index.SearchField("results"),
        index.SearchField("partners"),
    ]

    class Meta:
        verbose_name = _("promising practice")
        verbose_name_plural = _("promising practices")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["academy"] = self.get_parent().specific
        context["themes"] = list(self.themes.all())
        # Courses, sessions and reports of any language version of the practice.
        versions = PracticePage.objects.filter(translation_key=self.translation_key)
        taught = [page.pk for page in self.courses.all()]
        context["taught_in"] = CoursePage.objects.filter(pk__in=taught).live().public()
        context["sessions"] = (
            Session.objects.filter(practices__in=versions, cancelled_at__isnull=True)
            .select_related("academy")
            .distinct()
            .order_by("-starts_on")
        )
        context["reports"] = (
            ReviewReport.objects.published()
            .filter(session__practice__in=versions)
            .select_related("session__academy")
        )
        return context


class PeerReviewQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class PeerReview(models.Model):
    """One reviewer's review of the practice under review in a peer-review session: a
    draft (saved as they type) until they submit it, once."""

    class Transferable(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    city_path = "session__academy"

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="peer_reviews",
    )
    strengths = models.TextField(_("strengths"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    transferable = models.CharField(
        _("could it be transferred to your city?"),
        max_length=10,
        choices=Transferable.choices,
        blank=True,
    )
    transferable_why = models.TextField(_("why"), blank=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = PeerReviewQuerySet.as_manager()

    # What a reviewer writes (the draft and the submission).
    FIELDS = ("strengths", "risks", "recommendations", "transferable", "transferable_why")

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "reviewer"], name="one_review_per_reviewer_and_session"
            )
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.session}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class ReviewReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class ReviewReport(models.Model):
    """The host's report of a peer review: their summary and the reviews submitted,
    published on the practice's page with the reviewers credited."""

    city_path = "session__academy"

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="review_report"
    )
    summary = models.TextField(_("summary of the review"))
    reviews = models.ManyToManyField(PeerReview, verbose_name=_("reviews"), related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("peer-review report")
        verbose_name_plural = _("peer-review reports")

    def __str__(self):
        return str(self.session)
