"""The network's site: its user model (signing in by e-mail) and its home page."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page

from academy.models import AcademyPage
from academy.routing import DirectRoutingMixin
from courses.models import CoursePage, Session, attach_academies

LOGO_FILTER = "fill-96x96"


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
    """Anyone who signs in to the network's site: officers, staff, trainers, coordinators,
    network admins. They sign in with their email address; what the academy keeps of them
    (the name on certificates, force, language) is the plugin's profile, not here."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    # Set by sign-up until the emailed link is followed: such an account belongs to nobody
    # yet, so a new sign-up or an import for its address may take it over.
    awaiting_confirmation = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
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
        return super().get_full_name() or self.email

    def get_short_name(self):
        return self.first_name or self.get_full_name()


class HomePage(DirectRoutingMixin, Page):
    """The EU-POLNET network: introduces the network and lists its host-city academies."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["academy.AcademyPage", "home.PrivacyNoticePage"]

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


NOTICE_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class PrivacyNoticePage(Page):
    """The network's privacy notice, one per network (under its home page), translated like
    every page. How long records are kept comes from the site's retention settings, and the
    cookies the site sets are listed by the template: neither can drift from the truth."""

    controller = RichTextField(_("controller"), features=NOTICE_FEATURES)
    purposes = RichTextField(_("purposes"), features=NOTICE_FEATURES)
    legal_bases = RichTextField(_("legal bases"), features=NOTICE_FEATURES)
    recipients = RichTextField(
        _("recipients"),
        features=NOTICE_FEATURES,
        help_text=_("Who receives the data: the host cities' academies, the network's staff."),
    )
    rights = RichTextField(_("your rights"), features=NOTICE_FEATURES)
    contact = RichTextField(_("contact"), features=NOTICE_FEATURES)

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    content_panels = [
        *Page.content_panels,
        FieldPanel("controller"),
        FieldPanel("purposes"),
        FieldPanel("legal_bases"),
        FieldPanel("recipients"),
        FieldPanel("rights"),
        FieldPanel("contact"),
    ]

    class Meta:
        verbose_name = _("privacy notice")

    def get_context(self, request, *args, **kwargs):
        from academy.personal_data import registry

        context = super().get_context(request, *args, **kwargs)
        context["retention"] = list(registry.retention.values())
        return context
