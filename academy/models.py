"""Member forces, the people of the network, and the host-city academies."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .languages import content_languages, interface_languages
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
        choices=interface_languages,
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
        # Wagtail's variant of LANGUAGE_CODE ("en-us" is stored as "en"), without a query.
        return self.filter(
            locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )


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
        choices=content_languages,
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
        context["sessions"] = (
            apps.get_model("courses", "Session")
            .objects.for_listing()
            .filter(academy__translation_key=self.translation_key)
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
