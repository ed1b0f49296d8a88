import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    Workflow,
    WorkflowPage,
)

from academy.models import AcademyPage, Force
from academy.services import onboard_city
from tests.conftest import CITIES

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
