"""Who looked: staff viewing or exporting an officer's personal data is recorded, for good."""

import pytest
from django.urls import reverse

from academy.data_requests import record_access
from academy.models import DataAccess

from .conftest import NAME


def test_the_progress_matrix_records_who_looked_at_whose_data(client, record, lisbon_trainer):
    client.force_login(lisbon_trainer)

    client.get(reverse("home_session_progress", args=[record["session"].pk]))

    entry = DataAccess.objects.get(officer=record["person"])
    assert entry.staff == lisbon_trainer and entry.academy_id == record["academy"].pk
    assert entry.what == "Progress matrix" and entry.purpose == DataAccess.Purpose.VIEW


def test_an_export_is_recorded_as_an_export(client, record, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    client.get(reverse("home_session_progress", args=[record["session"].pk]) + "?export=csv")

    assert DataAccess.objects.get(officer=record["person"]).purpose == DataAccess.Purpose.EXPORT


def test_a_page_of_the_matrix_records_the_officers_on_that_page_and_an_export_all(
    client, record, lisbon_coordinator, monkeypatch
):
    from certificates.reports import SessionProgressView
    from courses.services import decide, enrol
    from tests.factories import UserFactory

    for number in range(3):  # the session asks for approval: approved, they are in the matrix
        officer = UserFactory(full_name=f"Officer {number}")
        decide(enrol(officer, record["session"]), approve=True, reason="", by=lisbon_coordinator)
    monkeypatch.setattr(SessionProgressView, "paginate_by", 2)
    client.force_login(lisbon_coordinator)
    url = reverse("home_session_progress", args=[record["session"].pk])

    page = client.get(url + "?page=2").content.decode()
    seen = set(DataAccess.objects.values_list("officer__academy_profile__full_name", flat=True))
    assert len(seen) == 2 and all(name in page for name in seen)

    client.get(url + "?export=csv")
    exported = DataAccess.objects.filter(purpose=DataAccess.Purpose.EXPORT)
    assert exported.count() == 4


@pytest.mark.parametrize(
    "url_name, what",
    [
        ("academy_session_enrolments", "Enrolments"),
        ("academy_session_attendance", "Attendance register"),
    ],
)
def test_session_pages_record_who_looked(client, record, lisbon_coordinator, url_name, what):
    client.force_login(lisbon_coordinator)

    client.get(reverse(url_name, args=[record["session"].pk]))

    assert DataAccess.objects.filter(officer=record["person"], what=what).exists()


def test_grading_records_who_looked(client, record, lisbon_trainer):
    client.force_login(lisbon_trainer)

    client.get(reverse("courses_grade_attempt", args=[record["attempt"].pk]))

    assert DataAccess.objects.filter(
        officer=record["person"], staff=lisbon_trainer, what="Grading of an attempt"
    ).exists()


def test_the_officer_sees_which_academies_staff_looked(client, record, lisbon_trainer):
    client.force_login(lisbon_trainer)
    client.get(reverse("home_session_progress", args=[record["session"].pk]))
    client.force_login(record["person"])

    page = client.get(reverse("academy_my_data")).content.decode()

    section = page.split("Staff who looked at your record")[1]
    assert "Lisbon Municipal Police" in section and "Progress matrix" in section


def test_a_network_admin_sees_every_entry_for_one_officer(
    client, record, lisbon_trainer, officer, network_admin
):
    record_access(lisbon_trainer, [record["person"]], what="Progress matrix")
    record_access(lisbon_trainer, [officer], what="Someone else's page")
    client.force_login(network_admin)

    page = client.get(
        reverse("academy_access_log") + f"?officer={record['person'].pk}"
    ).content.decode()

    assert NAME in page and "Progress matrix" in page
    assert "Someone else&#x27;s page" not in page and "Someone else's page" not in page


def test_the_record_of_who_looked_cannot_be_changed_or_deleted(record, lisbon_trainer):
    record_access(lisbon_trainer, [record["person"]], what="Progress matrix")
    entry = DataAccess.objects.get()

    for change in (entry.save, entry.delete, DataAccess.objects.all().delete):
        with pytest.raises(TypeError):
            change()
    with pytest.raises(TypeError):
        DataAccess.objects.update(what="nothing")
    assert DataAccess.objects.get().what == "Progress matrix"


def test_staff_cannot_open_the_record_of_who_looked(client, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    response = client.get(reverse("academy_access_log"))

    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_opening_a_certificate_in_the_admin_records_who_looked(client, record, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    client.get(reverse("certificates:inspect", args=[record["certificate"].pk]))
    client.get(reverse("certificates:index"))

    assert set(
        DataAccess.objects.filter(officer=record["person"]).values_list("what", flat=True)
    ) == {"Certificate", "Certificates"}
