"""StreamField blocks of the core, for any app's page bodies: a glossary term."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class GlossaryBlock(blocks.StructBlock):
    """A term of the network glossary, shown with its definition and its equivalents."""

    term = SnippetChooserBlock("academy.GlossaryTerm", label=_("Term"))

    class Meta:
        icon = "help"
        label = _("Glossary term")
        description = _("A term of the network glossary, with its definition and its equivalents.")
        template = "academy/blocks/glossary_term.html"
