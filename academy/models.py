"""Member forces, the academy profiles of people, and the host-city academies."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .languages import content_languages, interface_languages
from .media import CityMediaPageForm
from .printing import validate_printable_name
from .routing import DirectRoutingMixin

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
    requires_own_approval = models.BooleanField(
        _("requires its own approval"),
        default=False,
        help_text=_(
            "The force's training managers approve each request of its officers for a session "
            "of another city before the host academy decides."
        ),
    )
    # Set by onboarding (``onboard_force``): the force's training managers.
    training_manager_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
        FieldPanel("requires_own_approval"),
    ]

    class Meta:
        ordering = ["country", "city", "name"]
        verbose_name = _("force")
        verbose_name_plural = _("forces")
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="unique_force_name_per_city"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"


class ProfileManager(models.Manager):
    def for_user(self, user):
        """The academy profile of ``user``, made on first need.

        Race-free: the profile's one-to-one key is unique, so of two requests that make it
        at once one inserts and the other reads the row it made (``get_or_create`` retries
        the read after the IntegrityError). The user keeps the profile in its cache."""
        try:
            return user.academy_profile
        except Profile.DoesNotExist:
            pass
        profile, _created = self.get_or_create(
            user=user, defaults={"preferred_language": default_language()}
        )
        user.academy_profile = profile
        return profile


def default_language():
    """The site's language where it is one of its languages (a site may set LANGUAGE_CODE
    to a regional variant, such as en-us, that its LANGUAGES do not list)."""
    codes = [code for code, _name in settings.LANGUAGES]
    if settings.LANGUAGE_CODE in codes:
        return settings.LANGUAGE_CODE
    return get_supported_language_variant(settings.LANGUAGE_CODE)


class Profile(models.Model):
    """What the academy keeps of a person, whatever the site's user model: the name printed
    on their certificates, their force, what they are, their language and reminders.

    Made on first need (``Profile.objects.for_user(user)``); the user model of the site
    keeps signing in, addresses and passwords.
    """

    class ParticipantType(models.TextChoices):
        OFFICER = "officer", _("Police officer")
        STAFF = "staff", _("Administrative staff")
        PARTNER = "partner", _("Partner from a crime-prevention service")
        OTHER_PARTNER = "other_partner", _("Other partner organisation")

    # Participants who are not of a police force: sessions say whether they admit them,
    # and reports count them apart.
    PARTNER_TYPES = frozenset({ParticipantType.PARTNER, ParticipantType.OTHER_PARTNER})

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_profile"
    )
    full_name = models.CharField(
        _("full name on certificates"),
        max_length=200,
        blank=True,
        help_text=_("Exactly as it must appear on your certificates."),
        validators=[validate_printable_name],
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
        default=default_language,
    )
    reminders = models.BooleanField(
        _("email me reminders"),
        default=True,
        help_text=_(
            "Sessions about to start, modules left before a session ends, certificates issued."
        ),
    )

    objects = ProfileManager()

    class Meta:
        verbose_name = _("academy profile")
        verbose_name_plural = _("academy profiles")

    def __str__(self):
        return self.name_on_certificates

    @property
    def is_partner(self):
        return self.participant_type in self.PARTNER_TYPES

    @property
    def name_on_certificates(self):
        """The name as a certificate prints it: the one the person gave, otherwise the
        account's full name, otherwise how the account signs in."""
        return self.full_name or self.user.get_full_name() or self.user.get_username()


def profile_of(user):
    """The profile already loaded with ``user`` (``select_related("academy_profile")``), or
    ``None`` when it has none yet; never a query of its own once loaded."""
    try:
        return user.academy_profile
    except Profile.DoesNotExist:
        return None


def address_of(user):
    """The address of ``user``, in whatever field the site's user model keeps it."""
    return getattr(user, user.get_email_field_name(), "") if user else ""


def name_on_certificates(user):
    """The name of ``user`` as certificates, registers and reports print it."""
    profile = profile_of(user)
    if profile is not None and profile.full_name:
        return profile.full_name
    return user.get_full_name() or user.get_username()


def language_of(user):
    """The language the academy writes to ``user`` in."""
    profile = profile_of(user)
    return profile.preferred_language if profile is not None else default_language()


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


