"""Content made elsewhere: SCORM and H5P packages a trainer uploads for a module, what each
officer's package reports, and the xAPI statements the academy owes the network's LRS."""

import uuid

from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


def private_storage():
    """The site's private storage (``STORAGES["private"]``, as for certificates): package
    files are never under MEDIA_URL; only the package view, which checks who asks, reads them."""
    return storages["private"]


def package_archive_path(package, filename):
    return f"packages/{package.key}/archive"


class ContentPackage(index.Indexed, models.Model):
    """A SCORM 1.2, SCORM 2004 or H5P package of one academy, checked and unpacked into
    private storage. Modules play it; records of it outlive the page that plays it."""

    class Kind(models.TextChoices):
        SCORM12 = "scorm12", _("SCORM 1.2")
        SCORM2004 = "scorm2004", _("SCORM 2004")
        H5P = "h5p", _("H5P")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    academy = models.ForeignKey(
        "academy.AcademyPage",
        verbose_name=_("academy"),
        on_delete=models.PROTECT,
        related_name="content_packages",
    )
    title = models.CharField(_("title"), max_length=255)
    archive = models.FileField(
        _("package file"),
        storage=private_storage,
        upload_to=package_archive_path,
        help_text=_("A SCORM 1.2 or 2004 zip, or an .h5p file."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, editable=False)
    # What the manifest says: the SCOs (identifier, title, launch file), the mastery score
    # as a fraction (SCORM 1.2 masteryscore / 100, SCORM 2004 scaled passing score).
    scos = models.JSONField(default=list, editable=False)
    mastery_score = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, editable=False
    )
    file_count = models.PositiveIntegerField(default=0, editable=False)
    unpacked_size = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    city_path = "academy"
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("content package")
        verbose_name_plural = _("content packages")

    def __str__(self):
        return self.title

    @property
    def folder(self):
        """Where the unpacked files sit in private storage."""
        return f"packages/{self.key}/files"

    @property
    def is_scorm(self):
        return self.kind in (self.Kind.SCORM12, self.Kind.SCORM2004)

    def sco(self, identifier):
        """The SCO of that identifier, or the first one."""
        for sco in self.scos:
            if sco["identifier"] == identifier:
                return sco
        return self.scos[0] if self.scos else None


class PackageTracking(models.Model):
    """What one SCO (or H5P content) reported for one officer's enrolment, as SCORM words it.

    Statuses never go back (a completed SCO stays completed, a pass stays a pass), time is
    kept per launch of the player (``launches``: launch id -> last sequence and seconds of
    that launch), so a retried or repeated commit is counted once.
    """

    class Completion(models.TextChoices):
        UNKNOWN = "unknown", _("Not attempted")
        INCOMPLETE = "incomplete", _("Incomplete")
        COMPLETED = "completed", _("Completed")

    class Success(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        FAILED = "failed", _("Failed")
        PASSED = "passed", _("Passed")

    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.PROTECT, related_name="package_tracking"
    )
    module = models.ForeignKey("courses.ModulePage", on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(ContentPackage, on_delete=models.PROTECT, related_name="tracking")
    sco = models.CharField(max_length=255)
    completion_status = models.CharField(
        max_length=10, choices=Completion.choices, default=Completion.UNKNOWN
    )
    success_status = models.CharField(
        max_length=10, choices=Success.choices, default=Success.UNKNOWN
    )
    score_scaled = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    score_raw = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    launches = models.JSONField(default=dict)
    seconds_spent = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("package tracking")
        verbose_name_plural = _("package tracking")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module", "sco"], name="one_tracking_per_enrolment_module_sco"
            )
        ]

    def __str__(self):
        return f"{self.enrolment_id} – {self.module_id} – {self.sco}"

    @property
    def is_done(self):
        """What a module counts as done: completed, and not failed."""
        return (
            self.completion_status == self.Completion.COMPLETED
            and self.success_status != self.Success.FAILED
        )


class Statement(models.Model):
    """An xAPI statement waiting for (or already taken by) the network's LRS.

    Sent in the order they were made (``pk``), each with its own id, so that sending one
    again after a failure changes nothing at the LRS.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")

    statement_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["state", "id"], name="statement_state_seq")]

    def __str__(self):
        return str(self.statement_id)
