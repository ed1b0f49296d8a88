"""A Lisbon officer downloads everything the academy holds about them and asks to be
erased; a network admin confirms; the officer can no longer sign in and the verification
page of their certificate names no one."""

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from academy.models import name_on_certificates
from certificates.models import Certificate

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFICER, ADMIN = "officer.lisbon@academy.example", "admin@academy.example"


def test_an_officer_downloads_their_data_and_is_erased_on_request(demo, open_page):
    person = get_user_model().objects.get(email=OFFICER)
    name = name_on_certificates(person)
    certificate = Certificate.objects.for_officer(person).valid().get()

    officer = open_page(width=390, height=844)  # on a phone
    sign_in(officer, demo, OFFICER)
    officer.goto(f"{demo}/en/accounts/my-data/")
    expect(officer.locator("h1")).to_have_text("My data")
    certificates = officer.get_by_role("region", name="Certificates", exact=True)
    expect(certificates.get_by_role("cell", name=certificate.serial, exact=True)).to_be_visible()
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download as JSON").click()
    document = json.loads(download.value.path().read_text(encoding="utf-8"))
    sections = {section["title"]: section["records"] for section in document["sections"]}
    assert sections["Account"][0]["email address"] == OFFICER
    assert sections["Certificates"][0]["serial"] == certificate.serial
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download as PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    officer.get_by_role("link", name="Ask for your personal data to be erased").click()
    officer.get_by_role("button", name="Ask for erasure").click()
    expect(officer.locator(".messages")).to_contain_text("Your request is recorded")

    admin = open_page()
    sign_in(admin, demo, ADMIN)
    admin.goto(f"{demo}/admin/privacy/erasure-requests/")
    admin.get_by_role("link", name=OFFICER).click()
    admin.get_by_role("button", name="Erase this person's data").click()
    expect(admin.locator(".messages")).to_contain_text("The person's data is erased.")

    again = open_page()
    again.goto(f"{demo}/en/accounts/login/")
    again.fill("input[name=username]", OFFICER)
    again.fill("input[name=password]", "demo1234")
    again.click("form.form-card button[type=submit]")
    again.wait_for_load_state()
    assert "/accounts/login/" in again.url
    expect(again.locator(".site-nav__user")).to_have_count(0)

    again.goto(f"{demo}/en/certificates/verify/{certificate.code}/")
    expect(again.locator(".verify-status")).to_contain_text("Revoked")
    expect(again.locator("main")).not_to_contain_text(name)
