"""Member forces, the people of the network, and the host-city academies."""

import datetime
from collections.abc import Sequence

from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .media import CityMediaPageForm

# European countries of the network's member forces (ISO 3166-1 alpha-2).
COUNTRIES = [
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DE", _("Germany")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("ES", _("Spain")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("GR", _("Greece")),
    ("HR", _("Croatia")),
    ("HU", _("Hungary")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("LV", _("Latvia")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SE", _("Sweden")),
    ("SI", _("Slovenia")),
    ("SK", _("Slovakia")),
]


class Force(models.Model):
    """A member police force or partner organisation of the network."""

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)

    panels = [FieldPanel("name"), FieldRowPanel([FieldPanel("city"), FieldPanel("country")])]

    class Meta:
        ordering = ["country", "city", "name"]
        verbose_name = _("force")
        verbose_name_plural = _("forces")
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="unique_force_name_per_city"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"


class UserManager(BaseUserManager):
    """Users sign in with their email address; there is no separate username."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """The address as stored: trimmed and in lower case. Mail systems treat the local part
        as case-insensitive in practice, and one mailbox must be one account."""
        return (email or "").strip().lower()

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Addresses stored before they were lower-cased may differ only by case: the
        # active, oldest account signs in rather than a MultipleObjectsReturned.
        user = (
            self.filter(email__iexact=self.normalize_email(username))
            .order_by("-is_active", "pk")
            .first()
        )
        if user is None:
            raise self.model.DoesNotExist
        return user

    def awaiting_confirmation(self):
        """Accounts opened by sign-up whose address was never confirmed."""
        return self.filter(awaiting_confirmation=True, is_active=False, last_login__isnull=True)


class User(AbstractUser):
    """Anyone who signs in: officers, staff, trainers, coordinators, network admins.

    Given and family names serve the admin's lists and sorting; ``full_name`` is
    the name exactly as it must be printed on certificates (order, accents, script).
    """

    class ParticipantType(models.TextChoices):
        OFFICER = "officer", _("Police officer")
        STAFF = "staff", _("Administrative staff")
        PARTNER = "partner", _("Partner from a crime-prevention service")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("full name on certificates"),
        max_length=200,
        help_text=_("Exactly as it must appear on your certificates."),
    )
    force = models.ForeignKey(
        Force,
        verbose_name=_("force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    participant_type = models.CharField(
        _("participant type"),
        max_length=20,
        choices=ParticipantType.choices,
        default=ParticipantType.OFFICER,
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
    )
    reminders = models.BooleanField(
        _("email me reminders"),
        default=True,
        help_text=_(
            "Sessions about to start, modules left before a session ends, certificates issued."
        ),
    )
    # Set by sign-up until the emailed link is followed: such an account belongs to nobody
    # yet, so a new sign-up or an import for its address may take it over.
    awaiting_confirmation = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="unique_user_email_ignoring_case",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.full_name or f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.get_full_name()


class OfficerImport(models.Model):
    """A coordinator's CSV import of officers, and how many of its invitations are sent
    (they go out in the background, so the import page shows how far they are)."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    officers = models.PositiveIntegerField()
    invitations_sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("officer import")
        verbose_name_plural = _("officer imports")

    def __str__(self):
        return f"{self.force} ({self.officers})"


class AcademyContentQuerySet(PageQuerySet):
    """Pages that an academy publishes, in any of the network's languages."""

    def of_academy(self, academy):
        """Pages right under an academy, under any of its language versions."""
        versions = Page.objects.filter(translation_key=academy.translation_key)
        under = Q(pk__in=[])
        for version in versions.values("path", "depth"):
            under |= Q(path__startswith=version["path"], depth=version["depth"] + 1)
        return self.filter(under)

    def in_visitors_language(self):
        """One version of each page: the active language's where it is published,
        otherwise the first version written."""
        active = Locale.get_active()
        live = self.model.objects.live()
        translated = live.filter(locale=active).values("translation_key")
        first = live.filter(translation_key=OuterRef("translation_key")).order_by("pk")
        return self.filter(
            Q(locale=active)
            | (~Q(translation_key__in=translated) & Q(pk=Subquery(first.values("pk")[:1])))
        )


class AcademyPageQuerySet(PageQuerySet):
    def staffed_by(self, user):
        """Academies where ``user`` is a coordinator or a trainer."""
        groups = user.groups.all()
        return self.filter(Q(coordinator_group__in=groups) | Q(trainer_group__in=groups)).distinct()

    def coordinated_by(self, user):
        return self.filter(coordinator_group__in=user.groups.all())

    def in_default_locale(self):
        """One academy per city: the version in the site's default language."""
        return self.filter(locale__language_code=settings.LANGUAGE_CODE)


AcademyPageManager = PageManager.from_queryset(AcademyPageQuerySet)


class AcademyPage(Page):
    """A host city's police academy: the root of everything that city publishes."""

    code = models.CharField(
        _("city code"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use three capital letters, e.g. LIS."))],
        help_text=_("Three capital letters used in certificate serials, e.g. LIS."),
    )
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    force = models.ForeignKey(
        Force,
        verbose_name=_("host force"),
        on_delete=models.PROTECT,
        related_name="academies",
    )
    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        default="en",
    )
    # Set by onboarding; they scope the city's staff to this academy.
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    coordinator_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    trainer_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AcademyPageManager()
    base_form_class = CityMediaPageForm

    # A host city comes with its groups, collection and workflow: it is created by
    # onboarding (command or admin action), never as a bare page in the page editor.
    is_creatable = False
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage", "academy.InformationPage"]

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldRowPanel([FieldPanel("code", read_only=True), FieldPanel("force")]),
                FieldPanel("default_language"),
            ],
            heading=_("City"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("address"),
            ],
            heading=_("Contact"),
        ),
    ]

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.FilterField("city")]

    class Meta:
        verbose_name = _("academy")
        verbose_name_plural = _("academies")

    def clean(self):
        super().clean()
        # Translations of an academy share its code; another academy may not.
        taken = (
            AcademyPage.objects.filter(code=self.code)
            .exclude(translation_key=self.translation_key)
            .first()
        )
        if taken:
            raise ValidationError(
                {
                    "code": _("The code %(code)s is already used by %(city)s.")
                    % {"code": self.code, "city": taken.city}
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Courses are looked up by name: the academy app does not import courses.
        course_model = apps.get_model("courses", "CoursePage")
        context["courses"] = (
            course_model.objects.for_catalogue().of_academy(self).in_visitors_language()
        )
        context["information_pages"] = (
            InformationPage.objects.live().public().of_academy(self).in_visitors_language()
        )
        context["sessions"] = Session.objects.for_listing().filter(
            academy__translation_key=self.translation_key
        )
        return context


class InformationPage(Page):
    """Practical information of an academy: venue, travel, accommodation, who to contact."""

    body = RichTextField(_("body"), blank=True)

    objects = PageManager.from_queryset(AcademyContentQuerySet)()
    base_form_class = CityMediaPageForm

    parent_page_types = ["academy.AcademyPage", "academy.InformationPage"]
    subpage_types = ["academy.InformationPage"]

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")


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

    def for_staff(self, user):
        """Sessions of the academies where ``user`` is a coordinator or a trainer."""
        if user.is_superuser:
            return self
        return self.filter(academy__in=AcademyPage.objects.staffed_by(user))


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
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
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

    def for_staff(self, user):
        """Enrolments in sessions of the academies where ``user`` is on the staff."""
        if user.is_superuser:
            return self
        return self.filter(session__academy__in=AcademyPage.objects.staffed_by(user))

    def holding_a_place(self):
        return self.filter(state__in=Enrolment.HOLDS_PLACE)


class Enrolment(models.Model):
    """An officer in a session. Its state changes only through ``academy.services``."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    # States that hold one of the session's places.
    HOLDS_PLACE = (State.REQUESTED, State.APPROVED, State.COMPLETED)
    # States in which the officer learns: approved, or already completed (they keep
    # reading the modules, and count among the session's learners).
    ACTIVE = (State.APPROVED, State.COMPLETED)

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
