"""Sessions of a course (or an Exchange Day, a peer review) at an academy, and who takes part."""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from academy.languages import interface_languages
from academy.models import AcademyPage
from courses.signals import enrolment_completed

from .records import ModuleProgress


class SessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(cancelled_at__isnull=True, ends_on__gte=timezone.localdate())

    def open_for_enrolment(self):
        now = timezone.now()
        return self.upcoming().filter(
            Q(enrolment_opens_at__isnull=True) | Q(enrolment_opens_at__lte=now),
            Q(enrolment_closes_at__isnull=True) | Q(enrolment_closes_at__gte=now),
        )

    def with_places_taken(self):
        """Annotate ``places_taken``: enrolments that hold one of the session's places."""
        return self.annotate(
            places_taken=models.Count(
                "enrolments", filter=Q(enrolments__state__in=Enrolment.HOLDS_PLACE)
            )
        )

    def for_listing(self):
        """Upcoming sessions with what a listing shows, in one query."""
        return self.upcoming().select_related("academy", "course").with_places_taken()

    def current_first(self):
        """Current and upcoming sessions first, the soonest at the top; then past ones, the
        latest first."""
        today = timezone.localdate()
        past = Q(ends_on__lt=today)
        return self.order_by(
            models.Case(models.When(past, then=1), default=0),
            models.Case(models.When(~past, then="starts_on")).asc(),
            models.F("starts_on").desc(),
            "title",
            "pk",
        )


def session_max_days():
    """The longest a session may last, in days (``SESSION_MAX_DAYS``, a year by default)."""
    return getattr(settings, "SESSION_MAX_DAYS", 366)


# Titles and venues are one line of text; a line break or another control character in
# them would start a new property of a calendar file or a new header of an email.
one_line = RegexValidator(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029]",
    inverse_match=True,
    message=_("Keep it to one line of text: no line breaks, tabs or other control characters."),
)


class SessionDays(Sequence):
    """The days from ``first`` to ``last``, like ``range``: their number and whether a day
    is one of them are date arithmetic, and only the days sliced out are made, so a session
    stored as lasting thousands of years costs no more than a week of it."""

    def __init__(self, first, last):
        self.first, self.last = first, last

    def __len__(self):
        return max((self.last - self.first).days + 1, 0)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.first + datetime.timedelta(days=index)

    def __contains__(self, day):
        return isinstance(day, datetime.date) and self.first <= day <= self.last


