"""What the academy core, and the Wagtail it is built on, hold about a person
(see ``academy.personal_data``)."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry

from .models import SentEmail
from .personal_data import DELETE, KEEP, Holding, RetentionRule, add_retention, register


def unset(field):
    """Erase by forgetting who did it: the record stays, without the person."""
    return {field: None}


def log_entries_about(users):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id__in=[str(pk) for pk in users.values_list("pk", flat=True)],
    )


register(
    Holding(
        "academy.Profile",
        person="user",
        title=_("Profile"),
        export=(
            "full_name",
            "force__name",
            "participant_type",
            "preferred_language",
            "reminders",
        ),
        erase={"full_name": ""},
        order=10,
    ),
    Holding(
        "academy.SentEmail",
        person="recipient",
        title=_("E-mails sent to you"),
        export=("sent_at", "subject", "template"),
        erase=DELETE,
        order=80,
    ),
    Holding(
        "academy.ErasureRequest",
        person="person",
        title=_("Erasure requests"),
        export=("requested_at", "state", "decided_at"),
        erase={"person_label": ""},
        order=90,
    ),
    Holding("academy.ErasureRequest", person="decided_by", erase=KEEP),
    # Who looked at whose data stays, as the audit trail the erasure answers to: it names
    # no one, its keys point at the pseudonymised accounts.
    Holding(
        "academy.DataAccess",
        person="officer",
        title=_("Staff who looked at your record"),
        export=("at", "academy__title", "what", "purpose"),
        erase=KEEP,
        order=95,
    ),
    Holding("academy.DataAccess", person="staff", erase=KEEP),
    Holding("academy.OfficerImport", person="imported_by", erase=unset("imported_by")),
    # Wagtail's own records: preferences and editing state go, authorship is forgotten.
    Holding("wagtailusers.UserProfile", person="user", erase=DELETE),
    Holding("wagtailadmin.EditingSession", person="user", erase=DELETE),
    Holding("wagtailadmin.FormState", person="user", erase=DELETE),
    Holding("wagtailcore.APIToken", person="user", erase=DELETE),
    Holding("wagtailcore.UploadedFile", person="uploaded_by_user", erase=DELETE),
    Holding("wagtaildocs.Document", person="uploaded_by_user", erase=unset("uploaded_by_user")),
    Holding("wagtailimages.Image", person="uploaded_by_user", erase=unset("uploaded_by_user")),
    Holding("wagtailcore.Revision", person="user", erase=unset("user")),
    Holding("wagtailcore.Page", person="owner", erase=unset("owner")),
    Holding("wagtailcore.Page", person="locked_by", erase=unset("locked_by")),
    Holding("wagtailcore.WorkflowState", person="requested_by", erase=unset("requested_by")),
    Holding("wagtailcore.TaskState", person="finished_by", erase=unset("finished_by")),
    Holding("wagtailcore.Comment", person="user", erase=DELETE),
    Holding("wagtailcore.Comment", person="resolved_by", erase=unset("resolved_by")),
    Holding("wagtailcore.CommentReply", person="user", erase=DELETE),
    Holding("wagtailcore.PageSubscription", person="user", erase=DELETE),
    Holding("wagtailcore.PageLogEntry", person="user", erase=unset("user")),
    Holding("wagtailcore.ModelLogEntry", person="user", erase=unset("user")),
    # The admin's history of an account (its label is the person's name) goes with it.
    Holding("wagtailcore.ModelLogEntry", rows=log_entries_about, erase=DELETE),
)

add_retention(
    RetentionRule(
        name="email_log",
        label=_("Record of e-mails sent"),
        setting="EMAIL_LOG_DAYS",
        default=365,
        due=lambda before: SentEmail.objects.filter(sent_at__lt=before),
    )
)
