"""Wagtail's site history report, with each city's records kept to that city's staff.

Wagtail shows a log entry of a record (not a page) to whoever holds any model permission
on its type: every city's coordinators would read every city's session history. Here a
record whose permission policy reaches only some instances (a city's sessions, its
certificates) shows its entries only to those the policy lets at that instance.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

ANY_ACTION = ["add", "change", "delete", "view"]


def scope_log_entries(entries, user):
    """``entries`` (of one log entry model) less those of records ``user`` may not reach.

    An entry of a deleted record has no instance left to check: only network admins
    see it, since nothing tells any more which city it belonged to.
    """
    if user.is_superuser or not issubclass(entries.model, ModelLogEntry):
        return entries
    content_type_ids = ModelLogEntry.objects.order_by().values_list("content_type", flat=True)
    for content_type_id in content_type_ids.distinct():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        policy = model and policy_registry.get_by_type(model, fallback=False)
        # Wagtail's model policy reaches every instance or none: its rule stands.
        if policy is None or type(policy) is ModelPermissionPolicy:
            continue
        reachable = policy.instances_user_has_any_permission_for(user, ANY_ACTION)
        keys = reachable.order_by().annotate(key=Cast("pk", CharField())).values("key")
        entries = entries.exclude(Q(content_type_id=content_type_id) & ~Q(object_id__in=keys))
    return entries


def viewable_log_entries(user):
    """Per log entry model, the entries ``user`` may read in the site history."""
    return [
        scope_log_entries(model.objects.viewable_by_user(user), user)
        for model in log_action_registry.get_log_entry_models()
    ]


def content_types_for_filter(request):
    ids = set()
    for entries in viewable_log_entries(request.user):
        ids |= entries.get_content_type_ids()
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class CitySiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The report's filters offer only the users, types and actions of entries shown."""

    object_type = ContentTypeFilter(
        label=_("Type"), method="filter_object_type", queryset=content_types_for_filter
    )

    def get_action_choices(self):
        actions = set()
        for entries in viewable_log_entries(self.request.user):
            actions |= entries.get_actions()
        return [choice for choice in log_action_registry.get_choices() if choice[0] in actions]

    def get_user_choices(self):
        ids = set()
        for entries in viewable_log_entries(self.request.user):
            ids |= entries.get_user_ids()
        user_model = get_user_model()
        return user_model.objects.filter(pk__in=ids).order_by(user_model.USERNAME_FIELD)


class CitySiteHistoryView(LogEntriesView):
    filterset_class = CitySiteHistoryFilterSet

    def filter_queryset(self, queryset):
        # Wagtail filters the entries of each log entry model here before it joins them.
        return scope_log_entries(super().filter_queryset(queryset), self.request.user)
