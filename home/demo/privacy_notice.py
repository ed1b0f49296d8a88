"""The demo network's privacy notice, in every language of the site (idempotent)."""

from pathlib import Path

import yaml
from wagtail.models import Locale, Site

from academy.services import publish_under
from home.models import PrivacyNoticePage

DATA = Path(__file__).resolve().parent / "data" / "privacy_notice.yaml"
FIELDS = ("title", "controller", "purposes", "legal_bases", "recipients", "rights", "contact")


def load_privacy_notice():
    """Publish the notice under the home page, then a translation in every other language
    (with that language's text where the data has it). Returns how many pages were made."""
    texts = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    home = Site.objects.get(is_default_site=True).root_page.specific
    made = 0
    notice = PrivacyNoticePage.objects.filter(locale=home.locale).first()
    if notice is None:
        text = texts.get(home.locale.language_code, texts["en"])
        notice = publish_under(home, PrivacyNoticePage(slug="privacy", **text))
        made += 1
    for locale in Locale.objects.exclude(pk=notice.locale_id):
        if notice.get_translation_or_none(locale) is not None:
            continue
        translation = notice.copy_for_translation(locale, copy_parents=True)
        for field, value in texts.get(locale.language_code, {}).items():
            if field in FIELDS:
                setattr(translation, field, value)
        translation.save_revision().publish()
        made += 1
    return made
