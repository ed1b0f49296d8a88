"""Reactions of the academy app to Wagtail's events."""

from django.dispatch import receiver
from wagtail.signals import copy_for_translation_done

from .models import AcademyPage
from .services import extend_city_to_translation


@receiver(copy_for_translation_done)
def cover_academy_translation(sender, source_obj, target_obj, **kwargs):
    target = getattr(target_obj, "specific", target_obj)
    if isinstance(target, AcademyPage):
        extend_city_to_translation(target)
