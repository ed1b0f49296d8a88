"""Any name prints: every script of the network's officers, right to left where it is
written so, as text a reader can extract, shrunk to its box up to 200 characters, on one page
where nothing overlaps. A name the fonts cannot print is refused where it is entered."""

import io
import shutil
import subprocess
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer, LTTextLine
from pypdf import PdfReader

from academy.forms import ImportedOfficerForm, ProfileForm
from academy.models import Profile
from certificates.models import CertificateTemplate, CertificateText, Signatory
from certificates.services import issue_certificate
from tests.factories import ForceFactory, UserFactory

from .test_certificates import completed

NAMES = {
    "latin extended": "Łukasz Żółć-Ångström Şükrü Ğündoğdu Ærøskøbing",
    "greek": "Γιώργος Παπαδόπουλος-Αλεξανδρόπουλος",
    "cyrillic": "Александра Вознесенская-Щербакова",
    "arabic": "محمد بن عبد الرحمن الهاشمي",
    "hebrew": "שרה בת אברהם כהן",
    "longest latin, greek and cyrillic": ("Maria Łucja Γεωργία Александра " * 7)[:200],
    "longest arabic": ("فاطمة الزهراء بنت عبد الرحمن " * 8)[:200],
    "longest hebrew": ("רבקה לאה בת יעקב אבן שושן " * 8)[:200],
}
BODY = "{name} took part in the Exchange Day on community policing, held by {academy}."
BODY_WORDS = ["took part", "Exchange", "community", "policing", "held by", "Municipal"]
SIGNATORIES = ["Ana Luísa Carvalho", "Jean-Baptiste Lefèvre", "Grzegorz Brzęczyszczykiewicz"]


def plain(text):
    """Text as a reader compares it: compatibility forms folded (joined Arabic letters are
    presentation forms in the file), no direction marks, one space between words."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.split())


def text_lines(data):
    """(text, (x0, y0, x1, y1), bold) of every line of text on the pages, read by pdfminer."""
    pages = list(extract_pages(io.BytesIO(data)))
    lines = []
    for page in pages:
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                if isinstance(line, LTTextLine) and line.get_text().strip():
                    fonts = {char.fontname for char in line if isinstance(char, LTChar)}
                    bold = all("Bold" in font for font in fonts)
                    lines.append((line.get_text().strip(), line.bbox, bold))
    return len(pages), lines


def part_of(name, text):
    """Whether a line of text is a piece of the name, as read or as drawn right to left."""
    return plain(text) in plain(name) or plain(text)[::-1] in plain(name)


def box_of(lines):
    return (
        min(line[1][0] for line in lines),
        min(line[1][1] for line in lines),
        max(line[1][2] for line in lines),
        max(line[1][3] for line in lines),
    )


def overlap(first, second):
    return not (
        first[2] <= second[0]
        or second[2] <= first[0]
        or first[3] <= second[1]
        or second[3] <= first[1]
    )


def extracted_by_poppler(data, tmp_path):
    """The text as poppler's pdftotext reads it: in reading order, right to left included."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) must be installed")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603 - the system's pdftotext, on the test's own file
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def signed_template(lisbon):
    template = CertificateTemplate(academy=lisbon.academy, name="Exchange", kind="attendance")
    template.texts = [CertificateText(language="en", title="Certificate of attendance", body=BODY)]
    template.signatories = [Signatory(name=name, function="Director") for name in SIGNATORIES]
    template.save()
    return template


@pytest.mark.parametrize("script", NAMES)
def test_the_name_body_signatures_and_verification_never_overlap_on_one_page(
    lisbon, signed_template, script
):
    name = NAMES[script]
    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=name)))

    pages, lines = text_lines(certificate.pdf.read())

    assert pages == 1
    # Each part is found by what it says, and the name by its bold face: it also comes
    # back, in the regular face, inside the body.
    signatures = [line for line in lines if any(s in line[0] for s in [*SIGNATORIES, "Director"])]
    verification = [
        line
        for line in lines
        if "certificates/verify" in line[0]
        or certificate.code[:4] in line[0].replace("-", "")
        or "Verify this certificate" in line[0]
    ]
    name_lines = [line for line in lines if line[2] and part_of(name, line[0])]
    body = [
        line
        for line in lines
        if not line[2]
        and line not in signatures + verification
        and (part_of(name, line[0]) or any(word in line[0] for word in BODY_WORDS))
    ]
    parts = {
        "name": name_lines,
        "body": body,
        "signatures": signatures,
        "verification": verification,
    }
    assert all(parts.values()), {part: len(found) for part, found in parts.items()}
    boxes = {part: box_of(found) for part, found in parts.items()}
    for first in boxes:
        for second in boxes:
            if first < second:
                assert not overlap(boxes[first], boxes[second]), (first, second, boxes)