class Session(models.Model):
    """One run of a course, or an Exchange Day or peer review, at an academy."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course session")
        EXCHANGE_DAY = "exchange_day", _("Exchange Day")
        PEER_REVIEW = "peer_review", _("Peer review")

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        RESIDENTIAL = "residential", _("Residential")
        BLENDED = "blended", _("Blended")

    academy = models.ForeignKey(
        AcademyPage, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="sessions"
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text=_("Empty for an Exchange Day or a peer review."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(_("title"), max_length=255, validators=[one_line])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.RESIDENTIAL
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True, validators=[one_line])
    language = models.CharField(
        _("language"), max_length=10, choices=interface_languages, default="en"
    )
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    approval_required = models.BooleanField(_("approval required"), default=True)
    certificates_on_completion = models.BooleanField(
        _("issue certificates on completion"),
        default=True,
        help_text=_("Otherwise a coordinator issues them, one by one or for the whole session."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True, related_name="+"
    )
    admits_partners = models.BooleanField(
        _("admits partners"),
        default=True,
        help_text=_(
            "Staff of local crime-prevention services and other partner organisations may "
            "enrol, besides police officers and staff."
        ),
    )
    practice = models.ForeignKey(
        "courses.PracticePage",
        verbose_name=_("practice under review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_reviews",
        help_text=_("For a peer review: the promising practice it examines."),
    )
    practices = models.ManyToManyField(
        "courses.PracticePage",
        verbose_name=_("practices presented"),
        blank=True,
        related_name="presented_in",
        help_text=_("Promising practices taught or presented in the session."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    # RFC 5545's SEQUENCE of the session's calendar event: raised each time its dates or
    # venue change or it is cancelled, so calendars take the newest event sent.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"

    @property
    def places_left(self):
        """Free places; needs ``with_places_taken()``."""
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def takes_attendance(self):
        """Residential and blended sessions, Exchange Days and peer reviews keep a register."""
        return self.kind != self.Kind.COURSE or self.format != self.Format.ONLINE

    def days(self):
        """The days of the session, made only as they are asked for (see ``SessionDays``)."""
        return SessionDays(self.starts_on, self.ends_on)

    @property
    def day_count(self):
        return len(self.days())

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A session cannot end before it starts.")
        elif self.starts_on and self.ends_on and self.day_count > session_max_days():
            last = self.starts_on + datetime.timedelta(days=session_max_days() - 1)
            errors["ends_on"] = _(
                "A session lasts at most %(days)s days: it must end by %(last)s."
            ) % {"days": session_max_days(), "last": formats.date_format(last, "DATE_FORMAT")}
        if (
            self.enrolment_opens_at
            and self.enrolment_closes_at
            and self.enrolment_closes_at < self.enrolment_opens_at
        ):
            errors["enrolment_closes_at"] = _("Enrolment cannot close before it opens.")
        if self.kind == self.Kind.PEER_REVIEW and not self.practice_id:
            errors["practice"] = _("Choose the practice this peer review examines.")
        if self.kind == self.Kind.COURSE and not self.course_id:
            errors["course"] = _("Choose the course this session runs.")
        if (
            self.course_id
            and self.academy_id
            and not self.course.is_descendant_of(self.academy)
            and not any(
                self.course.is_descendant_of(version) for version in self.academy.get_translations()
            )
        ):
            errors["course"] = _("Choose a course of this session's academy.")
        if errors:
            raise ValidationError(errors)


class EnrolmentQuerySet(models.QuerySet):
    def for_officer(self, officer):
        return self.filter(officer=officer)

    def holding_a_place(self):
        return self.filter(state__in=Enrolment.HOLDS_PLACE)

    def requested(self):
        """Requests waiting for a coordinator's decision of the host academy (asked for
        directly, or already approved by the officer's own force)."""
        return self.filter(state__in=Enrolment.AWAITING_HOST)

    def awaiting_own_force(self):
        """Requests waiting for a training manager of the officer's own force."""
        return self.filter(state=Enrolment.State.FORCE_REQUESTED)

    def active(self):
        """Enrolments in which the officer learns (``Enrolment.ACTIVE``)."""
        return self.filter(state__in=Enrolment.ACTIVE)

    def with_required_modules_done(self):
        """Annotate ``required_modules_done``, counted by ``ModuleProgress.objects.required_done()``
        (the one definition of "required modules done"), in the same query."""
        done = (
            ModuleProgress.objects.filter(enrolment=OuterRef("pk"))
            .required_done()
            .order_by()
            .values("enrolment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(required_modules_done=Coalesce(Subquery(done), 0))


class EnrolmentRefused(Exception):
    """A state change that is not allowed, with the reason in the user's language."""


class Enrolment(models.Model):
    """An officer in a session. Its state changes only through ``set_state()``, which the
    services of ``courses.services`` call inside their transactions."""

    # How the city policy (academy.policy) reaches the enrolment's academy.
    city_path = "session__academy"

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        # When the officer's force approves its officers' requests first (issue 21):
        # waiting for the force's training manager, then for the host academy. Neither
        # holds a place: a place is held only once the host accepts.
        FORCE_REQUESTED = "force_requested", _("Awaiting own force's approval")
        FORCE_APPROVED = "force_approved", _("Approved by own force")

    # States that hold one of the session's places.
    HOLDS_PLACE = (State.REQUESTED, State.APPROVED, State.COMPLETED)
    # States in which the officer learns: approved, or already completed (they keep
    # reading the modules, and count among the session's learners).
    ACTIVE = (State.APPROVED, State.COMPLETED)
    # What an enrolment starts as: a place (to be approved or not) or the waitlist.
    INITIAL = frozenset({State.REQUESTED, State.APPROVED, State.WAITLISTED, State.FORCE_REQUESTED})
    # Requests the host academy's coordinators decide on.
    AWAITING_HOST = (State.REQUESTED, State.FORCE_APPROVED)
    # The allowed changes of state, from each state (django-oscar's order pipeline): the
    # only table of them. Rejected and completed are final; a withdrawn officer may enrol
    # again.
    PIPELINE = {
        State.REQUESTED: frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN}),
        State.APPROVED: frozenset({State.COMPLETED, State.WITHDRAWN}),
        State.WAITLISTED: frozenset({State.REQUESTED, State.APPROVED, State.WITHDRAWN}),
        State.WITHDRAWN: INITIAL,
        State.REJECTED: frozenset(),
        State.COMPLETED: frozenset(),
        # The own force decides; with its approval the request goes to the host (or, for a
        # session without approval, straight to a place or the waitlist).
        State.FORCE_REQUESTED: frozenset(
            {
                State.FORCE_APPROVED,
                State.APPROVED,
                State.WAITLISTED,
                State.REJECTED,
                State.WITHDRAWN,
            }
        ),
        # The host decides: a place if one is free, otherwise the waitlist.
        State.FORCE_APPROVED: frozenset(
            {State.APPROVED, State.WAITLISTED, State.REJECTED, State.WITHDRAWN}
        ),
    }

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrolments"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "session"], name="one_enrolment_per_officer_and_session"
            )
        ]

    def __str__(self):
        return f"{self.officer} – {self.session}"

    @property
    def is_active(self):
        """The officer may learn: approved, or already completed."""
        return self.state in self.ACTIVE

    @property
    def holds_place(self):
        return self.state in self.HOLDS_PLACE

    @property
    def is_requested(self):
        return self.state == self.State.REQUESTED

    @property
    def is_awaiting_host(self):
        """Waiting for a decision of the host academy's coordinators."""
        return self.state in self.AWAITING_HOST

    @property
    def is_awaiting_own_force(self):
        return self.state == self.State.FORCE_REQUESTED

    @property
    def is_approved(self):
        return self.state == self.State.APPROVED

    @property
    def is_waitlisted(self):
        return self.state == self.State.WAITLISTED

    @property
    def is_rejected(self):
        return self.state == self.State.REJECTED

    @property
    def is_withdrawn(self):
        return self.state == self.State.WITHDRAWN

    @property
    def is_completed(self):
        return self.state == self.State.COMPLETED

    @property
    def may_withdraw(self):
        return self.may_become(self.State.WITHDRAWN)

    def may_become(self, new):
        """Whether ``PIPELINE`` allows this enrolment to move to ``new`` (a new one: start)."""
        if self.pk is None:
            return new in self.INITIAL
        return new in self.PIPELINE.get(self.state, ())

    def set_state(self, new, *, by=None, reason=""):
        """Move the enrolment to state ``new``, the only way its state changes.

        Refuses (``EnrolmentRefused``, nothing changed) a change that ``PIPELINE`` does not
        allow; otherwise saves the enrolment (a new one is created in its first state),
        records the change with who made it and why (``EnrolmentStateChange``) and, on
        completion, sends ``enrolment_completed`` once the transaction commits. The callers
        (the services) hold the enrolment's row lock.
        """
        new = self.State(new)
        if not self.may_become(new):
            raise EnrolmentRefused(
                gettext("An enrolment cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": self.get_state_display() if self.pk else gettext("new"),
                    "new": new.label,
                }
            )
        old = self.state if self.pk else ""
        self.state, self.reason = new, reason
        if new == self.State.COMPLETED:
            self.completed_at = timezone.now()
        if self.pk is None:
            self.save()
        else:
            self.save(update_fields=["state", "reason", "completed_at", "updated_at"])
        EnrolmentStateChange.objects.create(
            enrolment=self, from_state=old, to_state=new, changed_by=by, reason=reason
        )
        if new == self.State.COMPLETED:
            transaction.on_commit(
                lambda: enrolment_completed.send(sender=Enrolment, enrolment=self)
            )
        return self


class EnrolmentStateChange(models.Model):
    """One change of an enrolment's state: from, to, who, when and why (decisions keep
    their reasons)."""

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="state_changes",
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=Enrolment.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=Enrolment.State.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("enrolment state change")
        verbose_name_plural = _("enrolment state changes")

    def __str__(self):
        return f"{self.enrolment}: {self.from_state or '–'} → {self.to_state}"


class Attendance(models.Model):
    """Whether an officer was present on one day of a session, as a trainer marked it."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "day"], name="one_mark_per_officer_and_day"
            )
        ]

    def __str__(self):
        return f"{self.enrolment.officer} {self.day:%Y-%m-%d}"


class Reminder(models.Model):
    """A reminder sent about an enrolment: each kind once, whatever runs the sending twice."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=60)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"{self.enrolment} – {self.kind}"
