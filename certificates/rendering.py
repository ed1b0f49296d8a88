"""PDF rendering with xhtml2pdf, safe whatever the document or the data in it contains.

Three things keep a render safe:

- the resource policy of xhtml2pdf: no network at all, and local reads only under
  ``ASSETS_DIR`` (fonts, and the images a template uses);
- ``link_callback`` maps the project's own asset URLs to those files and everything
  else to nothing; it is a convenience, the policy is the boundary;
- a time limit: a render that runs away stops with ``RenderError``.

Templates are Django templates, so every value printed in them is escaped: a name
with HTML in it prints as text.
"""

import io
from functools import cache
from pathlib import Path

import xhtml2pdf.default
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import RenderLimitError, ResourceAccessPolicy

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSETS_URL = f"{settings.STATIC_URL}certificates/"
RENDER_SECONDS = 20

# DejaVu covers Latin Extended, Greek and Cyrillic: every script of the network's officers.
FONT_FAMILIES = {
    "AcademySans": {
        (0, 0): "DejaVuSans.ttf",
        (1, 0): "DejaVuSans-Bold.ttf",
        (0, 1): "DejaVuSans-Oblique.ttf",
        (1, 1): "DejaVuSans-Bold.ttf",
    },
    "AcademySerif": {
        (0, 0): "DejaVuSerif.ttf",
        (1, 0): "DejaVuSerif-Bold.ttf",
        (0, 1): "DejaVuSerif.ttf",
        (1, 1): "DejaVuSerif-Bold.ttf",
    },
}


class RenderError(Exception):
    """The PDF could not be made; the message says why, in the user's language."""


@cache
def register_fonts():
    """Register the embedded fonts once per process, under their own family names."""
    for family, faces in FONT_FAMILIES.items():
        for (bold, italic), filename in faces.items():
            face = f"{family}-{bold}{italic}"
            if face not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(face, ASSETS_DIR / "fonts" / filename))
            addMapping(family, bold, italic, face)
        # xhtml2pdf copies this table into each document: the family is known by name.
        xhtml2pdf.default.DEFAULT_FONT[family.lower()] = family
    return tuple(FONT_FAMILIES)


def resource_policy(extra_roots=()):
    """What a render may read: files under the assets folder (and ``extra_roots``), nothing else."""
    return ResourceAccessPolicy.server(
        base_dir=ASSETS_DIR,
        extra_roots=tuple(Path(root) for root in extra_roots),
        allow_remote=False,
        max_render_seconds=RENDER_SECONDS,
        max_resources=20,
    )


def link_callback(uri, rel):
    """Map our asset URLs to their files; anything else resolves to a file that is not there."""
    if uri.startswith("data:image/"):
        return uri
    if uri.startswith(ASSETS_URL):
        candidate = (ASSETS_DIR / uri.removeprefix(ASSETS_URL)).resolve()
        if candidate.is_relative_to(ASSETS_DIR) and candidate.is_file():
            return str(candidate)
    return str(ASSETS_DIR / "not-found")


def render_pdf(template_name, context, *, extra_roots=()):
    """Render a Django template to PDF bytes, or raise ``RenderError``."""
    return html_to_pdf(render_to_string(template_name, context), extra_roots=extra_roots)


def html_to_pdf(html, *, extra_roots=()):
    """PDF bytes of an HTML document, under the resource policy and the time limit."""
    register_fonts()
    output = io.BytesIO()
    try:
        result = pisa.CreatePDF(
            html,
            dest=output,
            encoding="utf-8",
            link_callback=link_callback,
            resource_policy=resource_policy(extra_roots),
        )
    except RenderLimitError as error:
        raise RenderError(_("The PDF took too long to make and was stopped.")) from error
    if result.err:
        raise RenderError(_("The PDF could not be made from this template."))
    return output.getvalue()
