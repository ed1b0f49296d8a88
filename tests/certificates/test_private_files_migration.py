"""The migration that moves certificate PDFs and signature images out of the public media."""

import hashlib
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex

from academy.services import onboard_city
from certificates.models import Certificate, CertificateTemplate, Signatory
from certificates.services import issue_certificate
from tests.certificates.test_certificates import completed
from tests.certificates.test_private_files import files_under
from tests.conftest import CITIES
from tests.courses.builders import sample_image

BEFORE = [("certificates", "0001_initial")]
AFTER = [("certificates", "0002_private_files")]
SIGNATURE_PATH = "signatories.item.signature"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def reference(source, image, model_path):
    """The reference index's row saying that ``source`` uses ``image`` (as Wagtail keeps it)."""
    content_type = ContentType.objects.get_for_model(source)
    ReferenceIndex.objects.create(
        content_type=content_type,
        base_content_type=content_type,
        object_id=str(source.pk),
        to_content_type=ContentType.objects.get_for_model(image),
        to_object_id=str(image.pk),
        model_path=model_path,
        content_path=model_path,
        content_path_hash=uuid.uuid4(),
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_pdfs_and_signatures_out_of_the_media_and_deletes_the_copies(
    media_root,
):
    lisbon = onboard_city(**CITIES["lisbon"])
    template = CertificateTemplate.objects.create(academy=lisbon.academy, name="Signed")
    signed_alone, signed_shared, signed_unreadable = (
        Signatory.objects.create(template=template, name=name, function="Director")
        for name in ("Ana", "Rui", "Eva")
    )
    signature, shared = sample_image("Signature"), sample_image("Also a course cover")
    unreadable = sample_image("An SVG drawing")
    unreadable.file.storage.delete(unreadable.file.name)
    unreadable.file.storage.save(unreadable.file.name, ContentFile(b"<svg></svg>"))
    signature_bytes = signature.file.read()
    rendition = signature.get_rendition("max-600x240|format-png").file.name
    certificate = issue_certificate(completed(lisbon.academy))
    pdf = certificate.pdf.read()
    old_pdf = f"certificates/{certificate.year}/{certificate.serial}.pdf"

    # The records as the code before this migration left them.
    old = migrate(BEFORE)
    public = storages["default"]
    public.delete(certificate.pdf.name)  # where going back put it; the old code named it so:
    public.save(old_pdf, ContentFile(pdf))
    snapshot = {
        **certificate.snapshot,
        "signatories": [{"name": "Ana", "function": "Director", "signature_id": signature.pk}],
    }
    old.get_model("certificates", "Certificate").objects.filter(pk=certificate.pk).update(
        pdf=old_pdf, snapshot=snapshot
    )
    old_signatories = old.get_model("certificates", "Signatory").objects
    old_signatories.filter(pk=signed_alone.pk).update(signature=signature.pk)
    old_signatories.filter(pk=signed_shared.pk).update(signature=shared.pk)
    old_signatories.filter(pk=signed_unreadable.pk).update(signature=unreadable.pk)
    reference(template, signature, SIGNATURE_PATH)
    reference(template, shared, SIGNATURE_PATH)
    reference(lisbon.academy, shared, "cover_image")

    migrate(AFTER)

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.serial not in certificate.pdf.name
    assert hashlib.sha256(certificate.pdf.read()).hexdigest() == certificate.sha256
    assert not public.exists(old_pdf)
    moved = Signatory.objects.get(pk=signed_alone.pk).signature
    assert moved.storage is storages["private"] and moved.read() == signature_bytes
    assert certificate.snapshot["signatories"] == [
        {"name": "Ana", "function": "Director", "signature": moved.name}
    ]
    assert not get_image_model().objects.filter(pk=signature.pk).exists()
    assert not public.exists(signature.file.name) and not public.exists(rendition)
    # An image something else uses stays in the library; the signatory has its own copy.
    assert get_image_model().objects.filter(pk=shared.pk).exists()
    assert Signatory.objects.get(pk=signed_shared.pk).signature.read() == shared.file.read()
    # One that is no picture stays too (the migration says so): nothing is lost.
    assert Signatory.objects.get(pk=signed_unreadable.pk).signature.name == ""
    assert get_image_model().objects.filter(pk=unreadable.pk).exists()
    assert not ReferenceIndex.objects.filter(model_path=SIGNATURE_PATH).exists()
    assert not [path for path, data in files_under(media_root) if data.startswith(b"%PDF")]
