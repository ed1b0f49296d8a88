"""A city's images and documents are its own: staff choose among their city's collections.

Wagtail's choosers list only what a user may choose, but a form takes any id it is sent.
The page forms here check every image and document a page names (its own fields, rich
text and StreamField blocks, with Wagtail's walk of references) against the collections
where the user may choose.
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError, StreamValue
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry


def media_library():
    """The models of the media library: images and documents."""
    return (get_image_model(), get_document_model())


def choosable(model, user):
    """The images (or documents) ``user`` may choose: what Wagtail's chooser offers them."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, ["choose"])


def media_named(model, values):
    """(field name, media model, pk) of each image or document that ``values`` (field
    name to value, of a form of ``model``) name: a foreign key, an embed in rich text, a
    chooser in a StreamField block."""
    library = media_library()
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if value in (None, ""):
            continue
        if field.many_to_one and field.related_model in library:
            yield name, field.related_model, str(getattr(value, "pk", value))
        elif hasattr(field, "extract_references"):
            for to_model, pk, _path, _content_path in field.extract_references(value):
                if to_model in library:
                    yield name, to_model, str(pk)


def refuse_media_not_choosable(form, user):
    """Add an error to ``form`` for each image or document it takes that ``user`` may not
    choose. What the object named already stays: a page keeps a picture a network admin
    chose, whoever edits it next."""
    model = form._meta.model
    kept = {(media, pk) for _name, media, pk in media_named(model, form.initial)}
    chosen = {}
    for name, media, pk in media_named(model, form.cleaned_data):
        if (media, pk) not in kept:
            chosen.setdefault(name, set()).add((media, pk))
    for name, named in chosen.items():
        refused = set()
        for media in {media for media, _pk in named}:
            pks = {pk for other, pk in named if other is media}
            allowed = choosable(media, user).filter(pk__in=pks).values_list("pk", flat=True)
            refused |= {(media, pk) for pk in pks - {str(pk) for pk in allowed}}
        if refused:
            form.add_error(name, media_error(form.cleaned_data[name], refused))


def media_error(value, refused):
    """The error of a field that names images or documents its user may not choose; in a
    StreamField, on each block that names one."""
    if not isinstance(value, StreamValue):
        return ValidationError(sorted({not_choosable_message(media) for media, _pk in refused}))
    block_errors = {}
    for index, child in enumerate(value):
        for media, pk, _path, _content_path in child.block.extract_references(child.value):
            if (media, str(pk)) in refused:
                block_errors[index] = ValidationError(not_choosable_message(media))
    return StreamBlockValidationError(block_errors=block_errors)


def not_choosable_message(media):
    if media is get_document_model():
        return _(
            "This document is not in a collection you may choose from: choose one of "
            "your city's documents."
        )
    return _(
        "This image is not in a collection you may choose from: choose one of your city's images."
    )


def _with_nested_forms(form):
    yield form
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            if getattr(child, "cleaned_data", None) and not child.cleaned_data.get("DELETE"):
                yield from _with_nested_forms(child)


class CityMediaPageForm(WagtailAdminPageForm):
    """A page form that takes only the images and documents its user may choose, in the
    page's own fields and in its inline children, besides those the page already had."""

    def is_valid(self):
        valid = super().is_valid()
        # An unbound form (a preview asked for before any edit) has nothing chosen.
        if self.for_user is None or not self.is_bound:
            return valid
        forms = list(_with_nested_forms(self))
        for form in forms:
            refuse_media_not_choosable(form, self.for_user)
        return valid and not any(form.errors for form in forms)
