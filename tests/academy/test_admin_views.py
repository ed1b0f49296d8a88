from pathlib import Path

import pytest
from django.urls import reverse

from academy.models import AcademyPage
from home.models import User


def onboarding_form(**changes):
    data = {
        "city": "Nice",
        "country": "FR",
        "code": "NCE",
        "academy_name": "Nice Municipal Police",
        "force": "",
        "default_language": "fr",
    }
    return {**data, **changes}


def test_network_admin_onboards_a_city_from_the_admin(client, home, network_admin):
    client.force_login(network_admin)

    response = client.post(reverse("academy_onboard_city"), onboarding_form(), follow=True)

    academy = AcademyPage.objects.in_default_locale().get(code="NCE")
    assert academy.coordinator_group.name == "Nice coordinators"
    assert "Nice is onboarded" in response.content.decode()


def test_onboarding_form_explains_a_bad_code_and_keeps_what_was_typed(client, home, network_admin):
    client.force_login(network_admin)

    response = client.post(reverse("academy_onboard_city"), onboarding_form(code="nice"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Use three capital letters, e.g. LIS." in content
    assert 'value="Nice Municipal Police"' in content
    assert not AcademyPage.objects.filter(city="Nice").exists()


def test_onboarding_form_refuses_a_code_used_by_another_city(client, lisbon, network_admin):
    client.force_login(network_admin)

    response = client.post(reverse("academy_onboard_city"), onboarding_form(code="LIS"))

    assert "The code LIS is already used by Lisbon." in response.content.decode()
    assert not AcademyPage.objects.filter(city="Nice").exists()


@pytest.mark.parametrize("role", ["lisbon_coordinator", "lisbon_trainer"])
def test_city_staff_cannot_onboard_a_city(client, home, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("academy_onboard_city")).status_code in (302, 403)
    client.post(reverse("academy_onboard_city"), onboarding_form())

    assert not AcademyPage.objects.filter(code="NCE").exists()


def test_onboarding_requires_csrf(home, network_admin):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(network_admin)

    response = client.post(reverse("academy_onboard_city"), onboarding_form())

    assert response.status_code == 403
    assert not AcademyPage.objects.filter(code="NCE").exists()


def test_network_admin_creates_a_user_with_the_name_printed_on_certificates(
    client, network_admin, lisbon
):
    client.force_login(network_admin)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "lukasz@academy.example",
            "first_name": "Łukasz",
            "last_name": "Żółć",
            "full_name": "Łukasz Żółć",
            "force": lisbon.academy.force.pk,
            "participant_type": "officer",
            "preferred_language": "pt",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="lukasz@academy.example")
    assert user.academy_profile.full_name == "Łukasz Żółć"
    assert user.academy_profile.force == lisbon.academy.force
    assert user.academy_profile.preferred_language == "pt"


def test_staff_keep_their_certificate_name_in_their_account(client, lisbon_trainer):
    client.force_login(lisbon_trainer)
    response = client.get(reverse("wagtailadmin_account"))

    assert "certificate_details-full_name" in response.content.decode()


def test_admin_home_takes_staff_to_their_own_academy(client, lisbon_trainer, lisbon, madrid):
    client.force_login(lisbon_trainer)

    content = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("wagtailadmin_explore", args=[lisbon.academy.pk]) in content
    assert reverse("wagtailadmin_explore", args=[madrid.academy.pk]) not in content
    assert (
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", lisbon.academy.pk])
        in content
    )


def test_admin_templates_hide_screen_reader_text_with_the_admins_own_class():
    # `visually-hidden` is defined by the public site's CSS only: in the admin, text marked
    # with it shows on screen.
    root = Path(__file__).resolve().parents[2]
    admin_templates = [
        path
        for app in ("academy", "certificates", "courses", "home")
        for path in (root / app / "templates").glob("*/admin/*.html")
    ]

    assert admin_templates
    assert [p.name for p in admin_templates if "visually-hidden" in p.read_text()] == []


def test_the_admins_user_form_shows_and_saves_the_academy_profile(
    client, network_admin, lisbon, officer
):
    client.force_login(network_admin)
    url = reverse("wagtailusers_users:edit", args=[officer.pk])

    page = client.get(url).content.decode()
    client.post(
        url,
        {
            "email": officer.email,
            "first_name": officer.first_name,
            "last_name": officer.last_name,
            "is_active": "on",
            "full_name": "Ana Sofia da Silva",
            "force": lisbon.academy.force.pk,
            "participant_type": "staff",
            "preferred_language": "es",
        },
    )

    assert f'value="{officer.academy_profile.full_name}"' in page
    officer.refresh_from_db()
    assert officer.academy_profile.full_name == "Ana Sofia da Silva"
    assert officer.academy_profile.participant_type == "staff"
