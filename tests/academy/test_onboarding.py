import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from academy.models import AcademyPage, Force
from academy.services import onboard_city
from tests.conftest import CITIES
from tests.factories import UserFactory

COUNTED = [
    Page,
    Revision,
    Force,
    Collection,
    Group,
    GroupPagePermission,
    GroupCollectionPermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
    GroupApprovalTask,
    Group.permissions.through,
    GroupApprovalTask.groups.through,
]


def snapshot():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_onboarding_creates_everything_a_city_needs(home):
    result = onboard_city(**CITIES["lisbon"])

    academy = AcademyPage.objects.in_default_locale().get(code="LIS")
    assert academy.live and academy.get_parent().specific == home
    assert academy.url_path.endswith("/lisbon/")
    assert academy.force.name == "Lisbon Municipal Police"
    assert academy.collection == result.collection
    assert result.collection.name == "Lisbon"
    assert academy.coordinator_group.name == "Lisbon coordinators"
    assert academy.trainer_group.name == "Lisbon trainers"
    assert WorkflowPage.objects.get(page=academy).workflow.name == "Lisbon moderation"
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=result.workflow)
    assert list(task.groups.all()) == [result.coordinator_group]


def test_running_onboarding_twice_changes_nothing(home):
    first = onboard_city(**CITIES["lisbon"])
    before = snapshot()

    second = onboard_city(**CITIES["lisbon"])

    assert snapshot() == before
    assert second.created == []
    assert second.academy.pk == first.academy.pk
    assert second.coordinator_group == first.coordinator_group


def test_onboarding_command_is_idempotent(home, capsys):
    args = ["--city", "Madrid", "--country", "ES", "--code", "MAD"]
    args += ["--academy-name", "Madrid City Police", "--language", "es"]
    call_command("onboard_city", *args)
    before = snapshot()

    call_command("onboard_city", *args)

    assert snapshot() == before
    assert "already onboarded; nothing changed" in capsys.readouterr().out


def test_onboarding_repairs_a_missing_permission(home):
    result = onboard_city(**CITIES["lisbon"])
    GroupPagePermission.objects.filter(
        group=result.coordinator_group, permission__codename="publish_page"
    ).delete()

    onboard_city(**CITIES["lisbon"])

    assert GroupPagePermission.objects.filter(
        group=result.coordinator_group, page=result.academy, permission__codename="publish_page"
    ).exists()


def test_a_code_of_another_city_is_refused(home):
    onboard_city(**CITIES["lisbon"])

    with pytest.raises(ValidationError) as error:
        onboard_city(city="Porto", country="PT", code="LIS", academy_name="Porto Police")

    assert error.value.message_dict["code"] == ["The code LIS is already used by Lisbon."]
    assert not AcademyPage.objects.filter(city="Porto").exists()


def test_command_rejects_a_malformed_code(home):
    with pytest.raises(CommandError, match="three capital letters"):
        call_command(
            "onboard_city",
            "--city",
            "Nice",
            "--country",
            "FR",
            "--code",
            "nice",
            "--academy-name",
            "Nice Municipal Police",
        )


def test_trainers_cannot_publish_and_coordinators_can(lisbon):
    def page_codenames(group):
        return set(
            GroupPagePermission.objects.filter(group=group, page=lisbon.academy).values_list(
                "permission__codename", flat=True
            )
        )

    assert "publish_page" not in page_codenames(lisbon.trainer_group)
    assert {"add_page", "change_page"} <= page_codenames(lisbon.trainer_group)
    assert {"add_page", "change_page", "publish_page"} <= page_codenames(lisbon.coordinator_group)


def test_city_staff_reach_only_their_own_collection(lisbon, madrid):
    lisbon_collections = set(
        GroupCollectionPermission.objects.filter(
            group__in=[lisbon.trainer_group, lisbon.coordinator_group]
        ).values_list("collection__name", flat=True)
    )
    assert lisbon_collections == {"Lisbon"}
    access_admin = Permission.objects.get(codename="access_admin")
    assert access_admin in lisbon.trainer_group.permissions.all()


def test_onboarding_again_after_the_force_was_renamed_creates_no_force(home):
    first = onboard_city(**CITIES["lisbon"])
    Force.objects.filter(pk=first.academy.force_id).update(name="Polícia Municipal de Lisboa")

    onboard_city(**CITIES["lisbon"])

    assert Force.objects.count() == 1


def starter_rights():
    """What Wagtail's first migrations give its starter groups: rights over every city."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    root, collection = Page.get_first_root_node(), Collection.get_first_root_node()
    for group in (editors, moderators):
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=root, permission=Permission.objects.get(codename=codename)
            )
        GroupCollectionPermission.objects.create(
            group=group,
            collection=collection,
            permission=Permission.objects.get(codename="add_image"),
        )
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.add(moderators)
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=root, workflow=workflow)
    return editors, moderators


def groups_with_rights():
    return {
        *GroupPagePermission.objects.values_list("group__name", flat=True),
        *GroupCollectionPermission.objects.values_list("group__name", flat=True),
        *Group.objects.filter(permissions__isnull=False).values_list("name", flat=True),
    }


CITY_GROUPS = {"Lisbon coordinators", "Lisbon trainers", "Madrid coordinators", "Madrid trainers"}


def test_after_migrate_no_group_has_rights_on_the_root_page_or_collection(home):
    root, collection = Page.get_first_root_node(), Collection.get_first_root_node()

    assert not GroupPagePermission.objects.filter(page__in=[root, home]).exists()
    assert not GroupCollectionPermission.objects.filter(collection=collection).exists()


def test_after_migrate_wagtails_starter_groups_grant_nothing(home):
    starter = Group.objects.filter(name__in=["Editors", "Moderators"])

    assert not GroupPagePermission.objects.filter(group__in=starter).exists()
    assert not GroupCollectionPermission.objects.filter(group__in=starter).exists()
    assert not Permission.objects.filter(group__in=starter).exists()


def test_after_migrate_no_workflow_asks_wagtails_starter_groups(home):
    assert home.get_workflow() is None
    assert not Workflow.objects.filter(active=True, workflow_pages__page__depth=1).exists()


def test_onboarding_withdraws_the_rights_of_wagtails_starter_groups(home):
    starter_rights()

    onboard_city(**CITIES["lisbon"])
    onboard_city(**CITIES["madrid"])

    assert groups_with_rights() == CITY_GROUPS
    assert not Workflow.objects.filter(active=True, workflow_pages__page__depth=1).exists()


def test_onboarding_keeps_the_citys_own_workflow_when_it_ends_the_starter_one(home):
    starter_rights()

    lisbon = onboard_city(**CITIES["lisbon"])

    assert lisbon.academy.get_workflow() == lisbon.workflow
    assert lisbon.workflow.active


def test_someone_put_in_editors_can_edit_no_citys_page(client, lisbon, madrid):
    editors, _ = Group.objects.get_or_create(name="Editors")
    user = UserFactory(groups=[editors], is_staff=True)

    for academy in (lisbon.academy, madrid.academy):
        permissions = academy.permissions_for_user(user)
        assert not permissions.can_edit()
        assert not permissions.can_add_subpage()
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
