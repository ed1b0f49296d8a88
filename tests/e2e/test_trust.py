"""Browser journey: a verifier in another city drops an officer's credential file on the
verification page and reads that it is authentic; a changed copy is named tampered."""

import json

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from tests.e2e.conftest import RESULTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_verifier_drops_a_credential_file_and_a_tampered_copy(demo, open_page, tmp_path):
    certificate = Certificate.objects.valid().exclude(credential=None).first()
    if certificate is None:
        from certificates.services import issue_certificate
        from courses.models import Enrolment

        certificate = issue_certificate(
            Enrolment.objects.filter(state=Enrolment.State.COMPLETED).first()
        )
    good = tmp_path / f"{certificate.serial}.json"
    good.write_text(json.dumps(certificate.credential))
    changed = dict(certificate.credential, name="A certificate never issued")
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(changed))

    page = open_page(width=900, height=900)
    page.goto(f"{demo}/en/certificates/verify/file/")
    page.set_input_files("input[type=file]", str(good))
    page.click("form.form-card button[type=submit]")
    expect(page.locator(".verify-status")).to_contain_text("Authentic and valid")
    expect(page.locator(".verify-details")).to_contain_text(certificate.academy.title)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "trust-verify-file-authentic.png", full_page=True)

    page.set_input_files("input[type=file]", str(bad))
    page.click("form.form-card button[type=submit]")
    expect(page.locator(".verify-status")).to_contain_text("Tampered or damaged")
    page.screenshot(path=RESULTS / "trust-verify-file-tampered.png", full_page=True)
