"""Courses, their modules and assessments, as trainers write them in Wagtail."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from academy.media import CityMediaPageForm
from academy.models import AcademyContentQuerySet, AcademyPage
from academy.routing import DirectRoutingMixin

from ..blocks import CourseContentBlock
from ..forms import AssessmentPageForm, ModulePageForm
from .records import AssessmentAttempt
from .sessions import Enrolment, Session


class Theme(models.Model):
    """A theme of the network's work, from the managed list used to tag courses."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


COVER_FILTER = "fill-480x270"


class CoursePageQuerySet(AcademyContentQuerySet):
    def for_catalogue(self):
        """Live public courses with what a listing shows, in a constant number of queries."""
        covers = get_image_model().objects.prefetch_renditions(COVER_FILTER)
        return (
            self.live()
            .public()
            .select_related("origin_academy")
            .prefetch_related("themes", "languages", Prefetch("cover_image", queryset=covers))
            .order_by("title")
        )

    def readable_by(self, user):
        """Courses whose modules ``user`` may read in full: those of a session the officer
        follows (approved or completed), those of the academies where they are on the staff,
        every course for a network admin. Nobody else reads more than their public text."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        followed = Enrolment.objects.for_officer(user).filter(state__in=Enrolment.ACTIVE)
        readable = Q(translation_key__in=followed.values("session__course__translation_key"))
        staffed = AcademyPage.objects.staffed_by(user).values("translation_key")
        for path in Page.objects.filter(translation_key__in=staffed).values_list("path", flat=True):
            readable |= Q(path__startswith=path)
        return self.filter(readable)


def attach_academies(pages):
    """Set ``page.academy`` on pages that sit directly under an academy, in one query."""
    parent_paths = {page.path[: -Page.steplen] for page in pages}
    academies = {a.path: a for a in AcademyPage.objects.filter(path__in=parent_paths)}
    for page in pages:
        page.academy = academies.get(page.path[: -Page.steplen])
    return pages


CoursePageManager = PageManager.from_queryset(CoursePageQuerySet)


class CoursePage(DirectRoutingMixin, Page):
    """A course of an academy: what it is about, for whom, and when it counts as completed."""

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=600)
    learning_objectives = RichTextField(
        _("learning objectives"),
        features=["ol", "ul", "bold", "italic"],
        help_text=_("What officers will be able to do after the course."),
    )
    audience = models.TextField(_("audience"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    key_terms = ParentalManyToManyField(
        "academy.GlossaryTerm",
        verbose_name=_("key terms"),
        blank=True,
        help_text=_("Terms of the network glossary the course uses, shown with their definitions."),
    )
    languages = ParentalManyToManyField(
        "wagtailcore.Locale",
        verbose_name=_("languages"),
        blank=True,
        help_text=_("Languages the course is taught in."),
    )
    cpd_hours = models.DecimalField(
        _("CPD hours"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Continuing professional development hours printed on certificates."),
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
    )
    require_all_modules = models.BooleanField(_("all required modules completed"), default=True)
    require_passed_assessments = models.BooleanField(_("all assessments passed"), default=True)
    require_attendance = models.BooleanField(
        _("attendance, where the session records it"), default=False
    )
    modules_in_order = models.BooleanField(_("modules must be taken in order"), default=False)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin_academy = models.ForeignKey(
        "academy.AcademyPage",
        verbose_name=_("originally written by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CoursePageManager()
    base_form_class = CityMediaPageForm
    # The same for every visitor not signed in: served from the cache (academy.page_cache).
    cache_for_visitors = True

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = ["courses.ModulePage", "courses.AssessmentPage"]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("audience"),
        FieldPanel("cover_image"),
    ]
    details_panels = [
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("key_terms", widget=forms.CheckboxSelectMultiple),
        FieldPanel("languages", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("level"), FieldPanel("cpd_hours")]),
        FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("require_all_modules"),
                FieldPanel("require_passed_assessments"),
                FieldPanel("require_attendance"),
                FieldPanel("modules_in_order"),
            ],
            heading=_("Completion rule"),
        ),
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
        index.SearchField("learning_objectives"),
        index.SearchField("audience"),
        index.FilterField("level"),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["academy"] = self.get_parent().specific
        context["modules"] = ModulePage.objects.child_of(self).live().public().defer_streamfields()
        context["assessments"] = AssessmentPage.objects.child_of(self).live().public()
        context["themes"] = list(self.themes.all())
        context["key_terms"] = list(self.key_terms.all())
        context["languages"] = list(self.languages.all())
        # A preview's prerequisites are the form's, not yet a database relation.
        prerequisites = [page.pk for page in self.prerequisites.all()]
        context["prerequisites"] = CoursePage.objects.filter(pk__in=prerequisites).live().public()
        context["sessions"] = Session.objects.for_listing().filter(
            course__translation_key=self.translation_key
        )
        context.update(learning_context(request.user, self, context["modules"]))
        return context


def learning_context(user, course, modules, current=None, enrolment=None):
    """What a course or module page shows an officer: enrolment, progress, next step.

    Visiting a module starts it (and times it) for an enrolled officer. ``enrolment``:
    the officer's, when the caller already looked it up (``enrolment_for``).
    """
    # Services build on these models; they are imported when a page is served.
    from courses.queries import course_progress, enrolment_for
    from courses.services import record_visit

    if enrolment is None:
        enrolment = enrolment_for(user, course)
    if enrolment is None:
        return {"enrolment": None, "progress": None, "step": None, "locked": False}
    progress = course_progress(enrolment, modules)
    step = progress.step_for(current) if current else None
    if step and not step.locked:
        step.progress = record_visit(enrolment, current, step.progress)
    return {
        "enrolment": enrolment,
        "progress": progress,
        "step": step,
        "locked": bool(step and step.locked),
    }


MODULE_BODY_TEMPLATE = "courses/includes/module_body.html"


class ModulePage(DirectRoutingMixin, Page):
    """One module of a course: content blocks an officer works through."""

    body = StreamField(CourseContentBlock(), verbose_name=_("content"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=30, validators=[MinValueValidator(1)]
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required to complete the course.")
    )
    package = models.ForeignKey(
        "courses.ContentPackage",
        verbose_name=_("content package"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "A SCORM or H5P package of your academy, played in the module; it is done when "
            "the package reports it completed (and not failed)."
        ),
    )

    base_form_class = ModulePageForm
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
        FieldPanel("package"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def get_context(self, request, *args, **kwargs):
        from courses import outline as outlines
        from courses.queries import enrolment_for

        context = super().get_context(request, *args, **kwargs)
        parent = self.get_parent()
        preview = getattr(request, "is_preview", False)
        cached = outlines.cached(request, parent, module=None if preview else self)
        outline, enrolment = cached.outline, cached.enrolment
        if enrolment is outlines.NOT_CACHED or outline is None:
            # The enrolment reads its session's course only when the outline is read too.
            enrolment = enrolment_for(request.user, parent, with_course=outline is None)
            outlines.keep_enrolment(request.user, parent, cached.officer_generation, enrolment)
        same_course = enrolment is not None and enrolment.session.course_id == parent.pk
        if outline is None:
            # The enrolment's course is this module's course (read with it) unless the
            # officer follows the course in another language.
            course = enrolment.session.course if same_course else parent.specific
            outline = outlines.outline_of(course, cached.content_generation)
        elif same_course:
            enrolment.session.course = outline.course  # the same page, from the cache
        course, siblings = outline.course, outline.modules
        context["course"] = course
        later = [module for module in siblings if module.path > self.path]
        earlier = [module for module in siblings if module.path < self.path]
        context["previous_module"] = earlier[-1] if earlier else None
        context["next_module"] = later[0] if later else None
        learning = learning_context(request.user, course, siblings, self, enrolment)
        context.update(learning)
        # Officers follow modules within a session; staff and previews see everything
        # (an enrolled officer's permissions are not looked up).
        context["can_read"] = (
            preview
            or (learning["enrolment"] is not None and not learning["locked"])
            or request.user.has_perm("wagtailadmin.access_admin")
        )
        if not context["can_read"]:
            context["sessions"] = Session.objects.for_listing().filter(
                course__translation_key=course.translation_key
            )
        elif cached.body is not outlines.NOT_CACHED:
            context["body"] = cached.body  # a SafeString, as rendered
        elif cached.content_generation is not None and not preview:
            context["body"] = render_to_string(MODULE_BODY_TEMPLATE, {"page": self}, request)
            outlines.keep_body(request, self, cached.content_generation, context["body"])
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.package_id:
            # The package's player is a frame of this site (the CSP otherwise lets frames
            # come only from video providers).
            response._csp_update = {"frame-src": ["'self'"]}
        return response


class AssessmentPage(DirectRoutingMixin, Page):
    """An assessment of a course: its rules, and the questions officers answer."""

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")

    class ReviewPolicy(models.TextChoices):
        SCORE = "score", _("Score only")
        ANSWERS = "answers", _("Score and their answers")
        FULL = "full", _("Score, answers, correct answers and feedback")

    class ReviewFrom(models.TextChoices):
        SUBMITTED = "submitted", _("As soon as the attempt is submitted")
        NO_ATTEMPTS_LEFT = "no_attempts_left", _("Once no attempt is left")
        SESSION_ENDED = "session_ended", _("After the session ends")

    instructions = RichTextField(_("instructions"), blank=True, features=["bold", "italic", "ul"])
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        error_messages={"max_value": _("The pass mark is a percentage between 0 and 100.")},
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=2,
        validators=[MinValueValidator(1)],
        error_messages={"min_value": _("Allow at least one attempt.")},
    )
    time_limit_minutes = models.IntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no time limit."),
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=False)
    review_policy = models.CharField(
        _("after submitting, officers see"),
        max_length=10,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.ANSWERS,
    )
    review_from = models.CharField(
        _("from"), max_length=20, choices=ReviewFrom.choices, default=ReviewFrom.SUBMITTED
    )

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    base_form_class = AssessmentPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("attempts_allowed"),
                        FieldPanel("time_limit_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("grading_method")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldRowPanel([FieldPanel("review_policy"), FieldPanel("review_from")]),
            ],
            heading=_("Rules"),
        ),
        InlinePanel(
            "pools",
            heading=_("Question pools"),
            label=_("Pool draw"),
            help_text=_(
                "Questions tagged with a pool are drawn at random: each attempt asks the given "
                "number of them. Questions without a pool are always asked."
            ),
        ),
        InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
    ]

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = context["course"] = self.get_parent().specific
        if getattr(request, "is_preview", False):
            # In a preview the questions come from the editor's form, not the database.
            context["questions"] = self.questions.all()
            return context
        context.update(self.officer_context(request.user, course))
        return context

    def officer_context(self, user, course):
        """The signed-in officer's attempts, the one in progress, and what they may do next."""
        from courses.queries import enrolment_for, result, review_level

        enrolment = enrolment_for(user, course)
        if enrolment is None:
            return {"officer_attempts": None}
        attempts = list(
            AssessmentAttempt.objects.filter(assessment=self, officer=user)
            .select_related("enrolment__session", "assessment")
            .order_by("number")
        )
        counted = result(enrolment, self, [a for a in attempts if a.enrolment_id == enrolment.pk])
        return {
            "officer_attempts": attempts,
            "in_progress": next((a for a in attempts if a.is_in_progress), None),
            "attempts_left": enrolment.is_approved and len(attempts) < self.attempts_allowed,
            "counted": counted,
            "show_result": counted is not None and review_level(counted, len(attempts)),
        }


