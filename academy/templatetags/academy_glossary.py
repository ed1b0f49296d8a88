from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def term_in_language(term):
    """The glossary term in the active language (its English name where it has none)."""
    return term.in_language((get_language() or "en").split("-")[0])