class AcademyPage(DirectRoutingMixin, Page):
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
    # The same for every visitor not signed in: served from the cache (academy.page_cache).
    cache_for_visitors = True

    # A host city comes with its groups, collection and workflow: it is created by
    # onboarding (command or admin action), never as a bare page in the page editor.
    is_creatable = False
    # The plugin knows no site's page types: a site names where its academies may sit
    # (this network's site: under its home page); by default, under any page.
    parent_page_types = getattr(settings, "ACADEMY_PARENT_PAGE_TYPES", None)
    subpage_types = ["courses.CoursePage", "courses.PracticePage", "academy.InformationPage"]

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
        context["information_pages"] = (
            InformationPage.objects.live().public().of_academy(self).in_visitors_language()
        )
        # The apps built on the core add what they show of the academy (courses adds its
        # courses and sessions): the core imports none of them.
        for extend in hooks.get_hooks("academy_page_context"):
            context.update(extend(self, request))
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


class SentEmail(models.Model):
    """An e-mail the academy sent to a person (``mail.send_to``): what and when, never the
    text (My data lists them; ``EMAIL_LOG_DAYS`` keeps them that long)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    template = models.CharField(_("kind"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("e-mail sent")
        verbose_name_plural = _("e-mails sent")

    def __str__(self):
        return f"{self.template} ({self.sent_at:%Y-%m-%d})"


class ErasureRequest(models.Model):
    """An officer's request that the academy erase their personal data, and what became of
    it: a network admin (the controller) confirms it, or the retention of inactive accounts
    erases without one. The request outlives the erasure, naming nobody."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ERASED = "erased", _("Erased")
        DECLINED = "declined", _("Declined")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the request was made, so that the admin's list names the person until the
    # erasure clears it.
    person_label = models.CharField(_("person"), max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self):
        return self.person_label or str(_("erased person"))


class DataAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The record of who looked is append-only.")

    def delete(self):
        raise TypeError("The record of who looked is append-only.")


class DataAccess(models.Model):
    """A staff member looked at or exported an officer's personal data: who, when, what and
    why. Append-only: nobody edits or deletes these (the admin has no view that would)."""

    class Purpose(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")

    # An account deleted later (a sign-up never confirmed, say) leaves its entries, naming
    # no one: erasure pseudonymises accounts rather than deleting them.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    academy = models.ForeignKey(
        AcademyPage,
        verbose_name=_("academy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    what = models.CharField(_("what"), max_length=100)
    purpose = models.CharField(_("why"), max_length=10, choices=Purpose.choices)

    objects = DataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")

    def __str__(self):
        return f"{self.what} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The record of who looked is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The record of who looked is append-only.")


class GlossaryTerm(index.Indexed, models.Model):
    """A term of the network's shared vocabulary of policing: its definition, its
    equivalents in the network's languages and the member forces whose cities use it.
    Network admins keep the glossary (model permissions: no city group has them)."""

    term = models.CharField(_("term (English)"), max_length=200, unique=True)
    definition = models.TextField(_("definition"))
    term_fr = models.CharField(_("French"), max_length=200, blank=True)
    term_nl = models.CharField(_("Dutch"), max_length=200, blank=True)
    term_es = models.CharField(_("Spanish"), max_length=200, blank=True)
    term_pt = models.CharField(_("Portuguese"), max_length=200, blank=True)
    forces = models.ManyToManyField(
        Force,
        verbose_name=_("used by"),
        blank=True,
        related_name="glossary_terms",
        help_text=_("The member forces whose cities use the term."),
    )

    panels = [
        FieldPanel("term"),
        FieldPanel("definition"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("term_fr"), FieldPanel("term_nl")]),
                FieldRowPanel([FieldPanel("term_es"), FieldPanel("term_pt")]),
            ],
            heading=_("Equivalents"),
        ),
        FieldPanel("forces"),
    ]
    search_fields = [
        index.SearchField("term"),
        index.AutocompleteField("term"),
        index.SearchField("definition"),
        index.SearchField("term_fr"),
        index.SearchField("term_nl"),
        index.SearchField("term_es"),
        index.SearchField("term_pt"),
    ]

    # The languages of the equivalents, in the network's order.
    LANGUAGES = ("en", "fr", "nl", "es", "pt")

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term

    def in_language(self, code):
        """The term in language ``code`` (the English term where none is given)."""
        if code == "en":
            return self.term
        return getattr(self, f"term_{code}", "") or self.term

    def equivalents(self):
        """(language code, term) for each language the term has an equivalent in."""
        return [
            (code, self.term if code == "en" else getattr(self, f"term_{code}"))
            for code in self.LANGUAGES
            if code == "en" or getattr(self, f"term_{code}")
        ]

    def cities(self):
        return sorted({force.city for force in self.forces.all()})

    @property
    def glossary_value(self):
        """What the glossary block's template takes: the term as a block value."""
        return {"term": self}
