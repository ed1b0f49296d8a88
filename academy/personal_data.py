"""What the site holds about a person, declared by every app in one place (in the spirit of
Moodle's privacy providers): how to find a person's rows, what My data exports of them and
how an erasure erases or pseudonymises them, and how long each kind of record is kept.

Each app (of the plugin or the site) declares its models in ``<app>/privacy.py``, which the
academy loads when Django starts::

    from academy.personal_data import DELETE, Holding, register

    register(Holding("courses.Reminder", person="enrolment__officer",
                     title=_("Reminders sent"), export=("kind", "sent_at"), erase=DELETE))

A model with a key to the user model or to ``academy.Profile`` that no app declares fails
``tests/academy/test_privacy_registry.py``; a model that holds nothing about the person it
names (a staff member's authorship, say) is declared with ``not_personal(model, reason)``.

Erasure works on a queryset of users at once (bulk updates and deletes): erasing one
officer or a thousand inactive accounts costs the same number of queries.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

DELETE = "delete"
KEEP = "keep"


@dataclass(frozen=True)
class Holding:
    """What one model holds about a person.

    ``person``: the lookup from the model to the user (``"officer"``,
    ``"enrolment__officer"``); or ``rows``: a function of a queryset of users giving the
    person's rows (for models that name them otherwise, e.g. by address).
    ``export``: field paths shown in My data (empty: not exported), or a function of the rows
    giving a list of ``{label: value}`` dicts.
    ``erase``: ``DELETE``, ``KEEP``, a dict of ``field: value`` set on the rows (values may be
    expressions), or a function ``(rows, users) -> None``.
    """

    model: str
    person: str = ""
    rows: object = None
    title: str = ""
    export: object = ()
    erase: object = DELETE
    order: int = 100

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def rows_of(self, users):
        if self.rows is not None:
            return self.rows(users)
        return self.model_class._default_manager.filter(**{f"{self.person}__in": users})

    def apply_erasure(self, users):
        rows = self.rows_of(users)
        if self.erase == DELETE:
            rows.delete()
        elif self.erase == KEEP:
            return
        elif isinstance(self.erase, dict):
            rows.update(**self.erase)
        else:
            self.erase(rows, users)


@dataclass(frozen=True)
class RetentionRule:
    """How long one kind of record is kept: ``setting`` (days, ``default`` unless set) and
    ``due(before)``, the records older than ``before``; ``apply(queryset)`` removes them
    (deletes by default) and returns how many went."""

    name: str
    label: str
    setting: str
    default: int
    due: object
    apply: object = None

    @property
    def days(self):
        return getattr(settings, self.setting, self.default)

    def cutoff(self, now=None):
        return (now or timezone.now()) - datetime.timedelta(days=self.days)

    def run(self, *, dry_run=False, now=None):
        due = self.due(self.cutoff(now))
        count = due.count()
        if count and not dry_run:
            if self.apply is not None:
                self.apply(due)
            else:
                due.delete()
        return count


@dataclass
class Registry:
    holdings: list = field(default_factory=list)
    excluded: dict = field(default_factory=dict)
    retention: dict = field(default_factory=dict)

    def register(self, *holdings):
        """Declare what models hold about a person (several holdings may name one model:
        one per key to the person, say)."""
        for holding in holdings:
            if holding not in self.holdings:
                self.holdings.append(holding)

    def not_personal(self, model, reason):
        self.excluded[model.lower()] = reason

    def add_retention(self, rule):
        self.retention[rule.name] = rule
        return rule

    def declares(self, model):
        label = model._meta.label_lower
        return label in self.excluded or any(h.model.lower() == label for h in self.holdings)

    def in_order(self):
        """The holdings of the installed models (a site may leave an app out), in order."""
        installed = {model._meta.label_lower for model in apps.get_models()}
        return sorted(
            (h for h in self.holdings if h.model.lower() in installed),
            key=lambda holding: holding.order,
        )


registry = Registry()
register = registry.register
not_personal = registry.not_personal
add_retention = registry.add_retention


def discover():
    """Load every installed app's ``privacy`` module (run once, from the academy's ready())."""
    autodiscover_modules("privacy")


def _field(model, path):
    """The field at ``path`` (through relations) of ``model``, and its label: its verbose
    name, or the relation's for a related record's title or name ("session", not "title")."""
    *relations, name = path.split("__")
    label = None
    for relation in relations:
        relation_field = model._meta.get_field(relation)
        label = relation_field.verbose_name
        model = relation_field.related_model
    model_field = model._meta.get_field(name)
    if label is None or name not in ("title", "name"):
        label = model_field.verbose_name
    return model_field, label


def _display(model_field, value):
    if model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    return value


def export_of(holding, users):
    """The rows ``holding`` keeps of ``users``: a list of ``[(label, value), ...]``."""
    rows = holding.rows_of(users)
    if callable(holding.export):
        return [list(row.items()) for row in holding.export(rows)]
    model = holding.model_class
    fields = {path: _field(model, path) for path in holding.export}
    return [
        [(str(label), _display(field, values[path])) for path, (field, label) in fields.items()]
        for values in rows.order_by("pk").values(*fields)
    ]


def personal_data(user):
    """Everything the site holds about ``user``, as sections of My data: each a title and
    its rows (lists of label and value)."""
    users = get_user_model()._default_manager.filter(pk=user.pk)
    sections = []
    for holding in registry.in_order():
        if not holding.export:
            continue
        sections.append({"title": str(holding.title), "rows": export_of(holding, users)})
    return sections


def erase_people(users):
    """Erase or pseudonymise everything the site holds about ``users`` (a queryset), as each
    app declares. The caller holds the transaction."""
    ids = list(users.values_list("pk", flat=True))
    users = users.model._default_manager.filter(pk__in=ids)
    for holding in registry.in_order():
        holding.apply_erasure(users)


def keys_to_people():
    """Every installed model with a foreign key or one-to-one key to the user model or to
    ``academy.Profile``: the models that may hold something about a person."""
    from .models import Profile

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if (
                isinstance(model_field, models.ForeignKey)
                and model_field.related_model in (user_model, Profile)
                and model_field.model is model  # not a key a parent model declares
            ):
                found.append(model)
                break
    return found


def keys_to_records():
    """Every installed model with a key to a person's own record (a model declared with a
    section of My data: an enrolment, an attempt): what it holds is about that person too."""
    records = {h.model_class for h in registry.holdings if h.title and h.person}
    return [
        model
        for model in apps.get_models()
        if any(
            isinstance(model_field, models.ForeignKey)
            and model_field.related_model in records
            and model_field.model is model
            for model_field in model._meta.get_fields()
        )
    ]
