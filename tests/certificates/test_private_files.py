"""Certificate PDFs and signature images: kept in the private storage under names nobody can
guess, and handed only to the holder, the issuing city's coordinators and network admins."""

import hashlib
import importlib
import io
import os

import pytest
from django.core.files.storage import storages
from django.urls import clear_url_caches, reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateTemplate, CertificateText, Signatory
from certificates.rendering import RenderError
from certificates.services import issue_certificate, reissue, revoke
from tests.certificates.test_certificates import completed, pdf_text
from tests.courses.builders import sample_image
from tests.factories import UserFactory, signature_picture, signature_upload

TEMPLATES = "/admin/snippets/certificates/certificatetemplate"
CHOOSER = "/admin/snippets/choose/certificates/certificatetemplate"


def signed_template(academy, *, name="Signed", logo=None, signatures=None):
    """A Lisbon-style template with a signatory per signature (one by default)."""
    signatures = signatures if signatures is not None else [signature_upload()]
    template = CertificateTemplate(academy=academy, name=name, kind="attendance", logo=logo)
    template.texts = [CertificateText(language="en", title="Attendance", body="{name} came")]
    template.signatories = [
        Signatory(name=f"Signatory {number}", function="Director", signature=signature)
        for number, signature in enumerate(signatures, start=1)
    ]
    template.save()
    return template


def pdf_images(data):
    return [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]


def files_under(folder):
    for directory, _folders, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                yield path, handle.read()


# Where the files are


def test_issuing_leaves_no_certificate_or_signature_file_under_media_root(
    settings, tmp_path, lisbon
):
    settings.MEDIA_ROOT = tmp_path / "media"
    picture = signature_picture()
    signed_template(
        lisbon.academy,
        logo=sample_image("Lisbon logo"),
        signatures=[signature_upload(), signature_upload("director.jpg")],
    )
    signatures = [s.signature.read() for s in Signatory.objects.all()]

    certificate = issue_certificate(completed(lisbon.academy))

    pdf = certificate.pdf.read()
    assert len(pdf_images(pdf)) == 4  # the logo, both signatures and the QR code printed
    public = dict(files_under(settings.MEDIA_ROOT))
    assert public  # the logo, an image of the media library, is there
    assert not [path for path, data in public.items() if data.startswith(b"%PDF")]
    assert not [path for path, data in public.items() if data in (pdf, picture, *signatures)]
    assert not [path for path in public if "certificates" in path or "signature" in path]


def test_the_private_storage_is_outside_the_media_root(settings):
    private = storages["private"].location

    assert not os.path.abspath(private).startswith(os.path.abspath(settings.MEDIA_ROOT))


def test_pdf_and_signature_names_say_nothing_and_cannot_be_guessed(lisbon):
    signed_template(lisbon.academy, signatures=[signature_upload("Ana Carvalho.png")])
    first = issue_certificate(completed(lisbon.academy))
    second = issue_certificate(completed(lisbon.academy))

    names = [first.pdf.name, second.pdf.name, Signatory.objects.get().signature.name]
    for certificate in (first, second):
        assert certificate.serial not in certificate.pdf.name
        assert certificate.code not in certificate.pdf.name
    assert "Carvalho" not in names[2]
    tokens = [os.path.splitext(os.path.basename(name))[0] for name in names]
    assert len(set(tokens)) == 3 and all(len(token) >= 32 for token in tokens)


