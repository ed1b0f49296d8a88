from django.db import migrations

# Wagtail's first migrations make these groups and give them rights on the root page and
# the root collection, that is over every city. Rights come from a city's own groups only.
WAGTAIL_STARTER_GROUPS = ["Editors", "Moderators"]


def withdraw_starter_rights(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Task = apps.get_model("wagtailcore.Task")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore.WorkflowState")
    TaskState = apps.get_model("wagtailcore.TaskState")

    groups = Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS)
    GroupPagePermission.objects.filter(group__in=groups).delete()
    GroupCollectionPermission.objects.filter(group__in=groups).delete()
    for group in groups:
        group.permissions.clear()

    # Wagtail's default workflow ("Moderators approval", on the root page) asks these
    # groups to approve: its tasks lose them, and a task nobody is left to approve ends.
    task_ids = list(
        GroupApprovalTask.objects.filter(groups__in=groups).values_list("pk", flat=True)
    )
    workflow_ids = list(
        Workflow.objects.filter(workflow_tasks__task__in=task_ids).values_list("pk", flat=True)
    )
    for task in GroupApprovalTask.objects.filter(pk__in=task_ids):
        task.groups.remove(*groups)
    emptied = GroupApprovalTask.objects.filter(pk__in=task_ids, groups=None)
    emptied_ids = list(emptied.values_list("pk", flat=True))
    # A workflow ends when none of its tasks has anyone left to approve.
    emptied_workflows = Workflow.objects.filter(pk__in=workflow_ids).exclude(
        workflow_tasks__task__in=Task.objects.exclude(pk__in=emptied_ids)
    )
    TaskState.objects.filter(task__in=emptied_ids, status="in_progress").update(status="cancelled")
    WorkflowState.objects.filter(workflow__in=emptied_workflows, status="in_progress").update(
        status="cancelled"
    )
    WorkflowPage.objects.filter(workflow__in=emptied_workflows).delete()
    WorkflowContentType.objects.filter(workflow__in=emptied_workflows).delete()
    emptied_workflows.update(active=False)
    Task.objects.filter(pk__in=emptied_ids).update(active=False)



class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_network_home_and_locales"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunPython(withdraw_starter_rights, migrations.RunPython.noop),
    ]
