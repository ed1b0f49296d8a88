"""Certificate PDFs and signature images move to the private storage under names nobody can
guess; the public copies are deleted once the migration is committed.

PDFs were public at /media/certificates/<year>/<serial>.pdf; signatures were images of the
public media library. A signature image that something else still uses (a page, a logo)
stays in the library: it is public through that use anyway.
"""

import io

import django.core.validators
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations, models, transaction
from PIL import Image as PILImage

import certificates.models
import certificates.storage
from certificates.storage import PRIVATE, unguessable_name

SIGNATURE_PATH = "signatories.item.signature"


def _say(text):
    print(f"\n  {text}", end="")


def _private_copy_of_signature(public, name):
    """The signature's bytes as a PNG or JPEG file in the private storage, or None."""
    try:
        with public.open(name, "rb") as handle:
            data = handle.read()
        with PILImage.open(io.BytesIO(data)) as picture:
            kind = picture.format
            if kind not in {"PNG", "JPEG"}:
                buffer = io.BytesIO()
                picture.convert("RGBA").save(buffer, format="PNG")
                data, kind = buffer.getvalue(), "PNG"
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None
    extension = "png" if kind == "PNG" else "jpg"
    return storages[PRIVATE].save(unguessable_name("signatures", extension), ContentFile(data))


def move_signatures(apps, public):
    """Copy each signature to the private storage; returns the private names by image, and
    the images no longer needed (copied, and used by nothing else)."""
    Signatory = apps.get_model("certificates", "Signatory")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    names = {}  # image id -> private file name, one copy per image
    for signatory in Signatory.objects.exclude(old_signature=None).select_related(
        "old_signature"
    ):
        image = signatory.old_signature
        if image.pk not in names:
            names[image.pk] = _private_copy_of_signature(public, image.file.name)
            if names[image.pk] is None:
                _say(
                    f"The signature image {image.pk} cannot be read as a picture: it stays in "
                    "the media library; upload the signature again and delete that image."
                )
        Signatory.objects.filter(pk=signatory.pk).update(signature=names[image.pk] or "")
    used_elsewhere = set(
        ReferenceIndex.objects.filter(
            to_content_type__app_label="wagtailimages",
            to_content_type__model="image",
            to_object_id__in=[str(pk) for pk in names],
        )
        .exclude(model_path=SIGNATURE_PATH)
        .values_list("to_object_id", flat=True)
    )
    ReferenceIndex.objects.filter(model_path=SIGNATURE_PATH).delete()
    for pk in used_elsewhere:
        _say(f"The signature image {pk} stays in the media library: something else uses it.")
    return names, {pk for pk, name in names.items() if name and str(pk) not in used_elsewhere}


def move_pdfs(apps, public):
    """Copy each PDF to the private storage under a random name; returns the old names."""
    Certificate = apps.get_model("certificates", "Certificate")
    private = storages[PRIVATE]
    old_names = []
    for certificate in Certificate.objects.exclude(pdf="").only("pk", "year", "pdf").iterator():
        old = certificate.pdf.name
        if not public.exists(old):
            continue  # lost before this migration: nothing to copy
        if not private.exists(old):  # else moved already, and copied back by the reverse
            with public.open(old, "rb") as handle:
                new = private.save(
                    unguessable_name(f"certificates/{certificate.year}", "pdf"), handle
                )
            Certificate.objects.filter(pk=certificate.pk).update(pdf=new)
        old_names.append(old)
    return old_names


def name_signatures_in_snapshots(apps, names):
    """What each certificate printed now names the signature's private file."""
    Certificate = apps.get_model("certificates", "Certificate")
    changed = []
    for certificate in Certificate.objects.only("pk", "snapshot").iterator():
        signatories = certificate.snapshot.get("signatories", [])
        if not any("signature_id" in signatory for signatory in signatories):
            continue
        for signatory in signatories:
            image_id = signatory.pop("signature_id", None)
            signatory["signature"] = names.get(image_id) or ""
        changed.append(certificate)
        if len(changed) == 500:
            Certificate.objects.bulk_update(changed, ["snapshot"])
            changed = []
    Certificate.objects.bulk_update(changed, ["snapshot"])


def delete_images(apps, image_ids):
    """Delete the signature images (and renditions) from the library; returns their files."""
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    files = list(Image.objects.filter(pk__in=image_ids).values_list("file", flat=True))
    files += Rendition.objects.filter(image__in=image_ids).values_list("file", flat=True)
    Image.objects.filter(pk__in=image_ids).delete()
    return files


def move_to_private_storage(apps, schema_editor):
    public = storages["default"]
    old_pdfs = move_pdfs(apps, public)
    names, unused_images = move_signatures(apps, public)
    name_signatures_in_snapshots(apps, names)
    old_files = old_pdfs + delete_images(apps, unused_images)

    def delete_public_copies():
        for name in old_files:
            public.delete(name)

    # Only once the new names are committed: a failed migration keeps every public copy.
    transaction.on_commit(delete_public_copies, using=schema_editor.connection.alias)
    if schema_editor.connection.vendor == "postgresql":
        # The deletions above leave deferred foreign-key checks pending; the column
        # removed next cannot be altered while they are.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def back_to_public_storage(apps, schema_editor):
    """PDFs go back to the public storage (under their random names). Signatures stay in
    the private storage: their signatories are left without one, to be chosen again."""
    Certificate = apps.get_model("certificates", "Certificate")
    public, private = storages["default"], storages[PRIVATE]
    for certificate in Certificate.objects.exclude(pdf="").only("pk", "pdf").iterator():
        name = certificate.pdf.name
        if private.exists(name) and not public.exists(name):
            with private.open(name, "rb") as handle:
                public.save(name, handle)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("wagtailcore", "0078_referenceindex"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(
                max_length=200,
                storage=certificates.storage.private_storage,
                upload_to=certificates.storage.certificate_path,
                verbose_name="PDF",
            ),
        ),
        migrations.RenameField(
            model_name="signatory", old_name="signature", new_name="old_signature"
        ),
        migrations.AddField(
            model_name="signatory",
            name="signature",
            field=models.ImageField(
                blank=True,
                default="",
                help_text="A PNG or JPEG picture of the signature, at most 1 MB, kept private.",
                max_length=200,
                storage=certificates.storage.private_storage,
                upload_to=certificates.storage.signature_path,
                validators=[
                    django.core.validators.FileExtensionValidator(["png", "jpg", "jpeg"]),
                    certificates.models.validate_signature_image,
                ],
                verbose_name="signature image",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(move_to_private_storage, back_to_public_storage),
        migrations.RemoveField(model_name="signatory", name="old_signature"),
    ]
