import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import Page

from academy.models import AcademyPage
from courses.models import Enrolment, Session
from courses.queries import learning_record

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
        # Their courses and Exchange Days (the peer reviews they take part in are apart).
        records = {
            r.enrolment.state: r
            for r in learning_record(officer)
            if r.enrolment.session.kind != Session.Kind.PEER_REVIEW
        }

        assert set(records) == {
            Enrolment.State.COMPLETED,
            Enrolment.State.APPROVED,
            Enrolment.State.REQUESTED,
        }
        cities = {state: r.enrolment.session.academy.city.lower() for state, r in records.items()}
        assert len(set(cities.values())) == 3
        assert cities[Enrolment.State.REQUESTED] == city
        assert (
            0
            < records[Enrolment.State.APPROVED].modules_done
            < records[Enrolment.State.APPROVED].modules_required
        )
        assert (
            records[Enrolment.State.COMPLETED].enrolment.session.kind == Session.Kind.EXCHANGE_DAY
        )
    assert Enrolment.objects.filter(state=Enrolment.State.REQUESTED).count() == len(CITIES)


# The large network for load tests: seed_demo --scale N


SMALL_SCALE = 0.05


@pytest.fixture
def small_network(demo):
    call_command("seed_demo", "--scale", str(SMALL_SCALE), stdout=open("/dev/null", "w"))  # noqa: SIM115


def large_network_counts():
    from courses.models import AssessmentAttempt, CoursePage, ModulePage, ModuleProgress
    from home.demo.scale import scale_officers

    officers = scale_officers()
    enrolments = Enrolment.objects.filter(officer__in=officers)
    return {
        "pages": Page.objects.count(),
        "courses": CoursePage.objects.count(),
        "modules": ModulePage.objects.count(),
        "officers": officers.count(),
        Enrolment.State.APPROVED: enrolments.filter(state=Enrolment.State.APPROVED).count(),
        Enrolment.State.REQUESTED: enrolments.filter(state=Enrolment.State.REQUESTED).count(),
        "progress": ModuleProgress.objects.filter(enrolment__in=enrolments).count(),
        "attempts": AssessmentAttempt.objects.filter(officer__in=officers).count(),
    }


def test_a_scale_promises_figures_that_grow_linearly():
    from home.demo.scale import NetworkSize

    figures = {
        scale: (size.courses, size.modules, size.officers, size.progress_rows)
        for scale, size in ((n, NetworkSize.at(n)) for n in (1, 10))
    }

    assert figures == {1: (4, 40, 1_000, 10_000), 10: (40, 400, 10_000, 100_000)}


def test_seed_demo_at_a_small_scale_builds_what_it_promises(demo):
    from courses.models import CoursePage, ModulePage
    from home.demo.scale import NetworkSize

    demo_courses, demo_modules = CoursePage.objects.count(), ModulePage.objects.count()
    size = NetworkSize.at(SMALL_SCALE)

    call_command("seed_demo", "--scale", str(SMALL_SCALE), stdout=open("/dev/null", "w"))  # noqa: SIM115

    counts = large_network_counts()
    assert (size.courses, size.officers) == (1, 50)
    assert counts["courses"] - demo_courses == size.courses
    assert counts["modules"] - demo_modules == size.modules == 10
    assert counts["officers"] == counts[Enrolment.State.APPROVED] == size.officers
    assert counts["progress"] == size.progress_rows == 500
    assert counts[Enrolment.State.REQUESTED] == size.requested > 0
    assert counts["attempts"] == size.attempts == 5


def test_the_large_network_never_gives_more_places_than_a_session_has(small_network):
    from courses.models import Session
    from home.demo.scale import scale_officers

    used = Enrolment.objects.filter(officer__in=scale_officers()).values("session")
    sessions = Session.objects.with_places_taken().filter(pk__in=used)

    assert sessions.count() >= 2
    assert [s.pk for s in sessions if s.places_taken > s.capacity] == []


def test_seed_demo_at_the_same_scale_again_adds_nothing(small_network, capsys):
    before = large_network_counts()

    call_command("seed_demo", "--scale", str(SMALL_SCALE))

    assert large_network_counts() == before
    assert "already there" in capsys.readouterr().out


def test_seed_demo_at_another_scale_says_why_it_stops(small_network):
    from django.core.management.base import CommandError

    before = large_network_counts()

    with pytest.raises(CommandError, match="already holds a large network of 50 officers"):
        call_command("seed_demo", "--scale", "0.1", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert large_network_counts() == before


def test_an_officer_of_the_large_network_signs_in_and_follows_their_course(small_network, client):
    from home.demo.scale import scale_officers

    officer = scale_officers().order_by("email").first()
    enrolment = Enrolment.objects.get(officer=officer, state=Enrolment.State.APPROVED)
    assert client.login(request=HttpRequest(), username=officer.email, password="demo1234")

    page = client.get(enrolment.session.course.url)

    assert page.status_code == 200
    assert enrolment.session.course.title in page.content.decode()
    assert page.context["progress"].enrolment == enrolment


def at_the_demo_radio_lesson():
    """(module, enrolment, officer): a new officer with a place in the demo's Brussels course
    that ends with the radio procedure lesson, the modules before it done (the course is
    taken in order)."""
    from courses.models import ModulePage
    from courses.services import complete_module
    from tests.factories import UserFactory

    module = ModulePage.objects.get(slug="radio-procedure", locale__language_code="en")
    course = module.get_parent()
    session = Session.objects.filter(course=course).order_by("starts_on").first()
    officer = UserFactory()
    enrolment = Enrolment.objects.create(
        officer=officer, session=session, state=Enrolment.State.APPROVED
    )
    for earlier in ModulePage.objects.child_of(course).filter(path__lt=module.path):
        complete_module(enrolment, earlier)
    return module, enrolment, officer


def test_the_demo_has_a_scorm_lesson_that_an_officer_plays_and_passes(demo, client):
    """The radio procedure lesson (home/demo/data/packages): a SCORM 1.2 package added as a
    trainer's upload is, played by an enrolled officer; passing it does the module."""
    from courses.models import ModuleProgress
    from tests.courses.test_package_play import commit, player_config

    module, enrolment, officer = at_the_demo_radio_lesson()
    package = module.package
    assert package.kind == "scorm12"
    assert float(package.mastery_score) == 0.6  # scaled, as SCORM 2004 and xAPI say it
    assert [sco["title"] for sco in package.scos] == ["Radio procedure in joint operations"]
    client.force_login(officer)

    page = client.get(module.url)
    assert b'name="package-player"' in page.content
    lesson = client.get(reverse("package_file", args=[module.pk, "index.html"]))
    assert b"Spelling without mistakes" in b"".join(lesson.streaming_content)
    _response, config = player_config(client, module)
    failed = {"cmi.core.score.raw": "33", "cmi.core.lesson_status": "failed"}
    assert commit(client, module, config, 1, failed).status_code == 200
    assert not ModuleProgress.objects.get(enrolment=enrolment, module=module).completed_at
    passed = {"cmi.core.score.raw": "100", "cmi.core.lesson_status": "passed"}
    assert commit(client, module, config, 2, passed).status_code == 200

    assert ModuleProgress.objects.get(enrolment=enrolment, module=module).completed_at
