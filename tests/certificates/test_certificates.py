"""Certificates: issued on completion, printed in every script, verified, revoked, reissued."""

import datetime
import hashlib
import io
import re
import zipfile

import django
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from xhtml2pdf.config.resources import ResourceAccessError

from certificates import rendering, services
from certificates.models import Certificate, CertificateTemplate, CertificateText, SerialNumber
from certificates.services import CertificateRefused, issue_certificate, reissue, revoke
from courses.models import Enrolment
from courses.services import complete, enrol
from tests.academy.sessions import make_session
from tests.concurrency import race_test, run_at_once
from tests.factories import UserFactory, signature_upload

NAMES = ["Łukasz Żółć", "Γιώργος Παπαδόπουλος", "Иван Петров"]


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def main(response):
    """The page's main content (the header links back to the page's own address)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def pdf_fonts(data):
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get(
                "/FontDescriptor"
            )
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts.add((str(font["/BaseFont"]).split("+")[-1], embedded))
    return fonts


def completed(academy, officer=None, **session_fields):
    """A completed enrolment in an Exchange Day of ``academy`` (certificates issued by hand)."""
    session_fields.setdefault("certificates_on_completion", False)
    session_fields.setdefault("capacity", 600)
    session = session_fields.pop("session", None) or make_session(academy, **session_fields)
    enrolment = enrol(officer or UserFactory(), session)
    complete(enrolment)
    return Enrolment.objects.get(pk=enrolment.pk)


def test_completing_a_session_issues_the_certificate_in_the_officers_language(
    lisbon, django_capture_on_commit_callbacks
):
    officer = UserFactory(full_name="Sophie Dubois", preferred_language="fr")
    session = make_session(lisbon.academy, title="Journée d'échange à Lisbonne", capacity=5)
    enrolment = enrol(officer, session)

    with django_capture_on_commit_callbacks(execute=True):
        complete(enrolment)

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert re.fullmatch(r"LIS-\d{4}-000001", certificate.serial)
    assert len(certificate.code) == 32  # 160 random bits in base 32
    data = certificate.pdf.read()
    assert hashlib.sha256(data).hexdigest() == certificate.sha256
    text = pdf_text(data)
    assert "Attestation de participation" in text
    assert "Sophie Dubois" in text and certificate.serial in text
    assert certificate.snapshot["name"] == "Sophie Dubois"
    assert certificate.language == "fr"


def test_a_session_can_leave_certificates_to_the_coordinator(
    lisbon, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        completed(lisbon.academy, officer)

    assert not Certificate.objects.exists()


def test_issuing_twice_returns_the_same_certificate(lisbon):
    enrolment = completed(lisbon.academy)

    first = issue_certificate(enrolment)
    second = issue_certificate(enrolment)

    assert first == second
    assert Certificate.objects.count() == 1


def test_only_a_completed_enrolment_earns_a_certificate(lisbon, officer):
    enrolment = enrol(officer, make_session(lisbon.academy))

    with pytest.raises(CertificateRefused, match="completed enrolment"):
        issue_certificate(enrolment)


@pytest.mark.parametrize("name", NAMES)
def test_names_in_every_european_script_print_with_embedded_fonts(lisbon, name):
    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=name)))

    data = certificate.pdf.read()
    assert name in pdf_text(data)
    fonts = pdf_fonts(data)
    assert any(font.startswith("Noto") and embedded for font, embedded in fonts)


def test_html_in_a_name_prints_as_text(lisbon):
    name = '<font color="[[[1]]]">x</font>'

    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=name)))

    assert name in pdf_text(certificate.pdf.read())


def test_a_template_or_name_pointing_at_local_urls_or_files_fetches_nothing(
    lisbon, local_server, tmp_path
):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    trap = f'<img src="{local_server}/name.png"><img src="file://{secret}">'
    template = CertificateTemplate(academy=lisbon.academy, name="Trap", kind="attendance")
    template.texts = [
        CertificateText(
            language="en",
            title=f'<img src="{local_server}/title.png">',
            body=f'{{name}} <link rel="stylesheet" href="{local_server}/x.css"> {secret}',
        )
    ]
    template.save()

    certificate = issue_certificate(completed(lisbon.academy, UserFactory(full_name=trap)))

    assert local_server.hits == []
    text = pdf_text(certificate.pdf.read())
    assert "TOP SECRET CONTENT" not in text
    assert f'<img src="{local_server}/name.png">' in text  # printed as text, never fetched


def test_the_renderer_refuses_remote_and_outside_files_even_in_its_own_markup(
    tmp_path, local_server
):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")

    rendering.html_to_pdf(
        f'<html><body><img src="{local_server}/a.png"><img src="file://{secret}">'
        f'<img src="{secret}"><img src="/static/certificates/../../settings.py">'
        f'<link rel="stylesheet" href="{local_server}/b.css">x</body></html>'
    )

    assert local_server.hits == []
    policy = rendering.resource_policy()
    with pytest.raises(ResourceAccessError):
        policy.check_path(secret)
    with pytest.raises(ResourceAccessError):
        policy.check_url(f"{local_server}/a.png")


def test_a_runaway_render_stops_with_a_clear_error_and_its_number_stays_void(lisbon, monkeypatch):
    enrolment = completed(lisbon.academy)
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 0)

    with pytest.raises(rendering.RenderError, match="took too long"):
        issue_certificate(enrolment)

    assert not Certificate.objects.exists()
    void = SerialNumber.objects.get()
    assert (void.serial, void.state) == (f"LIS-{void.year}-000001", SerialNumber.State.VOID)
    assert "took too long" in void.void_reason
    monkeypatch.undo()
    # The register skips nothing: 000001 void with its reason, 000002 issued.
    assert issue_certificate(enrolment).serial.endswith("-000002")
    assert list(SerialNumber.objects.order_by("number").values_list("number", "state")) == [
        (1, SerialNumber.State.VOID),
        (2, SerialNumber.State.ISSUED),
    ]


def test_the_register_of_serial_numbers_shows_a_citys_own_numbers_and_why_one_is_void(
    client, lisbon, madrid, lisbon_coordinator, madrid_coordinator, monkeypatch
):
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 0)
    with pytest.raises(rendering.RenderError):
        issue_certificate(completed(lisbon.academy))
    monkeypatch.undo()
    issued = issue_certificate(completed(lisbon.academy))
    void = SerialNumber.objects.get(state=SerialNumber.State.VOID)

    client.force_login(lisbon_coordinator)
    page = main(client.get(reverse("serial_numbers:index")))
    assert void.serial in page and issued.serial in page
    assert "The PDF took too long to make and was stopped." in page
    # Read only: the register is never written by hand.
    assert client.get(reverse("serial_numbers:edit", args=[void.pk])).status_code in (302, 403)
    assert client.get(reverse("serial_numbers:add")).status_code in (302, 403)

    client.force_login(madrid_coordinator)
    page = main(client.get(reverse("serial_numbers:index")))
    assert void.serial not in page and issued.serial not in page
    assert client.get(reverse("serial_numbers:edit", args=[void.pk])).status_code in (403, 404)


def test_a_try_that_died_while_printing_leaves_its_number_to_the_next_try(lisbon):
    """A worker lost between taking a number and keeping the certificate: the number stays
    ``printing`` in the register, and the next try for the enrolment prints under it."""
    enrolment = completed(lisbon.academy)
    _enrolment, number = services._certificate_or_number(enrolment.pk)
    assert number.state == SerialNumber.State.PRINTING

    certificate = issue_certificate(enrolment)

    assert (certificate.serial, certificate.code) == (number.serial, number.code)
    number.refresh_from_db()
    assert number.state == SerialNumber.State.ISSUED
    assert issue_certificate(enrolment) == certificate
    assert SerialNumber.objects.count() == 1


def test_a_name_that_cannot_print_is_refused_before_a_number_is_spent(lisbon):
    # A name given before names were checked: the profile form refuses it today.
    enrolment = completed(lisbon.academy, UserFactory(full_name="李小龍"))

    with pytest.raises(CertificateRefused, match="cannot print"):
        issue_certificate(enrolment)

    assert not SerialNumber.objects.exists()


def test_unknown_placeholders_are_explained(lisbon):
    text = CertificateText(language="en", title="Certificate", body="{name} finished {cours}")

    with pytest.raises(ValidationError) as error:
        text.clean_fields(exclude=["template"])

    assert "Unknown placeholder {cours}" in str(error.value)
    assert "{course}" in str(error.value)


def test_the_officer_downloads_their_own_certificate_and_nobody_elses(client, lisbon, officer):
    mine = issue_certificate(completed(lisbon.academy, officer))
    theirs = issue_certificate(completed(lisbon.academy))
    client.force_login(officer)

    response = client.get(reverse("certificate_download", args=[mine.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("certificate_download", args=[theirs.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("certificate_download", args=[mine.pk])).status_code == 302


def test_my_learning_links_the_certificate_and_its_verification_page(client, lisbon, officer):
    certificate = issue_certificate(completed(lisbon.academy, officer))
    client.force_login(officer)

    page = client.get(reverse("my_learning")).content.decode()

    assert f"Download {certificate.serial} (PDF)" in page
    assert reverse("certificate_verify", args=[certificate.code]) in page


def test_my_learning_queries_do_not_grow_with_certificates(client, lisbon, officer):
    client.force_login(officer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("my_learning")).status_code == 200
        return len(captured.captured_queries)

    issue_certificate(completed(lisbon.academy, officer, title="First"))
    small = count()
    for number in range(5):
        issue_certificate(completed(lisbon.academy, officer, title=f"Day {number}"))
    assert count() == small
    page = client.get(reverse("my_learning")).content.decode()
    serials = Certificate.objects.values_list("serial", flat=True)
    assert len(serials) == 6
    assert [serial for serial in serials if f"Download {serial} (PDF)" not in page] == []


# Verification


def test_the_verification_page_says_valid_with_no_personal_data(client, lisbon):
    officer = UserFactory(full_name="Γιώργος Παπαδόπουλος", email="giorgos@police.example")
    certificate = issue_certificate(completed(lisbon.academy, officer, title="Peer review"))

    page = client.get(f"/en/certificates/verify/{certificate.code}/").content.decode()

    assert "Valid" in page and "Γιώργος Παπαδόπουλος" in page
    assert "Peer review" in page and "Lisbon Municipal Police" in page
    assert certificate.serial in page
    assert "giorgos@police.example" not in page


def test_the_qr_code_address_without_language_opens_the_page_in_the_readers_language(
    client, lisbon
):
    certificate = issue_certificate(completed(lisbon.academy))

    response = client.get(
        f"/certificates/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="pt", follow=True
    )

    assert response.redirect_chain[-1][0] == f"/pt/certificates/verify/{certificate.code}/"
    assert "Válido" in response.content.decode()


def test_a_typed_code_is_found_whatever_its_case_and_dashes(client, lisbon):
    certificate = issue_certificate(completed(lisbon.academy))
    typed = certificate.grouped_code.lower()

    response = client.get("/en/certificates/verify/", {"code": typed}, follow=True)

    assert certificate.serial in response.content.decode()


def test_unknown_and_malformed_codes_get_the_same_not_found_page(client, db):
    unknown = client.get("/en/certificates/verify/" + "A" * 32 + "/")
    malformed = client.get("/en/certificates/verify/not-a-code/")

    assert unknown.status_code == malformed.status_code == 404
    assert main(unknown) == main(malformed)
    assert "No certificate has this code" in main(unknown)


def test_verification_lookups_are_rate_limited(client, db, settings):
    for _attempt in range(30):
        assert client.get("/en/certificates/verify/" + "B" * 32 + "/").status_code == 404

    response = client.get("/en/certificates/verify/" + "C" * 32 + "/")

    assert response.status_code == 429
    assert "Too many verifications" in response.content.decode()


def test_a_limited_verification_says_when_to_try_again(client, db):
    for _attempt in range(30):
        client.get("/en/certificates/verify/" + "B" * 32 + "/")

    response = client.get("/en/certificates/verify/" + "C" * 32 + "/")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600  # the rest of the 10-minute window


def test_behind_the_proxy_the_verification_limit_counts_each_visitor(client, db, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _attempt in range(30):
        client.get(
            "/en/certificates/verify/" + "B" * 32 + "/", HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy
        )

    scanner = client.get(
        "/en/certificates/verify/" + "C" * 32 + "/", HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy
    )
    reader = client.get(
        "/en/certificates/verify/" + "C" * 32 + "/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )

    assert scanner.status_code == 429
    assert reader.status_code == 404  # a code not found, not a limit shared with the scanner


# Revoking and reissuing


def test_a_coordinator_revokes_with_a_reason_and_the_page_says_revoked_and_why(
    client, lisbon, lisbon_coordinator
):
    certificate = issue_certificate(completed(lisbon.academy))
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_revoke", args=[certificate.pk])

    refused = client.post(url, {"reason": ""})
    assert "This field is required." in refused.content.decode()
    client.post(url, {"reason": "Attendance was recorded by mistake."})

    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    page = client.get(f"/en/certificates/verify/{certificate.code}/").content.decode()
    assert "Revoked" in page
    # Issue 18: a force elsewhere must learn why (the revoke form says the reason is public).
    assert "Attendance was recorded by mistake." in page
    assert "public verification page" in client.get(url).content.decode()


def test_another_citys_coordinator_cannot_touch_a_certificate(
    client, lisbon, madrid, madrid_coordinator
):
    certificate = issue_certificate(completed(lisbon.academy))
    client.force_login(madrid_coordinator)

    for name in (
        "certificates_admin_revoke",
        "certificates_admin_reissue",
        "certificates_admin_pdf",
    ):
        assert client.get(reverse(name, args=[certificate.pk])).status_code == 404
    assert (
        client.post(
            reverse("certificates_admin_revoke", args=[certificate.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(reverse("certificates:inspect", args=[certificate.pk])).status_code == 404
    assert certificate.serial not in client.get(reverse("certificates:index")).content.decode()
    with pytest.raises(PermissionDenied):
        revoke(certificate, by=madrid_coordinator, reason="no")
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_a_trainer_cannot_reach_certificates(client, lisbon, lisbon_trainer):
    certificate = issue_certificate(completed(lisbon.academy))
    client.force_login(lisbon_trainer)

    assert client.get(reverse("certificates_admin_pdf", args=[certificate.pk])).status_code in (
        302,
        403,
    )
    assert client.get(reverse("certificates:index")).status_code in (302, 403)


def test_reissuing_gives_a_new_serial_and_the_old_one_shows_superseded(
    client, lisbon, lisbon_coordinator
):
    officer = UserFactory(full_name="Joao Perera")
    old = issue_certificate(completed(lisbon.academy, officer))
    officer.academy_profile.full_name = "João Pereira"
    officer.academy_profile.save()
    client.force_login(lisbon_coordinator)

    client.post(reverse("certificates_admin_reissue", args=[old.pk]))

    old.refresh_from_db()
    new = old.superseded_by
    assert old.status == "superseded" and new.is_valid
    assert new.serial.endswith("-000002") and new.code != old.code
    assert "João Pereira" in pdf_text(new.pdf.read())
    page = client.get(f"/en/certificates/verify/{old.code}/").content.decode()
    assert "Superseded" in page and new.serial in page


def test_a_revoked_certificate_cannot_be_revoked_or_reissued_again(lisbon, lisbon_coordinator):
    certificate = issue_certificate(completed(lisbon.academy))
    revoke(certificate, by=lisbon_coordinator, reason="Wrong session")

    with pytest.raises(CertificateRefused):
        revoke(certificate, by=lisbon_coordinator, reason="Again")
    with pytest.raises(CertificateRefused):
        reissue(certificate, by=lisbon_coordinator)


# A whole session


def test_a_coordinator_issues_a_whole_session_in_the_background_with_gap_free_serials(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    session = make_session(lisbon.academy, capacity=10, certificates_on_completion=False)
    for _officer in range(3):
        completed(lisbon.academy, session=session)
    enrol(UserFactory(), session)  # not completed: no certificate
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_session", args=[session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    page = client.get(url).content.decode()
    assert "3 of 3 issued" in page
    serials = sorted(Certificate.objects.values_list("number", flat=True))
    assert serials == [1, 2, 3]
    download = client.get(reverse("certificates_admin_session_zip", args=[session.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 3
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_another_city_cannot_see_or_zip_a_session(client, lisbon, madrid, madrid_coordinator):
    session = make_session(lisbon.academy, certificates_on_completion=False)
    issue_certificate(completed(lisbon.academy, session=session))
    client.force_login(madrid_coordinator)

    assert client.get(reverse("certificates_admin_session", args=[session.pk])).status_code == 404
    assert (
        client.get(reverse("certificates_admin_session_zip", args=[session.pk])).status_code == 404
    )


def test_session_certificates_page_queries_do_not_grow_with_officers(
    client, lisbon, lisbon_coordinator
):
    session = make_session(lisbon.academy, capacity=100, certificates_on_completion=False)
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_session", args=[session.pk])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    issue_certificate(completed(lisbon.academy, session=session))
    completed(lisbon.academy, session=session)
    small = count()
    for _officer in range(8):
        issue_certificate(completed(lisbon.academy, session=session))
    assert count() == small
    page = client.get(url).content.decode()
    certificates = Certificate.objects.filter(enrolment__session=session)
    assert certificates.count() == 9
    missing = [
        certificate.serial
        for certificate in certificates.select_related("enrolment__officer")
        if certificate.serial not in page
        or certificate.enrolment.officer.academy_profile.full_name not in page
    ]
    assert missing == []


# Templates in the admin


def test_coordinators_see_only_their_own_citys_templates(
    client, lisbon, madrid, lisbon_coordinator
):
    CertificateTemplate.objects.create(academy=lisbon.academy, name="Lisbon design")
    madrid_template = CertificateTemplate.objects.create(
        academy=madrid.academy, name="Madrid design"
    )
    client.force_login(lisbon_coordinator)

    listing = client.get("/admin/snippets/certificates/certificatetemplate/").content.decode()

    assert "Lisbon design" in listing and "Madrid design" not in listing
    edit = client.get(
        f"/admin/snippets/certificates/certificatetemplate/edit/{madrid_template.pk}/"
    )
    assert edit.status_code in (302, 403, 404)


def test_the_template_preview_is_the_pdf_with_sample_data(client, lisbon, lisbon_coordinator):
    template = CertificateTemplate.objects.create(academy=lisbon.academy, name="Design")
    client.force_login(lisbon_coordinator)
    url = f"/admin/snippets/certificates/certificatetemplate/preview/{template.pk}/"
    form = {
        "academy": lisbon.academy.pk,
        "name": "Design",
        "kind": "completion",
        "orientation": "portrait",
        "accent_colour": "#123456",
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "0",
        "texts-MIN_NUM_FORMS": "0",
        "texts-MAX_NUM_FORMS": "1000",
        "texts-0-language": "pt",
        "texts-0-title": "Diploma of {academy}",
        "texts-0-body": "{name} finished {course}",
        "texts-0-ORDER": "1",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "3",
    }

    assert client.post(url, form).json()["is_valid"]
    response = client.get(url)

    assert response["Content-Type"] == "application/pdf"
    assert "Diploma of Lisbon Municipal Police" in " ".join(pdf_text(response.content).split())


# Concurrency (PostgreSQL)


@race_test
def test_fifty_parallel_issues_give_unique_gap_free_serials_and_one_per_enrolment(lisbon):
    """Fails without the row lock on the serial counter in _next_number: requests read the
    same last number and give it twice (refused by the database: server errors). Fails too
    without the row lock on the enrolment in _certificate_or_number: an enrolment asked
    twice is given two numbers (the second refused by the database)."""
    session = make_session(lisbon.academy, capacity=100, certificates_on_completion=False)
    enrolments = [completed(lisbon.academy, session=session) for _ in range(50)]

    # Ten of them asked twice at once: 60 requests, 50 certificates.
    errors = run_at_once(issue_certificate, enrolments + enrolments[:10])

    assert errors == []
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 51))
    assert Certificate.objects.values("enrolment").distinct().count() == 50


# The worker closes the database connection between tasks, as in production: this needs
# real transactions.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    django.VERSION >= (6,),
    reason="On Django 6 the queue's worker runs Django's own tasks, not the backport's",
)
def test_with_the_database_queue_the_worker_issues_a_whole_session(
    client, lisbon, lisbon_coordinator, settings
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    session = make_session(lisbon.academy, capacity=10, certificates_on_completion=False)
    for _officer in range(2):
        completed(lisbon.academy, session=session)
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_session", args=[session.pk])

    client.post(url)
    assert "In progress: 0 of 0 issued." in client.get(url).content.decode()
    queued = DBTaskResult.objects.filter(task_path__endswith="issue_session_certificates")
    assert queued.count() == 1  # (Wagtail queues its own reference-index tasks there too)
    call_command("db_worker", batch=True, verbosity=0)

    assert "2 of 2 issued" in client.get(url).content.decode()
    assert Certificate.objects.count() == 2


def test_the_logo_and_signatures_of_a_template_are_printed(lisbon):
    from certificates.models import Signatory
    from tests.courses.builders import sample_image

    template = CertificateTemplate(
        academy=lisbon.academy, name="Signed", kind="attendance", logo=sample_image("Logo")
    )
    template.texts = [CertificateText(language="en", title="Attendance", body="{name} came")]
    template.signatories = [
        Signatory(
            name="Ana Luísa Carvalho",
            function="Director",
            signature=signature_upload(),
        )
    ]
    template.save()

    certificate = issue_certificate(completed(lisbon.academy))

    data = certificate.pdf.read()
    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert len(images) == 3  # the logo, the signature and the QR code
    assert "Ana Luísa Carvalho" in pdf_text(data) and "Director" in pdf_text(data)


def test_a_lost_image_file_is_explained_and_the_batch_still_finishes(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    from tests.courses.builders import sample_image

    logo = sample_image("Harbour logo")
    template = CertificateTemplate(
        academy=lisbon.academy, name="Lost", kind="attendance", logo=logo
    )
    template.texts = [CertificateText(language="en", title="Attendance", body="{name} came")]
    template.save()
    logo.file.storage.delete(logo.file.name)
    session = make_session(lisbon.academy, capacity=10, certificates_on_completion=False)
    for _officer in range(2):
        completed(lisbon.academy, session=session)
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_session", args=[session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    page = client.get(url).content.decode()
    assert "0 of 2 issued" in page and "In progress" not in page
    assert "The image “Harbour logo” of the certificate cannot be read" in page
    assert Certificate.objects.count() == 0


def test_an_unexpected_failure_of_one_certificate_does_not_stop_the_batch(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    from certificates import services

    session = make_session(lisbon.academy, capacity=10, certificates_on_completion=False)
    first, second = (completed(lisbon.academy, session=session) for _officer in range(2))
    real_issue = services.issue_certificate

    def issue_or_crash(enrolment, **kwargs):
        if enrolment.pk == first.pk:
            raise RuntimeError("storage unavailable")
        return real_issue(enrolment, **kwargs)

    monkeypatch.setattr(services, "issue_certificate", issue_or_crash)
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_session", args=[session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    page = client.get(url).content.decode()
    assert "1 of 2 issued" in page and "In progress" not in page
    assert "An unexpected error." in page and "storage unavailable" not in page
    assert list(Certificate.objects.values_list("enrolment", flat=True)) == [second.pk]


# What the coordinator sees in the admin


def test_the_session_certificates_page_names_the_session_in_its_header(
    client, lisbon, lisbon_coordinator
):
    session = make_session(lisbon.academy, title="Night patrol Exchange Day")
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("certificates_admin_session", args=[session.pk])).content.decode()

    sublabel = re.search(r'class="w-breadcrumbs__sublabel[^"]*">\s*([^<]*?)\s*<', page).group(1)
    assert sublabel == f"Night patrol Exchange Day ({session.starts_on:%Y-%m-%d})"


def test_the_session_certificates_table_caption_is_for_screen_readers_only(
    client, lisbon, lisbon_coordinator
):
    enrolment = completed(lisbon.academy)
    client.force_login(lisbon_coordinator)

    url = reverse("certificates_admin_session", args=[enrolment.session_id])
    page = main(client.get(url))

    assert '<caption class="w-sr-only">Completed officers</caption>' in page
    assert "visually-hidden" not in page


def test_a_revoked_certificate_shows_next_to_the_button_that_issues_a_new_one(
    client, lisbon, lisbon_coordinator
):
    certificate = issue_certificate(completed(lisbon.academy))
    revoke(certificate, by=lisbon_coordinator, reason="Registered for the wrong day.")
    client.force_login(lisbon_coordinator)

    url = reverse("certificates_admin_session", args=[certificate.enrolment.session_id])
    row = main(client.get(url)).split("<tbody>")[1]

    assert certificate.serial in row
    assert "Revoked on" in row and "Registered for the wrong day." in row
    assert ">Issue</button>" in row
    assert "1 officer's certificate was revoked" in main(client.get(url))


def test_a_certificate_issued_again_after_a_revocation_shows_alone(
    client, lisbon, lisbon_coordinator
):
    enrolment = completed(lisbon.academy)
    revoked = issue_certificate(enrolment)
    revoke(revoked, by=lisbon_coordinator, reason="Wrong name")
    new = issue_certificate(enrolment)
    client.force_login(lisbon_coordinator)

    url = reverse("certificates_admin_session", args=[enrolment.session_id])
    page = main(client.get(url))

    assert new.serial in page
    assert revoked.serial not in page and "Revoked" not in page


def test_the_certificate_page_shows_holder_session_status_and_code_in_local_time(
    client, lisbon, lisbon_coordinator
):
    officer = UserFactory(full_name="Inês Carvalho")
    certificate = issue_certificate(completed(lisbon.academy, officer, title="Road safety day"))
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=datetime.datetime(2025, 1, 15, 12, 0, tzinfo=datetime.UTC)
    )
    client.force_login(lisbon_coordinator)

    page = main(client.get(reverse("certificates:inspect", args=[certificate.pk])))

    fields = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>", page, re.S))
    assert fields["Holder"] == "Inês Carvalho"
    assert fields["Status"] == "Valid"
    assert "Road safety day" in fields["Session"]
    assert certificate.grouped_code in fields["Verification code"]
    assert fields["Issued"] == "15 January 2025, 13:00"  # Brussels, not UTC
    assert fields["Issued by"] == "—"  # issued without a coordinator's hand
    assert "Revoked" not in fields and "Superseded by" not in fields
    assert "None" not in fields.values()


def test_the_page_of_a_replaced_certificate_links_its_replacement(
    client, lisbon, lisbon_coordinator
):
    old = issue_certificate(completed(lisbon.academy))
    new = reissue(old, by=lisbon_coordinator)
    client.force_login(lisbon_coordinator)

    page = main(client.get(reverse("certificates:inspect", args=[old.pk])))

    fields = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>", page, re.S))
    assert fields["Status"] == "Superseded"
    assert reverse("certificates:inspect", args=[new.pk]) in fields["Superseded by"]


def test_the_certificates_list_has_capitalised_column_headers(client, lisbon, lisbon_coordinator):
    issue_certificate(completed(lisbon.academy))
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("certificates:index")).content.decode()

    headers = [
        re.sub(r"<[^>]+>|\s+", " ", header).strip()
        for header in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)
    ]
    for label in ("Holder", "Session", "Status"):
        assert label in headers


def test_a_session_batch_leaves_out_officers_whose_certificate_was_revoked(
    client, lisbon, lisbon_coordinator, django_capture_on_commit_callbacks
):
    session = make_session(lisbon.academy, capacity=10, certificates_on_completion=False)
    revoked = issue_certificate(completed(lisbon.academy, session=session))
    revoke(revoked, by=lisbon_coordinator, reason="Attendance sheet forged")
    waiting = completed(lisbon.academy, session=session)
    client.force_login(lisbon_coordinator)
    url = reverse("certificates_admin_session", args=[session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    assert "1 of 1 issued" in main(client.get(url))
    assert list(Certificate.objects.valid().values_list("enrolment", flat=True)) == [waiting.pk]


def test_the_printed_qr_code_reads_back_as_the_verification_address(lisbon, tmp_path):
    """Read by zbarimg (zbar-tools) from the page as pdftoppm draws it at 150 dpi: what a
    phone's camera sees on the printed certificate."""
    import shutil
    import subprocess

    from certificates.services import verification_url

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.fail("pdftoppm (poppler-utils) and zbarimg (zbar-tools) must be installed")
    certificate = issue_certificate(completed(lisbon.academy))
    (tmp_path / "certificate.pdf").write_bytes(certificate.pdf.read())
    subprocess.run(  # noqa: S603 - poppler, on our own PDF
        [shutil.which("pdftoppm"), "-png", "-r", "150", "-singlefile", "certificate.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    read = subprocess.run(  # noqa: S603 - zbar, on the page drawn above
        [shutil.which("zbarimg"), "--raw", "-q", "page.png"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )

    assert read.stdout.split() == [verification_url(certificate.code)]