@pytest.fixture(params=[False, True], ids=["production", "debug serving media"])
def site_urls(request, settings):
    """The site's URLs as served, and with DEBUG on, when academy/urls.py adds the media
    files' addresses (the old home of the PDFs)."""
    import config.urls

    settings.DEBUG = request.param
    importlib.reload(config.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_old_public_address_of_a_pdf_is_not_found(client, site_urls, lisbon):
    certificate = issue_certificate(completed(lisbon.academy))
    addresses = [
        f"/media/certificates/{certificate.year}/{certificate.serial}.pdf",
        f"/media/{certificate.pdf.name}",
    ]

    for address in addresses:
        response = client.get(address, follow=True)
        assert response.status_code == 404, address
        assert not b"".join(getattr(response, "streaming_content", [])).startswith(b"%PDF")


def test_a_signature_has_no_public_address(client, site_urls, lisbon):
    signature = signed_template(lisbon.academy).signatories.get().signature

    response = client.get(f"/media/{signature.name}", follow=True)

    assert response.status_code == 404


# Who gets a PDF


STATUSES = ["valid", "revoked", "superseded"]


@pytest.fixture(params=STATUSES)
def certificate(request, lisbon, network_admin):
    """A Lisbon certificate in each of its states, with its holder."""
    certificate = issue_certificate(completed(lisbon.academy))
    if request.param == "revoked":
        revoke(certificate, by=network_admin, reason="Issued to the wrong officer")
    if request.param == "superseded":
        reissue(certificate, by=network_admin)
    certificate.refresh_from_db()
    assert certificate.status == request.param
    return certificate


def holder_of(certificate):
    return certificate.enrolment.officer


def pdf_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_the_holder_downloads_their_certificate_whatever_its_status(client, certificate):
    client.force_login(holder_of(certificate))

    data = pdf_of(client.get(reverse("certificate_download", args=[certificate.pk])))

    assert hashlib.sha256(data).hexdigest() == certificate.sha256
    assert certificate.serial in pdf_text(data)


@pytest.mark.parametrize("staff", ["lisbon_coordinator", "network_admin"])
def test_the_issuing_citys_coordinator_and_a_network_admin_download_it(
    client, request, certificate, staff
):
    client.force_login(request.getfixturevalue(staff))

    data = pdf_of(client.get(reverse("certificates_admin_pdf", args=[certificate.pk])))

    assert hashlib.sha256(data).hexdigest() == certificate.sha256


def test_the_certificate_page_of_the_admin_links_the_download(
    client, certificate, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("certificates:inspect", args=[certificate.pk])).content.decode()

    assert reverse("certificates_admin_pdf", args=[certificate.pk]) in page


@pytest.mark.parametrize(
    "someone",
    [
        "anonymous",
        "another officer",
        "lisbon_trainer",
        "madrid_coordinator",
        "madrid_trainer",
    ],
)
def test_nobody_else_gets_the_pdf(client, request, certificate, someone):
    if someone == "another officer":
        client.force_login(UserFactory())
    elif someone != "anonymous":
        client.force_login(request.getfixturevalue(someone))
    addresses = [
        reverse("certificate_download", args=[certificate.pk]),
        reverse("certificates_admin_pdf", args=[certificate.pk]),
        reverse("certificates_admin_session_zip", args=[certificate.enrolment.session_id]),
    ]

    for address in addresses:
        response = client.get(address)
        assert response.status_code in (302, 403, 404), address
        assert response.get("Content-Type") not in ("application/pdf", "application/zip")


def test_no_shared_cache_keeps_a_downloaded_pdf(client, lisbon):
    certificate = issue_certificate(completed(lisbon.academy))
    client.force_login(holder_of(certificate))

    response = client.get(reverse("certificate_download", args=[certificate.pk]))

    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


# Signatures: uploaded in the template form, read by the renderer


def template_form(academy, **fields):
    """What the template form posts: one text, and the given signatory fields."""
    signatories = fields.pop("signatories", [])
    form = {
        "academy": academy.pk,
        "name": "Signed design",
        "kind": "attendance",
        "orientation": "landscape",
        "accent_colour": "#123456",
        "logo": "",
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "0",
        "texts-MIN_NUM_FORMS": "1",
        "texts-MAX_NUM_FORMS": "1000",
        "texts-0-language": "en",
        "texts-0-title": "Attendance",
        "texts-0-body": "{name} came",
        "texts-0-ORDER": "1",
        "signatories-TOTAL_FORMS": str(len(signatories)),
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "3",
        **fields,
    }
    for number, signatory in enumerate(signatories):
        form.update({f"signatories-{number}-{key}": value for key, value in signatory.items()})
        form[f"signatories-{number}-ORDER"] = str(number + 1)
    return form


def test_a_coordinator_uploads_a_signature_in_the_template_form_and_it_prints(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)
    signatory = {"name": "Ana Luísa Carvalho", "function": "Director"}
    signatory["signature"] = signature_upload()

    response = client.post(
        f"{TEMPLATES}/add/", template_form(lisbon.academy, signatories=[signatory])
    )

    assert response.status_code == 302
    stored = Signatory.objects.get().signature
    assert stored.read() == signature_picture()
    certificate = issue_certificate(completed(lisbon.academy))
    assert len(pdf_images(certificate.pdf.read())) == 2  # the signature and the QR code


def gif():
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (40, 20), "black").save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("signature.gif", gif(), "File extension “gif” is not allowed"),
        ("signature.png", gif(), "Upload the signature as a PNG or JPEG picture."),
        ("signature.png", b"%PDF-1.4 not a picture", "Upload a valid image."),
        ("signature.png", signature_picture(size=(4000, 40)), "4000 × 40 pixels"),
        ("signature.png", signature_picture(size=(2900, 2900)) + b"\0" * 2**20, "1 MB"),
    ],
    ids=["a gif", "a gif named png", "not a picture", "too wide", "too heavy"],
)
def test_a_signature_that_is_not_a_sane_png_or_jpeg_is_refused_with_a_clear_message(
    client, lisbon, lisbon_coordinator, name, data, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lisbon_coordinator)
    signatory = {"name": "Ana", "function": "Director"}
    signatory["signature"] = SimpleUploadedFile(name, data)

    response = client.post(
        f"{TEMPLATES}/add/", template_form(lisbon.academy, signatories=[signatory])
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_the_template_form_shows_the_signature_through_a_checked_view(
    client, lisbon, lisbon_coordinator
):
    signatory = signed_template(lisbon.academy).signatories.get()
    client.force_login(lisbon_coordinator)

    page = client.get(f"{TEMPLATES}/edit/{signatory.template_id}/").content.decode()

    address = reverse("certificates_admin_signature", args=[signatory.pk])
    assert f'href="{address}"' in page
    assert signatory.signature.name not in page
    response = client.get(address)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == signature_picture()


@pytest.mark.parametrize(
    "someone", ["anonymous", "another officer", "lisbon_trainer", "madrid_coordinator"]
)
def test_nobody_else_sees_a_signature(client, request, lisbon, someone):
    signatory = signed_template(lisbon.academy).signatories.get()
    if someone == "another officer":
        client.force_login(UserFactory())
    elif someone != "anonymous":
        client.force_login(request.getfixturevalue(someone))

    response = client.get(reverse("certificates_admin_signature", args=[signatory.pk]))

    assert response.status_code in (302, 403, 404)
    assert not response.get("Content-Type", "").startswith("image/")


def test_the_template_preview_prints_the_signature(client, lisbon, lisbon_coordinator):
    template = signed_template(lisbon.academy)
    signatory = template.signatories.get()
    client.force_login(lisbon_coordinator)
    url = f"{TEMPLATES}/preview/{template.pk}/"
    form = template_form(
        lisbon.academy,
        **{
            "signatories-TOTAL_FORMS": "1",
            "signatories-INITIAL_FORMS": "1",
            "signatories-0-id": str(signatory.pk),
            "signatories-0-name": "Ana Luísa Carvalho",
            "signatories-0-function": "Director",
            "signatories-0-ORDER": "1",
        },
    )

    assert client.post(url, form).json()["is_valid"]
    response = client.get(url)

    assert response["Content-Type"] == "application/pdf"
    assert len(pdf_images(response.content)) == 2  # the signature and the QR code
    assert "Ana Luísa Carvalho" in pdf_text(response.content)


def test_a_lost_signature_file_is_explained(lisbon):
    signature = signed_template(lisbon.academy).signatories.get().signature
    signature.storage.delete(signature.name)

    with pytest.raises(RenderError, match="The signature of “Signatory 1” cannot be read"):
        issue_certificate(completed(lisbon.academy))
    assert not Certificate.objects.exists()


# Settings


def test_production_can_keep_the_private_files_in_a_private_bucket(monkeypatch):
    from config.settings.base import private_storage

    monkeypatch.setenv("PRIVATE_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("PRIVATE_STORAGE_BUCKET", "academy-private")
    monkeypatch.setenv("PRIVATE_STORAGE_ENDPOINT_URL", "https://s3.example.eu")

    storage = private_storage("/unused")

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "academy-private"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.eu"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert storage["OPTIONS"]["file_overwrite"] is False


def test_an_unknown_private_storage_backend_stops_the_settings(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import private_storage

    monkeypatch.setenv("PRIVATE_STORAGE_BACKEND", "public")

    with pytest.raises(ImproperlyConfigured, match="filesystem or s3"):
        private_storage("/unused")
