"""The city access policy: one answer to "may this user do this to that city's thing".

Modelled on Wagtail's permission policies (``wagtail/permission_policies``): every admin
view, viewset, chooser, report, export and service of the plugin asks it, through
``CityPermissionPolicy`` (registered for a model, so that Wagtail's own views use it) or
through the functions below.

Roles, per academy (a host city):

- a **network admin** (superuser) may do everything, in every city;
- a **coordinator** (the academy's coordinator group) may do everything in their city;
- a **trainer** (the academy's trainer group) may do the ``TRAINER_ACTIONS`` in their city;
- an **officer** (anyone else) acts only on their own records, in the public views.

And, per member force (not per city):

- a **training manager** (the force's ``training_manager_group``) decides on the requests of
  the force's officers for sessions of other cities and sees their records across the
  network (``scope_to_managed_forces``), and nothing of other forces' officers.

A model says how it reaches its academy with a ``city_path`` attribute (a lookup, e.g.
``"session__academy"``; ``"academy"`` by default); pages belong to the academy they sit
under, in any of its language versions.
"""

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from wagtail.models import Page
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry

from .models import AcademyPage, Force

# What a trainer may do in their own city; every other action is a coordinator's.
TRAINER_ACTIONS = frozenset({"view", "choose", "grade", "mark_attendance", "report"})
# What only network admins do, in any city.
NETWORK_ACTIONS = frozenset({"onboard", "network_report"})
# The actions of Wagtail's model views, which a record's whole scope answers for.
ANY_ACTION = ("add", "change", "delete", "view")


def is_network_admin(user):
    return bool(user.is_active and user.is_superuser)


def _signed_in(user):
    return bool(user and user.is_authenticated and user.is_active)


def _academy_ids(user, role):
    """Ids of the academies where ``user`` holds ``role``, worked out once per user object
    (a request's user lives as long as the request)."""
    cache = user.__dict__.setdefault("_academy_ids", {})
    if role not in cache:
        academies = AcademyPage.objects.all()
        if role == "coordinator":
            academies = academies.coordinated_by(user)
        else:
            academies = academies.staffed_by(user)
        cache[role] = frozenset(academies.values_list("pk", flat=True))
    return cache[role]


def academy_ids_for(user, action, trainer_actions=TRAINER_ACTIONS):
    """The ids of the academies where ``user`` may do ``action``, or ``None`` for every one
    (a network admin)."""
    if not _signed_in(user):
        return frozenset()
    if user.is_superuser:
        return None
    if action in NETWORK_ACTIONS:
        return frozenset()
    return _academy_ids(user, "staff" if action in trainer_actions else "coordinator")


def academies_for(user, action, trainer_actions=TRAINER_ACTIONS):
    """The academies (every language version) where ``user`` may do ``action``."""
    ids = academy_ids_for(user, action, trainer_actions)
    academies = AcademyPage.objects.all()
    if ids is None:
        return academies
    keys = academies.filter(pk__in=ids).values("translation_key")
    return academies.filter(translation_key__in=keys)


def may(user, action, trainer_actions=TRAINER_ACTIONS):
    """Whether ``user`` may do ``action`` in some city: what shows a menu item or lets a
    view in before it picks its records."""
    return academy_ids_for(user, action, trainer_actions) != frozenset()


def in_cities(queryset, academies):
    """``queryset`` narrowed to the records (or pages) of ``academies``."""
    model = queryset.model
    if issubclass(model, Page):
        under = Q(pk__in=[])
        for path in academies.values_list("path", flat=True):
            under |= Q(path__startswith=path)
        return queryset.filter(under)
    city_path = getattr(model, "city_path", "academy")
    return queryset.filter(**{f"{city_path}__in": academies})


def scope(queryset, user, action, trainer_actions=TRAINER_ACTIONS):
    """``queryset`` narrowed to what ``user`` may do ``action`` to: every record for a
    network admin, their cities' records for city staff, nothing for anyone else."""
    ids = academy_ids_for(user, action, trainer_actions)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return in_cities(queryset, academies_for(user, action, trainer_actions))


def get_or_404(queryset, user, action, trainer_actions=TRAINER_ACTIONS, **lookup):
    """The one record of ``queryset`` matching ``lookup`` that ``user`` may do ``action``
    to; a record of another city is not found, as if it did not exist."""
    try:
        return scope(queryset, user, action, trainer_actions).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def may_act_on(user, action, instance, trainer_actions=TRAINER_ACTIONS):
    """Whether ``user`` may do ``action`` to ``instance`` (a record or a page)."""
    model = type(instance)
    return (
        scope(model._default_manager.all(), user, action, trainer_actions)
        .filter(pk=instance.pk)
        .exists()
    )


