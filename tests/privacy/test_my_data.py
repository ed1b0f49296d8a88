"""My data: the officer reads and downloads everything the site holds about them."""

import io
import json

from django.urls import reverse
from pypdf import PdfReader

from tests.factories import UserFactory

from .conftest import ANSWER, EMAIL, NAME


def test_my_data_shows_every_kind_of_record_of_the_officer(client, record):
    client.force_login(record["person"])

    page = client.get(reverse("academy_my_data")).content.decode()

    for heading in [
        "Profile",
        "Account",
        "Enrolments",
        "Decisions on your enrolments",
        "Attendance",
        "Module progress",
        "Assessment attempts",
        "Your answers and their grades",
        "Certificates",
        "E-mails sent to you",
        "Sign-ins",
        "Failed sign-ins",
        "Staff who looked at your record",
        "Your peer reviews",
        "SCORM and H5P content",
        "Learning records for the network&#x27;s LRS",
    ]:
        assert f">{heading}</h2>" in page, heading
    assert NAME in page and EMAIL in page
    assert f"{NAME} meets the prerequisites" in page  # the decision's reason
    assert ANSWER in page and f"Well argued, {NAME}" in page
    assert record["certificate"].serial in page
    assert "Exchange Day on neighbourhood walks" in page  # attendance
    assert f"As {NAME} saw it" in page and "Review of night buses" in page  # the peer review
    assert record["package"].title in page  # what the SCORM content reported


def test_my_data_shows_nothing_of_another_officer(client, record):
    other = UserFactory(full_name="Somebody Else")
    client.force_login(other)

    page = client.get(reverse("academy_my_data")).content.decode()

    assert NAME not in page and EMAIL not in page and ANSWER not in page
    assert "Somebody Else" in page


def test_my_data_downloads_as_json_with_the_answers_and_reasons(client, record):
    client.force_login(record["person"])

    response = client.get(reverse("academy_my_data_json"))

    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    sections = {section["title"]: section["records"] for section in document["sections"]}
    assert sections["Account"][0]["email address"] == EMAIL
    assert sections["Your answers and their grades"][0]["answer"] == ANSWER
    reasons = [change["reason"] for change in sections["Decisions on your enrolments"]]
    assert f"{NAME} meets the prerequisites" in reasons
    assert sections["Certificates"][0]["serial"] == record["certificate"].serial


def test_my_data_downloads_as_a_readable_pdf(client, record):
    client.force_login(record["person"])

    response = client.get(reverse("my_data_pdf"))

    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert NAME in text and record["certificate"].serial in text


def test_my_data_asks_to_sign_in(client, db):
    response = client.get(reverse("academy_my_data"))

    assert response.status_code == 302 and "/login/" in response["Location"]
