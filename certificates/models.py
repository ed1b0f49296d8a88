"""Certificate templates of each academy, and the certificates it issues."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from PIL import Image as PILImage
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, PreviewableMixin

from academy.languages import interface_languages
from academy.models import AcademyPage
from academy.printing import validate_printable_name
from courses.models import Enrolment

from .forms import SignatureInput
from .storage import certificate_path, private_storage, signature_path

# What a template's title and text may say about the certificate, as {placeholder}.
PLACEHOLDERS = {
    "name": _("the officer's name as on certificates"),
    "course": _("the course or event"),
    "dates": _("the session's dates"),
    "hours": _("CPD hours"),
    "city": _("the academy's city"),
    "academy": _("the academy"),
    "date": _("the date of issue"),
    "serial": _("the serial number"),
}
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})


def validate_placeholders(text):
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(unknown)s. Use only: %(known)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        )


SIGNATURE_FORMATS = {"PNG", "JPEG"}
SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_SIDE = 3000


def validate_signature_image(file):
    """A signature is a PNG or JPEG picture of at most 1 MB and 3,000 pixels a side (it
    prints about 600 pixels wide; anything bigger only slows every certificate down)."""
    if getattr(file, "_committed", True):
        return  # already stored: it was checked when it was uploaded
    if file.size > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("The signature image is larger than 1 MB: make it smaller."))
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            kind, (width, height) = image.format, image.size
    except (OSError, PILImage.DecompressionBombError) as error:
        raise ValidationError(_("Upload the signature as a PNG or JPEG picture.")) from error
    finally:
        file.seek(0)
    if kind not in SIGNATURE_FORMATS:
        raise ValidationError(_("Upload the signature as a PNG or JPEG picture."))
    if max(width, height) > SIGNATURE_MAX_SIDE:
        raise ValidationError(
            _("The signature is %(width)s × %(height)s pixels: keep each side under %(most)s.")
            % {"width": width, "height": height, "most": SIGNATURE_MAX_SIDE}
        )


class CertificateTemplate(PreviewableMixin, ClusterableModel):
    """How an academy's certificates look and what they say, in each language."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("Completion of a course")
        ATTENDANCE = "attendance", _("Attendance (Exchange Days and peer reviews)")

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape")
        PORTRAIT = "portrait", _("Portrait")

    academy = models.ForeignKey(
        AcademyPage,
        verbose_name=_("academy"),
        on_delete=models.PROTECT,
        related_name="certificate_templates",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For the coordinators only."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPLETION)
    orientation = models.CharField(
        _("orientation"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#0b2545",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #0b2545."))],
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to use the academy's logo."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "For training that must be refreshed (first aid, use of force): the certificate "
            "expires this many months after it is issued. Leave empty: it never expires."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("academy"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("orientation")]),
        FieldRowPanel([FieldPanel("accent_colour"), FieldPanel("logo")]),
        FieldPanel("validity_months"),
        InlinePanel(
            "texts",
            heading=_("Texts"),
            label=_("Text in one language"),
            min_num=1,
            help_text=_(
                "Placeholders: {name}, {course}, {dates}, {hours}, {city}, {academy}, {date}, "
                "{serial}. A certificate is printed in the officer's language: with this "
                "template's text in that language, or else with the network's standard text."
            ),
        ),
        InlinePanel("signatories", heading=_("Signatories"), label=_("Signatory"), max_num=3),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["academy__title", "name"]

    def __str__(self):
        return self.name

    def get_preview_template(self, request, mode_name):
        return "certificates/certificate.html"

    def serve_preview(self, request, mode_name):
        from .services import preview_pdf

        return preview_pdf(self, request)


class CertificateText(Orderable):
    template = ParentalKey(CertificateTemplate, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=interface_languages)
    title = models.CharField(
        _("title"), max_length=200, validators=[validate_placeholders], default="Certificate"
    )
    body = models.TextField(
        _("text"),
        validators=[validate_placeholders],
        help_text=_("e.g. {name} completed {course} at {academy} on {dates} ({hours} CPD hours)."),
    )

    panels = [FieldRowPanel([FieldPanel("language"), FieldPanel("title")]), FieldPanel("body")]

    class Meta(Orderable.Meta):
        verbose_name = _("text")
        verbose_name_plural = _("texts")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="one_certificate_text_per_language"
            )
        ]


class Signatory(Orderable):
    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable_name])
    function = models.CharField(_("function"), max_length=200, validators=[validate_printable_name])
    signature = models.ImageField(
        _("signature image"),
        storage=private_storage,
        upload_to=signature_path,
        max_length=200,
        blank=True,
        validators=[
            FileExtensionValidator(["png", "jpg", "jpeg"]),
            validate_signature_image,
        ],
        help_text=_("A PNG or JPEG picture of the signature, at most 1 MB, kept private."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("function")]),
        FieldPanel("signature", widget=SignatureInput),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")


class SerialCounter(models.Model):
    """The last serial number an academy gave in a year; locked while a certificate is issued,
    so that numbers are unique and have no gaps."""

    academy = models.ForeignKey(AcademyPage, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["academy", "year"], name="one_counter_per_academy_year")
        ]

    def __str__(self):
        return f"{self.academy_id}-{self.year}: {self.last_number}"


