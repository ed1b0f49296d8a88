"""What officers do in a course: module progress, assessment attempts and their answers."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ModuleProgressQuerySet(models.QuerySet):
    def required_done(self):
        """The one definition of "required modules done": rows completed in a live required
        module of the enrolment's course (a module moved elsewhere, unpublished or made
        optional no longer counts). Reports, My learning, the dashboard, the completion rule
        and the reminders all count these."""
        course = "enrolment__session__course__"
        return self.filter(
            completed_at__isnull=False,
            module__live=True,
            module__required=True,
            module__path__startswith=F(f"{course}path"),
            module__depth=F(f"{course}depth") + 1,
        )


class ModuleProgress(models.Model):
    """How far an officer got in one module, within one enrolment.

    Records outlive the pages: a module that learners have used cannot be deleted.
    """

    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="module_progress",
    )
    module = models.ForeignKey(
        "courses.ModulePage", verbose_name=_("module"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("time spent (seconds)"), default=0)
    last_position = models.PositiveSmallIntegerField(_("last position"), default=0)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now_add=True)

    objects = ModuleProgressQuerySet.as_manager()

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module"], name="one_progress_per_enrolment_and_module"
            )
        ]

    def __str__(self):
        return f"{self.enrolment} – {self.module_id}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted, waiting for grading")
    GRADED = "graded", _("Graded")


class AttemptQuerySet(models.QuerySet):
    def of_officer(self, officer):
        return self.filter(officer=officer)

    def in_progress(self):
        return self.filter(state=AssessmentAttempt.State.IN_PROGRESS)

    def submitted(self):
        """Waiting for a trainer to grade a written answer."""
        return self.filter(state=AssessmentAttempt.State.SUBMITTED)

    def graded(self):
        return self.filter(state=AssessmentAttempt.State.GRADED)

    def closed(self):
        """Submitted or graded: no longer in progress."""
        return self.exclude(state=AssessmentAttempt.State.IN_PROGRESS)

    def overdue(self, now, grace):
        """Attempts still open after their time limit and the grace period."""
        return self.in_progress().filter(deadline__lt=now - grace)


class AssessmentAttempt(models.Model):
    """One attempt of an officer at an assessment, with the questions as they were asked.

    ``questions`` is a snapshot (text, points, choices and which were right): later edits
    of the page never change a past attempt or its score.
    """

    State = AttemptState

    assessment = models.ForeignKey(
        "courses.AssessmentPage",
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    questions = models.JSONField(_("questions as asked"))
    sequence = models.PositiveIntegerField(
        _("saves"),
        default=0,
        help_text=_("Goes up with every save; a form carrying an older value is stale."),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    deadline = models.DateTimeField(_("time is up at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_automatically = models.BooleanField(_("submitted when time was up"), default=False)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=7, decimal_places=2)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "officer", "number"]
        verbose_name = _("assessment attempt")
        verbose_name_plural = _("assessment attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "officer", "number"], name="one_attempt_per_number"
            ),
            models.UniqueConstraint(
                fields=["assessment", "officer"],
                condition=models.Q(state=AttemptState.IN_PROGRESS),
                name="one_attempt_in_progress",
            ),
        ]

    def __str__(self):
        return f"{self.officer} – {self.assessment_id} #{self.number}"

    @property
    def is_in_progress(self):
        return self.state == self.State.IN_PROGRESS

    @property
    def is_submitted(self):
        return self.state == self.State.SUBMITTED

    @property
    def is_graded(self):
        return self.state == self.State.GRADED

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)

    @property
    def passed(self):
        return self.percent is not None and self.percent >= self.pass_mark

    @property
    def time_taken(self):
        return self.submitted_at - self.started_at if self.submitted_at else None


class Response(models.Model):
    """An officer's answer to one question of an attempt, and its grade."""

    attempt = models.ForeignKey(
        AssessmentAttempt,
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    question = models.PositiveSmallIntegerField(_("question (position in the attempt)"))
    selected = models.JSONField(_("choices selected"), default=list, blank=True)
    text = models.TextField(_("answer"), blank=True, max_length=5000)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("trainer's comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        ordering = ["attempt", "question"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_response_per_question"
            )
        ]

    def __str__(self):
        return f"{self.attempt} – {self.question}"
