"""Domain operations of the academy app."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import AcademyPage, Force

# What each role of a city may do on that city's page subtree. Trainers draft and
# submit; only coordinators publish (through the city's moderation workflow).
PAGE_PERMISSIONS = {
    "coordinators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "trainers": ["add_page", "change_page", "lock_page"],
}
# On the city's collection of images and documents.
COLLECTION_PERMISSIONS = {
    "coordinators": [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtaildocs.delete_document",
    ],
    "trainers": [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}
# Model permissions; the records themselves are scoped to the city by their viewsets.
MODEL_PERMISSIONS = {
    "coordinators": [
        "wagtailadmin.access_admin",
        "simple_translation.submit_translation",
        "courses.add_session",
        "courses.change_session",
        "courses.delete_session",
        "courses.view_session",
    ],
    "trainers": [
        "wagtailadmin.access_admin",
        "simple_translation.submit_translation",
        "courses.view_session",
    ],
}
# Wagtail's first migrations give these groups rights on the root page and the root
# collection, that is over every city; onboarding leaves them with none.
WAGTAIL_STARTER_GROUPS = ["Editors", "Moderators"]


@dataclass
class Onboarding:
    academy: AcademyPage
    coordinator_group: Group
    trainer_group: Group
    collection: Collection
    workflow: Workflow
    created: list = field(default_factory=list)


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _network_home():
    site = Site.objects.select_related("root_page").get(is_default_site=True)
    return site.root_page.specific


def publish_under(parent, page):
    """Add ``page`` under ``parent`` in the page tree and publish its first revision."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def onboard_city(*, city, country, code, academy_name, default_language="en", force=None):
    """Set up a host city: its AcademyPage, collection, staff groups and moderation workflow.

    Idempotent: what already exists is left as it is and only what is missing is
    created, so running it twice changes nothing. Raises ``ValidationError`` when the
    code belongs to another city.
    """
    created = []
    _withdraw_wagtail_starter_rights()
    academy = AcademyPage.objects.filter(code=code).order_by("pk").first()
    if academy is not None and academy.city != city:
        raise ValidationError(
            {
                "code": _("The code %(code)s is already used by %(city)s.")
                % {"code": code, "city": academy.city}
            }
        )

    if academy is None:
        if force is None:
            force, force_created = Force.objects.get_or_create(
                name=academy_name, city=city, defaults={"country": country}
            )
            if force_created:
                created.append(_("force %(name)s") % {"name": force})
        home = _network_home()
        academy = AcademyPage(
            title=academy_name,
            slug=slugify(city),
            code=code,
            city=city,
            country=country,
            force=force,
            default_language=default_language,
            locale=home.locale,
        )
        if not AcademyPage.can_exist_under(home):
            raise ValidationError(_("The site's root page is not the network home page."))
        if home.get_children().filter(slug=academy.slug).exists():
            raise ValidationError(
                {
                    "city": _("A page with the address /%(slug)s/ already exists.")
                    % {"slug": academy.slug}
                }
            )
        publish_under(home, academy)
        created.append(_("academy page %(title)s") % {"title": academy.title})

    collection = academy.collection
    if collection is None:
        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name=city).first()
        if collection is None:
            collection = root.add_child(name=city)
            created.append(_("collection %(name)s") % {"name": city})

    # Names of groups, workflows and tasks stay in English whatever the admin's language,
    # so that a second run finds what the first one made.
    groups = {}
    for role, group_name in (
        ("coordinators", f"{city} coordinators"),
        ("trainers", f"{city} trainers"),
    ):
        stored = academy.coordinator_group if role == "coordinators" else academy.trainer_group
        group = stored or Group.objects.filter(name=group_name).first()
        if group is None:
            group = Group.objects.create(name=group_name)
            created.append(_("group %(name)s") % {"name": group_name})
        groups[role] = group
        _grant(group, academy, collection, role)

    workflow = _moderation_workflow(academy, city, groups["coordinators"], created)
    links = {
        "collection": collection,
        "coordinator_group": groups["coordinators"],
        "trainer_group": groups["trainers"],
    }
    _record_links(academy, links)
    # Every content language gets a tree of its own (Wagtail i18n): the academy is
    # mirrored there as an alias, so that courses can be translated under it.
    for locale in Locale.objects.exclude(pk=academy.locale_id):
        if academy.get_translation_or_none(locale) is None:
            academy.copy_for_translation(locale, copy_parents=True, alias=True)
            created.append(_("%(language)s version") % {"language": locale.get_display_name()})
    for translation in academy.get_translations():
        _cover_translation(translation.specific, groups, collection, workflow)

    return Onboarding(
        academy=academy,
        coordinator_group=groups["coordinators"],
        trainer_group=groups["trainers"],
        collection=collection,
        workflow=workflow,
        created=created,
    )


# What a force's training managers may do: open the admin, where they see their officers'
# requests and records only (``academy.policy.scope_to_managed_forces``).
TRAINING_MANAGER_PERMISSIONS = ["wagtailadmin.access_admin"]


