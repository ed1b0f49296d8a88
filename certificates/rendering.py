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

import base64
import io
import unicodedata
from functools import cache
from pathlib import Path

import arabic_reshaper
import xhtml2pdf.default
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import RenderLimitError, ResourceAccessPolicy

# Streams written as binary, not as ASCII85 text: a PDF is a binary file anyway, and the
# pictures of a certificate (QR code, signatures) are then not encoded twice.
rl_config.useA85 = 0

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSETS_URL = f"{settings.STATIC_URL}certificates/"
RENDER_SECONDS = 20

# Noto covers Latin Extended, Greek and Cyrillic (Sans, Serif), Arabic (Naskh: it carries the
# presentation forms that the joining of Arabic letters is drawn with) and Hebrew. A template
# names a stack of families; xhtml2pdf draws each character with the first family that has it.
FONT_FAMILIES = {
    "AcademySans": {
        (0, 0): "NotoSans-Regular.ttf",
        (1, 0): "NotoSans-Bold.ttf",
        (0, 1): "NotoSans-Italic.ttf",
        (1, 1): "NotoSans-BoldItalic.ttf",
    },
    "AcademySerif": {
        (0, 0): "NotoSerif-Regular.ttf",
        (1, 0): "NotoSerif-Bold.ttf",
        (0, 1): "NotoSerif-Regular.ttf",
        (1, 1): "NotoSerif-Bold.ttf",
    },
    "AcademyArabic": {
        (0, 0): "NotoNaskhArabic-Regular.ttf",
        (1, 0): "NotoNaskhArabic-Bold.ttf",
        (0, 1): "NotoNaskhArabic-Regular.ttf",
        (1, 1): "NotoNaskhArabic-Bold.ttf",
    },
    "AcademySansHebrew": {
        (0, 0): "NotoSansHebrew-Regular.ttf",
        (1, 0): "NotoSansHebrew-Bold.ttf",
        (0, 1): "NotoSansHebrew-Regular.ttf",
        (1, 1): "NotoSansHebrew-Bold.ttf",
    },
    "AcademySerifHebrew": {
        (0, 0): "NotoSerifHebrew-Regular.ttf",
        (1, 0): "NotoSerifHebrew-Bold.ttf",
        (0, 1): "NotoSerifHebrew-Regular.ttf",
        (1, 1): "NotoSerifHebrew-Bold.ttf",
    },
}
# The stacks the templates print with (their CSS names them in this order).
SANS = ("AcademySans", "AcademyArabic", "AcademySansHebrew")
SERIF = ("AcademySerif", "AcademyArabic", "AcademySerifHebrew")


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


@cache
def _characters_of(filename):
    """The code points a font file has a glyph for."""
    return frozenset(TTFont(filename, ASSETS_DIR / "fonts" / filename).face.charToGlyph)


@cache
def _printable():
    """What every face a name is printed in can draw, through its stack of families: the
    certificate's bold serif, and the sans-serif of the transcript and the signatures."""
    faces = [(SERIF, (1, 0)), (SANS, (0, 0)), (SANS, (1, 0))]
    return frozenset.intersection(
        *(
            frozenset().union(*(_characters_of(FONT_FAMILIES[family][face]) for family in stack))
            for stack, face in faces
        )
    )


def unprintable_characters(text):
    """The characters of ``text`` that the certificates' fonts cannot draw (they would print
    as empty boxes), in the order they first come. Arabic is checked as it is drawn: joined."""
    printable = _printable()
    missing = []
    for char in text + arabic_reshaper.reshape(text):
        if ord(char) not in printable and char not in missing:
            missing.append(char)
    return missing


def direction(text):
    """``rtl`` when the first letter with a direction is written right to left (Hebrew,
    Arabic), otherwise ``ltr``: what HTML's ``dir="auto"`` does, which xhtml2pdf does not."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def qr_code(text, *, module_pixels=4, quiet_zone=4):
    """``text`` as a QR code (error correction M), a PNG data URI of grey-level pixels.

    One picture, where xhtml2pdf's ``<pdf:barcode type="qr">`` draws each run of dark
    modules as a shape of its own. zxing-cpp encodes it (the mask chosen by the standard's
    penalty rules) in a quarter of a millisecond, where a pure-Python encoder took five: a
    tenth of a certificate's printing. Four pixels a module print crisp at 160 dots an inch."""
    import zxingcpp
    from PIL import Image, ImageOps

    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    height, width = modules.shape
    picture = Image.frombytes("L", (width, height), modules.tobytes())
    picture = ImageOps.expand(picture, border=quiet_zone, fill=255)
    # Grey levels, one byte a pixel: ReportLab keeps an "L" picture as it is, where it widens
    # a black-and-white one to three bytes a pixel before compressing it.
    picture = picture.resize(
        (picture.width * module_pixels, picture.height * module_pixels),
        Image.Resampling.NEAREST,
    )
    output = io.BytesIO()
    picture.save(output, "PNG")
    return "data:image/png;base64," + base64.b64encode(output.getvalue()).decode("ascii")


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
