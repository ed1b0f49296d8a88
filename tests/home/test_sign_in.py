import pytest
from django.test import Client
from django.urls import reverse


def test_officer_signs_in_with_email_and_sees_their_name(client, officer):
    response = client.post(
        "/en/accounts/login/",
        {"username": officer.email.upper(), "password": "correct horse battery staple"},
        follow=True,
    )

    assert response.status_code == 200
    assert officer.get_full_name() in response.content.decode()


@pytest.mark.parametrize(
    "spelling",
    [str.upper, str.title, lambda address: f"  {address} "],
    ids=["upper case", "mixed case", "spaces around"],
)
def test_any_spelling_of_the_address_signs_in(client, officer, spelling):
    response = client.post(
        "/en/accounts/login/",
        {"username": spelling(officer.email), "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_wrong_password_is_explained_and_keeps_the_email(client, officer):
    response = client.post(
        "/en/accounts/login/", {"username": officer.email, "password": "wrong password"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in content
    assert f'value="{officer.email}"' in content


def test_sign_out_needs_a_post(client, officer):
    client.force_login(officer)

    assert client.get("/en/accounts/logout/").status_code == 405
    client.post("/en/accounts/logout/")

    assert "_auth_user_id" not in client.session


def test_a_get_of_the_admin_sign_out_keeps_staff_signed_in(client, lisbon_coordinator):
    client.force_login(lisbon_coordinator)

    response = client.get("/admin/logout/")

    assert response.status_code == 405
    assert "_auth_user_id" in client.session
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_staff_sign_out_of_the_admin_with_a_post_and_its_csrf_token(lisbon_coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lisbon_coordinator)
    client.get(reverse("wagtailadmin_home"))

    response = client.post(
        reverse("wagtailadmin_logout"), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_a_post_to_the_admin_sign_out_without_a_csrf_token_is_refused(lisbon_coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lisbon_coordinator)

    assert client.post(reverse("wagtailadmin_logout")).status_code == 403
    assert "_auth_user_id" in client.session