@pytest.mark.parametrize("ligatures", ["عبد الله بن سلام", "لؤي لا"])
def test_an_arabic_name_with_ligatures_is_extractable(lisbon, ligatures, tmp_path):
    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=ligatures)))

    assert plain(ligatures) in plain(extracted_by_poppler(certificate.pdf.read(), tmp_path))


@pytest.mark.parametrize("script", NAMES)
def test_the_name_is_extractable_as_text_in_its_reading_order(lisbon, script, tmp_path):
    name = NAMES[script]
    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=name)))
    data = certificate.pdf.read()

    assert plain(name) in plain(extracted_by_poppler(data, tmp_path))
    # Every letter is drawn from an embedded font that has it: no empty boxes (.notdef).
    assert "\ufffd" not in extracted_by_poppler(data, tmp_path)


def test_a_right_to_left_name_is_drawn_right_to_left_and_joined(lisbon):
    name = NAMES["arabic"]
    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=name)))

    _pages, lines = text_lines(certificate.pdf.read())

    # Read as drawn, left to right: the last word of the name comes first, in joined forms.
    drawn = next(text for text, _box, bold in lines if bold and part_of(name, text))
    assert any("\ufb50" <= char <= "\ufeff" for char in drawn)
    assert plain(drawn) == plain(name)[::-1]


def test_a_300_character_account_name_still_prints_on_one_page(lisbon):
    officer = UserFactory(full_name="", first_name="Maximiliane " * 12, last_name="Ñ" * 150)
    certificate = issue_certificate(completed(lisbon.academy, officer))

    assert len(PdfReader(io.BytesIO(certificate.pdf.read())).pages) == 1


@pytest.mark.parametrize("name", ["Officer 🚓", "李小龍", "Ἀ\U0001d504 Gothic"])
def test_a_name_the_fonts_cannot_print_is_refused_in_the_profile_with_a_clear_message(db, name):
    form = ProfileForm(
        data={
            "full_name": name,
            "force": ForceFactory().pk,
            "participant_type": Profile.ParticipantType.OFFICER,
            "preferred_language": "en",
        }
    )

    assert not form.is_valid()
    (message,) = form.errors["full_name"]
    assert "cannot print" in message and "U+" in message


@pytest.mark.parametrize("name", NAMES.values())
def test_a_name_in_any_script_of_the_network_is_accepted_in_the_profile(db, name):
    form = ProfileForm(
        data={
            "full_name": name,
            "force": ForceFactory().pk,
            "participant_type": Profile.ParticipantType.OFFICER,
            "preferred_language": "en",
        }
    )

    assert form.is_valid(), form.errors


def test_an_unprintable_name_is_refused_in_a_coordinators_import(db):
    form = ImportedOfficerForm(
        data={
            "email": "x@academy.example",
            "full_name": "Officer ☃",
            "preferred_language": "en",
            "participant_type": "officer",
        }
    )

    assert not form.is_valid() and "full_name" in form.errors


def test_an_unprintable_signatory_name_is_refused(lisbon):
    template = CertificateTemplate(academy=lisbon.academy, name="T")
    signatory = Signatory(template=template, name="Director 🚓", function="Director")

    with pytest.raises(ValidationError) as refused:
        signatory.full_clean(exclude=["template", "signature"])
    assert "name" in refused.value.message_dict


def test_the_refusal_is_translated(db, settings):
    from django.utils import translation

    with translation.override("fr"):
        form = ProfileForm(data={"full_name": "🚓"})
        form.is_valid()
        (message,) = form.errors["full_name"]

    assert "ne peuvent pas imprimer" in message
