import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import Page

from academy.models import AcademyPage, Enrolment
from courses.services import learning_record

CITIES = ["brussels", "lisbon", "madrid", "nice"]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_demo_builds_the_four_founding_academies(demo, client):
    names = set(AcademyPage.objects.in_default_locale().values_list("title", flat=True))
    assert names == {
        "Brussels North Local Police",
        "Lisbon Municipal Police",
        "Madrid City Police",
        "Nice Municipal Police",
    }
    content = client.get("/en/").content.decode()
    for name in names:
        assert name in content


def test_seed_demo_prints_the_demo_logins(db, capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "admin@academy.example" in out
    for city in CITIES:
        for role in ("coordinator", "trainer", "officer"):
            assert f"{role}.{city}@academy.example" in out
    assert "demo1234" in out


def test_seed_demo_twice_changes_nothing(demo):
    user_model = get_user_model()
    before = (Page.objects.count(), user_model.objects.count(), AcademyPage.objects.count())

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Page.objects.count(), user_model.objects.count(), AcademyPage.objects.count()) == (
        before
    )


@pytest.mark.parametrize("city", CITIES)
def test_demo_staff_sign_in_to_the_admin_with_their_city_only(demo, client, city):
    other = "madrid" if city != "madrid" else "nice"
    own_academy = AcademyPage.objects.in_default_locale().get(slug=city)
    other_academy = AcademyPage.objects.in_default_locale().get(slug=other)
    for role in ("coordinator", "trainer"):
        assert client.login(
            request=HttpRequest(), username=f"{role}.{city}@academy.example", password="demo1234"
        )
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
        own_edit = client.get(reverse("wagtailadmin_pages:edit", args=[own_academy.pk]))
        assert own_edit.status_code == 200
        denied = client.get(reverse("wagtailadmin_pages:edit", args=[other_academy.pk]))
        assert denied.status_code == 302 and denied.url != reverse(
            "wagtailadmin_pages:edit", args=[other_academy.pk]
        )
        client.logout()


def test_demo_officer_cannot_enter_the_admin(demo, client):
    assert client.login(
        request=HttpRequest(), username="officer.lisbon@academy.example", password="demo1234"
    )

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response.url


def test_demo_admin_is_a_network_admin(demo, client):
    assert client.login(
        request=HttpRequest(), username="admin@academy.example", password="demo1234"
    )

    assert client.get(reverse("academy_onboard_city")).status_code == 200


def test_each_demo_academy_publishes_courses_with_modules_and_an_assessment(demo):
    from courses.models import AssessmentPage, CoursePage, ModulePage

    for academy in AcademyPage.objects.in_default_locale():
        courses = CoursePage.objects.child_of(academy).live()
        assert courses.count() >= 2, academy.title
        for course in courses:
            assert ModulePage.objects.child_of(course).live().count() >= 3, course.title
            assessment = AssessmentPage.objects.child_of(course).live().get()
            assert assessment.questions.count() >= 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_emails_nobody():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert mail.outbox == []


def test_each_demo_officer_learns_in_other_cities_and_waits_for_a_place_at_home(demo):
    for city in CITIES:
        officer = get_user_model().objects.get(email=f"officer.{city}@academy.example")
        records = {r.enrolment.state: r for r in learning_record(officer)}

        assert set(records) == {"completed", "approved", "requested"}
        cities = {state: r.enrolment.session.academy.city.lower() for state, r in records.items()}
        assert len(set(cities.values())) == 3
        assert cities["requested"] == city
        assert 0 < records["approved"].modules_done < records["approved"].modules_required
        assert records["completed"].enrolment.session.kind == "exchange_day"
    assert Enrolment.objects.filter(state="requested").count() == len(CITIES)
