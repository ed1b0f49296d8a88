"""Content packages are checked before anything is kept: what they are, and what is refused."""

import io
import stat
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import ContentPackage
from courses.packages import inspect_package
from courses.services.packages import add_package
from tests.courses.package_builders import (
    h5p_files,
    package_course,
    scorm12_files,
    scorm2004_files,
    upload,
    zip_bytes,
)


def refusal(data):
    with pytest.raises(ValidationError) as caught:
        inspect_package(io.BytesIO(data))
    return caught.value


def with_entry(info, content=b"x"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in scorm12_files().items():
            archive.writestr(name, text)
        archive.writestr(info, content)
    return buffer.getvalue()


def test_a_scorm_12_package_gives_its_sco_launch_file_and_mastery_score():
    inspection = inspect_package(io.BytesIO(zip_bytes(scorm12_files())))

    assert inspection.kind == "scorm12"
    assert inspection.title == "Community policing in practice"
    assert inspection.scos == [
        {"identifier": "lesson-1", "title": "Listening to residents", "launch": "index.html"}
    ]
    assert inspection.mastery_score == Decimal("0.8")


def test_a_scorm_2004_package_gives_its_scaled_passing_score():
    inspection = inspect_package(io.BytesIO(zip_bytes(scorm2004_files(mastery="0.75"))))

    assert inspection.kind == "scorm2004"
    assert inspection.scos[0]["launch"] == "index.html"
    assert inspection.mastery_score == Decimal("0.75")


def test_an_h5p_file_is_recognised_by_its_h5p_json():
    inspection = inspect_package(io.BytesIO(zip_bytes(h5p_files())))

    assert inspection.kind == "h5p"
    assert inspection.title == "Vulnerable groups: a quick check"


def test_an_added_package_is_unpacked_into_private_storage(lisbon, settings):
    package = add_package(academy=lisbon.academy, title="", uploaded=upload(scorm12_files()))

    storage = package.archive.storage
    assert storage.exists(f"{package.folder}/index.html")
    assert storage.exists(f"{package.folder}/sco.js")
    assert str(settings.PRIVATE_STORAGE_ROOT) in storage.path(f"{package.folder}/index.html")
    assert package.title == "Community policing in practice"
    assert package.file_count == 3


def test_a_path_climbing_out_of_the_package_is_refused():
    error = refusal(with_entry(zipfile.ZipInfo("../../etc/cron.d/evil.txt")))

    assert error.code == "zip_slip"
    assert "leads outside" in error.messages[0]


def test_an_absolute_path_is_refused():
    error = refusal(with_entry(zipfile.ZipInfo("/var/www/index.html")))

    assert error.code == "zip_slip"


def test_a_windows_path_climbing_out_is_refused():
    error = refusal(with_entry(zipfile.ZipInfo("content\\..\\..\\evil.js")))

    assert error.code == "zip_slip"


def test_a_symbolic_link_is_refused():
    link = zipfile.ZipInfo("images/secret.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    error = refusal(with_entry(link, b"/etc/passwd"))

    assert error.code == "symlink"
    assert "symbolic link" in error.messages[0]


def test_too_many_files_are_refused(settings):
    settings.ACADEMY_PACKAGE_MAX_FILES = 5
    files = {**scorm12_files(), **{f"page{n}.html": "<p></p>" for n in range(5)}}

    error = refusal(zip_bytes(files))

    assert error.code == "too_many_files"


def test_a_package_too_big_once_unpacked_is_refused(settings):
    settings.ACADEMY_PACKAGE_MAX_BYTES = 100 * 1024
    files = {**scorm12_files(), "video.mp4": bytes(range(256)) * 512}

    error = refusal(zip_bytes(files))

    assert error.code == "too_big"


def test_a_file_compressed_like_a_zip_bomb_is_refused():
    files = {**scorm12_files(), "padding.txt": b"\0" * (5 * 1024 * 1024)}

    error = refusal(zip_bytes(files))

    assert error.code == "ratio"
    assert "zip bomb" in error.messages[0]


@pytest.mark.parametrize("name", ["setup.exe", "shell.php", "run.sh", "app.py", "Web.config"])
def test_files_that_are_not_content_are_refused(name):
    error = refusal(zip_bytes({**scorm12_files(), name: "payload"}))

    assert error.code == "not_content"
    assert name in error.messages[0]


def test_a_file_that_is_not_a_zip_is_refused():
    error = refusal(b"%PDF-1.7 not a package")

    assert error.code == "not_zip"


def test_a_manifest_launching_a_missing_file_is_refused():
    error = refusal(zip_bytes(scorm12_files(launch="start.html")))

    assert error.code == "launch_missing"


def test_a_trainer_uploads_a_package_for_their_city(client, lisbon, lisbon_trainer):
    client.force_login(lisbon_trainer)
    archive = SimpleUploadedFile("lesson.zip", zip_bytes(scorm2004_files()), "application/zip")

    response = client.post(
        reverse("wagtailsnippets_courses_contentpackage:add"),
        {"academy": lisbon.academy.pk, "title": "", "archive": archive},
    )

    assert response.status_code == 302
    package = ContentPackage.objects.get()
    assert (package.academy, package.kind) == (lisbon.academy, "scorm2004")
    assert package.archive.storage.exists(f"{package.folder}/index.html")


def test_the_upload_form_says_why_a_hostile_package_is_refused(client, lisbon, lisbon_trainer):
    client.force_login(lisbon_trainer)
    hostile = SimpleUploadedFile(
        "lesson.zip", with_entry(zipfile.ZipInfo("../evil.html")), "application/zip"
    )

    response = client.post(
        reverse("wagtailsnippets_courses_contentpackage:add"),
        {"academy": lisbon.academy.pk, "title": "", "archive": hostile},
    )

    assert response.status_code == 200
    assert "leads outside it" in response.content.decode()
    assert not ContentPackage.objects.exists()


def test_a_trainer_sees_only_their_citys_packages(client, lisbon, madrid, madrid_trainer):
    add_package(academy=lisbon.academy, title="Lisbon lesson", uploaded=upload(scorm12_files()))
    client.force_login(madrid_trainer)

    listing = client.get(reverse("wagtailsnippets_courses_contentpackage:list"))

    assert listing.status_code == 200
    assert "Lisbon lesson" not in listing.content.decode()


def test_a_package_a_module_plays_is_not_deleted(client, lisbon, lisbon_coordinator):
    _course, module, package = package_course(lisbon.academy, scorm12_files())
    client.force_login(lisbon_coordinator)

    response = client.post(
        reverse("wagtailsnippets_courses_contentpackage:delete", args=[package.pk])
    )

    assert response.status_code < 500
    assert ContentPackage.objects.filter(pk=package.pk).exists()


def test_the_upload_form_offers_only_the_trainers_own_academy(
    client, lisbon, madrid, madrid_trainer
):
    client.force_login(madrid_trainer)

    form = client.get(reverse("wagtailsnippets_courses_contentpackage:add")).content.decode()

    assert f'<option value="{madrid.academy.pk}" selected>' in form
    assert "Lisbon Municipal Police" not in form