class PoolDraw(Orderable):
    """How many questions an attempt draws from one tagged pool."""

    assessment = ParentalKey(AssessmentPage, on_delete=models.CASCADE, related_name="pools")
    pool = models.CharField(_("pool"), max_length=50, help_text=_("e.g. legal-basics"))
    questions_to_draw = models.PositiveSmallIntegerField(
        _("questions to draw"), validators=[MinValueValidator(1)]
    )

    panels = [FieldRowPanel([FieldPanel("pool"), FieldPanel("questions_to_draw")])]

    class Meta(Orderable.Meta):
        verbose_name = _("pool draw")
        verbose_name_plural = _("pool draws")


class Question(ClusterableModel, Orderable):
    """A question of an assessment, with its choices where it has some."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT_TEXT = "short_text", _("Short text, graded by a trainer")

    class PartialCredit(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        PROPORTIONAL = "proportional", _("Right choices minus wrong ones, never below zero")

    CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE}

    assessment = ParentalKey(AssessmentPage, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("question"))
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    partial_credit = models.CharField(
        _("partial credit (multiple choice)"),
        max_length=20,
        choices=PartialCredit.choices,
        default=PartialCredit.ALL_OR_NOTHING,
    )
    feedback = models.TextField(_("feedback"), blank=True)
    pool = models.CharField(
        _("pool"), max_length=50, blank=True, help_text=_("Leave empty to always ask it.")
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("points"), FieldPanel("pool")]),
        FieldPanel("text"),
        FieldPanel("partial_credit"),
        InlinePanel("choices", label=_("Choice")),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text