class CityPermissionPolicy(BasePermissionPolicy):
    """Wagtail's permission policy of a model whose records belong to a city.

    ``actions`` lists what anyone may do at all (certificates are never added or deleted
    from the admin). With ``model_permissions``, the user's Django model permissions must
    allow the action too (a trainer views sessions but does not change them).
    ``trainer_actions`` says what trainers may do, for a model whose records only
    coordinators see (certificates).
    """

    def __init__(
        self,
        model,
        *,
        actions=ANY_ACTION,
        model_permissions=False,
        trainer_actions=TRAINER_ACTIONS,
    ):
        super().__init__(model)
        self.actions = frozenset(actions)
        self.model_permissions = model_permissions
        self.trainer_actions = frozenset(trainer_actions)

    def _has_model_permission(self, user, action):
        if not self.model_permissions or user.is_superuser:
            return True
        meta = self.model._meta
        return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")

    def user_has_permission(self, user, action):
        return (
            action in self.actions
            and _signed_in(user)
            and self._has_model_permission(user, action)
            and may(user, action, self.trainer_actions)
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return scope(self.model._default_manager.all(), user, action, self.trainer_actions)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = self.model._default_manager.none()
        for action in actions:
            instances |= self.instances_user_has_permission_for(user, action)
        return instances

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        ids = academy_ids_for(user, action, self.trainer_actions)
        return ids is None or self.academy_id_of(instance) in ids

    def academy_id_of(self, instance):
        """The id of the academy ``instance`` belongs to, along the model's ``city_path``."""
        *steps, last = getattr(self.model, "city_path", "academy").split("__")
        for step in steps:
            instance = getattr(instance, step)
        return getattr(instance, f"{last}_id")

    def users_with_any_permission(self, actions):
        if not self.actions & set(actions):
            return get_user_model().objects.none()
        staff_groups = Q(groups__in=AcademyPage.objects.values("coordinator_group"))
        if self.trainer_actions & set(actions):
            staff_groups |= Q(groups__in=AcademyPage.objects.values("trainer_group"))
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | staff_groups, is_active=True)
            .distinct()
        )


class CityObjectMixin:
    """For every view of a city-scoped viewset (edit, delete, inspect, history, usage, copy,
    preview, chooser's chosen, and any view Wagtail adds later): a record of another city
    is not found, before the view answers. Wagtail's history, usage and inspect views check
    model permissions only, not the instance: this is what keeps them to the city."""

    def city_records(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ANY_ACTION
        )

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            try:
                found = self.city_records().filter(pk=unquote(str(pk))).exists()
            except (ValueError, TypeError):
                found = False
            if not found:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_base_object_queryset(self):
        # History and usage fetch their record while being set up, before dispatch.
        return self.city_records()

    def get_base_queryset(self):
        # Index views: the list too, whatever the view's own queryset.
        queryset = super().get_base_queryset()
        if is_network_admin(self.request.user):
            return queryset
        return queryset.filter(pk__in=self.city_records().values("pk"))


def city_scoped(view_class):
    """``view_class`` kept to the user's cities (see ``CityObjectMixin``)."""
    if issubclass(view_class, CityObjectMixin):
        return view_class
    return type(view_class.__name__, (CityObjectMixin, view_class), {})


class CityViewSetMixin:
    """For a Wagtail ``ModelViewSet`` or ``SnippetViewSet`` of a city-scoped model: every
    view it makes, including those Wagtail adds itself, goes through the city policy."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(city_scoped(view_class), **kwargs)


class CityChooserMixin:
    """For every view of a chooser (choose, results, chosen, chosen many, create): only the
    records of the user's cities, whatever id a request names. Wagtail's chooser views list
    ``model.objects.all()``; they do not ask the permission policy."""

    def get_object_list(self):
        policy = policy_registry.get_by_type(self.model_class)
        return policy.instances_user_has_any_permission_for(self.request.user, ANY_ACTION)

    def get_object(self, pk):
        return self.get_object_list().get(pk=pk)

    def get_objects(self, pks):
        return self.get_object_list().filter(pk__in=pks)


class CityChooserViewSetMixin:
    """For a Wagtail ``ChooserViewSet``: each of its views is a ``CityChooserMixin``."""

    def construct_view(self, view_class, **kwargs):
        if not issubclass(view_class, CityChooserMixin):
            view_class = type(view_class.__name__, (CityChooserMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)


def managed_force_ids(user):
    """Ids of the forces whose training manager ``user`` is, or ``None`` for every force
    (a network admin); worked out once per user object."""
    if not _signed_in(user):
        return frozenset()
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_academy_ids", {})
    if "training_manager" not in cache:
        cache["training_manager"] = frozenset(
            Force.objects.filter(training_manager_group__in=user.groups.all()).values_list(
                "pk", flat=True
            )
        )
    return cache["training_manager"]


def manages_a_force(user):
    """Whether ``user`` is a training manager of some force (or a network admin)."""
    return managed_force_ids(user) != frozenset()


def scope_to_managed_forces(queryset, user, officer_path="officer"):
    """``queryset`` (records of officers, reached along ``officer_path``) narrowed to the
    officers of the forces ``user`` manages: every record for a network admin, nothing for
    anyone else."""
    ids = managed_force_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{officer_path}__academy_profile__force__in": ids})


def manages_officer_of(user, enrolment):
    """Whether ``user`` is a training manager of the force of ``enrolment``'s officer."""
    return (
        scope_to_managed_forces(type(enrolment)._default_manager.all(), user)
        .filter(pk=enrolment.pk)
        .exists()
    )
