"""Whether a name can be printed on the academy's documents.

The app that prints (``certificates``) knows which characters its fonts draw and says so
here at start-up (``printable_by``); the academy only asks. So a name is refused where it is
entered, with a message, rather than printed as empty boxes on a certificate years later.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_unprintable_checks = []


def printable_by(check):
    """Register ``check(text) -> list of characters it cannot print`` (once per check)."""
    if check not in _unprintable_checks:
        _unprintable_checks.append(check)
    return check


def unprintable_characters(text):
    """The characters of ``text`` that some document of the academy cannot print."""
    missing = []
    for check in _unprintable_checks:
        missing += [char for char in check(text or "") if char not in missing]
    return missing


def validate_printable_name(value):
    """Refuse a name with a character the certificates cannot print."""
    missing = unprintable_characters(value)
    if missing:
        raise ValidationError(
            _(
                "The certificates cannot print %(characters)s. Write the name in Latin, "
                "Greek, Cyrillic, Arabic or Hebrew letters, without symbols or emoji."
            ),
            code="unprintable",
            params={
                "characters": ", ".join(f"“{char}” (U+{ord(char):04X})" for char in missing[:5])
            },
        )