@dataclass
class ForceOnboarding:
    force: Force
    training_manager_group: Group
    created: list = field(default_factory=list)


def training_manager_group_name(force):
    """The group's name, in English whatever the admin's language (a second run finds it);
    cut to the length of a group's name."""
    return f"{force.name} ({force.city}) training managers"[:150]


@transaction.atomic
def onboard_force(force, *, requires_own_approval=None):
    """Give a member force its role of training managers (a group scoped to the force's
    officers by the policy). Idempotent: a second run changes nothing. With
    ``requires_own_approval`` (True or False), says whether the force approves its officers'
    requests to other cities first."""
    force = Force.objects.select_for_update().get(pk=force.pk)
    created = []
    group = force.training_manager_group
    if group is None:
        name = training_manager_group_name(force)
        group, group_created = Group.objects.get_or_create(name=name)
        if group_created:
            created.append(_("group %(name)s") % {"name": name})
    group.permissions.add(*(_permission(dotted) for dotted in TRAINING_MANAGER_PERMISSIONS))
    changed = []
    if force.training_manager_group_id != group.pk:
        force.training_manager_group = group
        changed.append("training_manager_group")
    if requires_own_approval is not None and force.requires_own_approval != requires_own_approval:
        force.requires_own_approval = requires_own_approval
        changed.append("requires_own_approval")
    if changed:
        force.save(update_fields=changed)
    return ForceOnboarding(force=force, training_manager_group=group, created=created)


def _withdraw_wagtail_starter_rights():
    """Wagtail's starter groups grant nothing: rights come from a city's own groups only.

    Their default workflow, which asks them to approve, ends with them."""
    groups = list(Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS))
    GroupPagePermission.objects.filter(group__in=groups).delete()
    GroupCollectionPermission.objects.filter(group__in=groups).delete()
    for group in groups:
        group.permissions.clear()
    ended = []
    for task in GroupApprovalTask.objects.filter(groups__in=groups).distinct():
        task.groups.remove(*groups)
        if not task.groups.exists():
            task.deactivate()
            ended.append(task)
    # A workflow ends when none of its tasks has anyone left to approve.
    workflows = Workflow.objects.filter(active=True, workflow_tasks__task__in=ended).distinct()
    for workflow in workflows.exclude(workflow_tasks__task__active=True):
        workflow.deactivate()


def _record_links(academy, links):
    """Store the city's groups and collection on the academy, without a new revision."""
    changed = {name for name, value in links.items() if getattr(academy, f"{name}_id") != value.pk}
    if changed:
        AcademyPage.objects.filter(translation_key=academy.translation_key).update(
            **{name: links[name] for name in changed}
        )
        for name in changed:
            setattr(academy, name, links[name])


def _cover_translation(translation, groups, collection, workflow):
    """A translation of an academy is its own page tree: give it the city's rules too."""
    for role, group in groups.items():
        _grant(group, translation, collection, role)
    WorkflowPage.objects.get_or_create(page=translation, defaults={"workflow": workflow})


def extend_city_to_translation(translation):
    """Apply an onboarded city's permissions and workflow to a new translation of its academy.

    Called when Wagtail copies an academy page into another locale. Does nothing for a
    translation of an academy that was never onboarded.
    """
    if not (translation.coordinator_group and translation.trainer_group):
        return
    original = (
        WorkflowPage.objects.filter(page__translation_key=translation.translation_key)
        .select_related("workflow")
        .exclude(page=translation)
        .first()
    )
    if original is None:
        return
    groups = {"coordinators": translation.coordinator_group, "trainers": translation.trainer_group}
    _cover_translation(translation, groups, translation.collection, original.workflow)


def _grant(group, academy, collection, role):
    for codename in PAGE_PERMISSIONS[role]:
        GroupPagePermission.objects.get_or_create(
            group=group, page=academy, permission=_permission(f"wagtailcore.{codename}")
        )
    for dotted in COLLECTION_PERMISSIONS[role]:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(dotted)
        )
    # Rights of the apps the site has: a single-language site has no simple_translation.
    installed = {config.label for config in apps.get_app_configs()}
    group.permissions.add(
        *(
            _permission(dotted)
            for dotted in MODEL_PERMISSIONS[role]
            if dotted.split(".")[0] in installed
        )
    )


def _moderation_workflow(academy, city, coordinators, created):
    existing = WorkflowPage.objects.filter(page=academy).select_related("workflow").first()
    if existing:
        return existing.workflow
    workflow_name = f"{city} moderation"
    workflow, workflow_created = Workflow.objects.get_or_create(name=workflow_name)
    if workflow_created:
        created.append(_("workflow %(name)s") % {"name": workflow_name})
    task_name = f"Approval by {city} coordinators"
    task, _created = GroupApprovalTask.objects.get_or_create(name=task_name)
    task.groups.add(coordinators)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.create(page=academy, workflow=workflow)
    return workflow