class SerialNumber(models.Model):
    """A serial number an academy has given, and what became of it: the register an auditor
    reads. A number is taken in a short transaction, then the certificate is printed and
    signed outside any lock (so that an academy's certificates are printed in parallel):
    ``printing`` until it is kept, ``issued`` then, or ``void`` with the reason when the
    print failed. A number is never given twice nor skipped; a print that dies on the way
    (a worker lost) leaves its number ``printing``, and the next try for that enrolment
    takes it up."""

    class State(models.TextChoices):
        PRINTING = "printing", _("being printed")
        ISSUED = "issued", _("issued")
        VOID = "void", _("void")

    academy = models.ForeignKey(
        AcademyPage, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    # Given with the number, printed on the certificate: a retry prints the same.
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    # (None for numbers given before status lists: their certificates get one when signed.)
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True)
    issued_on = models.DateField(_("date"))
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    void_reason = models.TextField(_("why it is void"), blank=True)
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["academy", "-year", "-number"]
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["academy", "year", "number"], name="one_serial_number_given_per_year"
            ),
            models.UniqueConstraint(
                fields=["academy", "status_index"], name="one_status_bit_per_serial_number"
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(state="printing"),
                name="one_number_printing_per_enrolment",
            ),
        ]

    def __str__(self):
        return self.serial


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True, superseded_at__isnull=True)

    def expiring_between(self, first_day, last_day):
        """Valid certificates whose validity ends between the two days (both included)."""
        return self.valid().filter(valid_until__range=(first_day, last_day))

    def for_officer(self, officer):
        return self.filter(enrolment__officer=officer)


class Certificate(models.Model):
    """A certificate as issued: what it printed, the PDF, and whether it still holds."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    academy = models.ForeignKey(
        AcademyPage, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=interface_languages)
    snapshot = models.JSONField(_("as printed"))
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=certificate_path, max_length=200
    )
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )

    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Set when the template gives a validity in months."),
    )
    # The certificate's bit in its academy's status list (random, unused; see StatusList).
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True)
    # The Open Badges 3.0 credential as signed, in its two forms (Data Integrity and VC-JWT).
    credential = models.JSONField(_("Open Badges credential"), null=True, blank=True)
    credential_jwt = models.TextField(_("Open Badges credential (JWT)"), blank=True)

    objects = CertificateQuerySet.as_manager()
    # Not in Wagtail's reference index ("usage" of a template): thousands of rows, each
    # written once, would queue a task per certificate for a listing nobody reads.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["academy", "year", "number"], name="one_serial_number_per_academy_year"
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(revoked_at__isnull=True, superseded_at__isnull=True),
                name="one_valid_certificate_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["academy", "status_index"], name="one_status_bit_per_certificate"
            ),
        ]

    def __str__(self):
        return self.serial

    @property
    def status(self):
        if self.superseded_at:
            return self.Status.SUPERSEDED
        if self.revoked_at:
            return self.Status.REVOKED
        return self.Status.VALID

    def get_status_display(self):
        return self.Status(self.status).label

    @property
    def is_valid(self):
        return self.status == self.Status.VALID

    @property
    def is_expired(self):
        return bool(self.valid_until and self.valid_until < timezone.localdate())

    @property
    def grouped_code(self):
        """The code as printed, in groups of four, easier to type."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class CertificateBatch(models.Model):
    """A coordinator's request to issue the certificates of a whole session, and its progress."""

    session = models.ForeignKey(
        "courses.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="certificate_batches",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # Task workers share a batch in parts (certificates.services.issue_batch_part): how many,
    # and what each part has done so far, by its number. A part run again overwrites its
    # own entry, so the counts above stay exact.
    parts = models.PositiveIntegerField(default=0)
    progress_of_parts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.session} ({self.issued}/{self.total})"

    @property
    def percent(self):
        if not self.total:
            return 100 if self.finished_at else 0
        return round(100 * (self.issued + self.failed) / self.total)


class IssuerKey(models.Model):
    """A public signing key of an academy (Ed25519), listed in its did:web document.

    The private key is never here: the key source (``certificates.keys``) holds it under
    ``key_id``. A key stops signing when the next one is made (``retired_at``) and stays listed
    while credentials signed with it may still be valid; it is withdrawn (no longer listed, no
    longer trusted) only when it leaked or all its credentials have expired.
    """

    academy = models.ForeignKey(
        AcademyPage, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="+"
    )
    key_id = models.CharField(_("key id"), max_length=40)
    public_key = models.CharField(_("public key (multibase)"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("stopped signing"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["academy_id", "created_at"]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [
            models.UniqueConstraint(fields=["academy", "key_id"], name="one_key_id_per_academy"),
            models.UniqueConstraint(
                fields=["academy"],
                condition=Q(retired_at__isnull=True),
                name="one_signing_key_per_academy",
            ),
        ]

    def __str__(self):
        return f"{self.academy_id}#{self.key_id}"


class StatusList(models.Model):
    """An academy's W3C Bitstring Status List: one bit per certificate, set when it is revoked
    or superseded. Published signed, so that anyone can check a credential, even offline."""

    # At least 131,072 entries (16 KB), so that one credential's index says nothing.
    SIZE = 131_072

    academy = models.OneToOneField(
        AcademyPage, verbose_name=_("academy"), on_delete=models.PROTECT, related_name="+"
    )
    bits = models.BinaryField(_("bits"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self):
        return f"{self.academy_id} ({self.updated_at:%Y-%m-%d %H:%M})"

    def is_set(self, index):
        return bool(bytes(self.bits)[index // 8] & (0x80 >> (index % 8)))

    def set(self, index):
        """Set a bit (the first index is the left-most bit of the first byte, as the spec says)."""
        bits = bytearray(self.bits)
        bits[index // 8] |= 0x80 >> (index % 8)
        self.bits = bytes(bits)
