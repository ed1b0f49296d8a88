"""Reactions of the academy app to Wagtail's events."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    copy_for_translation_done,
    page_published,
    page_unpublished,
    post_page_move,
)

from . import page_cache
from .models import AcademyPage
from .services import extend_city_to_translation


@receiver(copy_for_translation_done)
def cover_academy_translation(sender, source_obj, target_obj, **kwargs):
    target = getattr(target_obj, "specific", target_obj)
    if isinstance(target, AcademyPage):
        extend_city_to_translation(target)


# What is cached of pages (academy.page_cache) is dropped whenever a page changes:
# published, unpublished, moved, saved (a draft too: harmless) or deleted; when a view
# restriction comes or goes (a page behind a password is never served from the cache);
# and when an image or a document changes (renditions and links in what was rendered).
for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(page_cache.invalidate_content_on_change, dispatch_uid=f"page_cache_{signal!r}")

CONTENT_MODELS = (PageViewRestriction, get_image_model(), get_document_model())
for model in CONTENT_MODELS:
    for signal in (post_save, post_delete):
        signal.connect(
            page_cache.invalidate_content_on_change,
            sender=model,
            dispatch_uid=f"page_cache_{signal!r}_{model._meta.label}",
        )


@receiver(post_save, dispatch_uid="page_cache_page_saved")
@receiver(post_delete, dispatch_uid="page_cache_page_deleted")
def drop_cached_pages(sender, instance, **kwargs):
    if isinstance(instance, Page):
        page_cache.invalidate_content()
