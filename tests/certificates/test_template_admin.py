"""Certificate templates in the admin: each city chooses its own images and templates, and
reaches no other city's template by any of the snippet's addresses."""

import pytest
from django.urls import NoReverseMatch, reverse

from certificates.models import CertificateTemplate
from tests.certificates.test_private_files import CHOOSER, TEMPLATES, template_form
from tests.courses.builders import sample_image
from tests.factories import UserFactory

LOGO_REFUSED = (
    "This image is not in a collection you may choose from: choose one of your city&#x27;s images."
)


def image_of(collection, title):
    image = sample_image(title)
    image.collection = collection
    image.save(update_fields=["collection"])
    return image


@pytest.fixture
def other_images(madrid):
    """Images a Lisbon coordinator may not choose: Madrid's and the network's root ones."""
    root = madrid.collection.get_parent()
    return {
        "another city's image": image_of(madrid.collection, "Madrid logo"),
        "an image of the root collection": image_of(root, "Network logo"),
    }


@pytest.mark.parametrize("which", ["another city's image", "an image of the root collection"])
def test_a_forged_logo_is_refused_on_the_logo_field(
    client, lisbon, lisbon_coordinator, other_images, which
):
    client.force_login(lisbon_coordinator)

    response = client.post(
        f"{TEMPLATES}/add/", template_form(lisbon.academy, logo=other_images[which].pk)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["logo"] == [LOGO_REFUSED.replace("&#x27;", "'")]
    assert LOGO_REFUSED in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_a_forged_logo_is_refused_when_editing_too(
    client, lisbon, lisbon_coordinator, other_images
):
    template = CertificateTemplate.objects.create(academy=lisbon.academy, name="Design")
    client.force_login(lisbon_coordinator)
    forged = other_images["another city's image"]

    response = client.post(
        f"{TEMPLATES}/edit/{template.pk}/", template_form(lisbon.academy, logo=forged.pk)
    )

    assert LOGO_REFUSED in response.content.decode()
    template.refresh_from_db()
    assert template.logo is None


def test_a_logo_a_network_admin_chose_stays_when_a_coordinator_saves_the_template(
    client, lisbon, lisbon_coordinator, other_images
):
    network_logo = other_images["an image of the root collection"]
    template = CertificateTemplate.objects.create(
        academy=lisbon.academy, name="Design", logo=network_logo
    )
    client.force_login(lisbon_coordinator)

    response = client.post(
        f"{TEMPLATES}/edit/{template.pk}/",
        template_form(lisbon.academy, logo=network_logo.pk, name="Design, renamed"),
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Design, renamed" and template.logo == network_logo


def test_a_forged_logo_is_refused_in_the_preview(client, lisbon, lisbon_coordinator, other_images):
    client.force_login(lisbon_coordinator)
    forged = other_images["another city's image"]

    response = client.post(f"{TEMPLATES}/preview/", template_form(lisbon.academy, logo=forged.pk))

    assert response.json()["is_valid"] is False


def test_a_coordinator_chooses_a_logo_of_their_own_city(client, lisbon, lisbon_coordinator):
    logo = image_of(lisbon.collection, "Lisbon logo")
    client.force_login(lisbon_coordinator)

    response = client.post(f"{TEMPLATES}/add/", template_form(lisbon.academy, logo=logo.pk))

    assert response.status_code == 302
    assert CertificateTemplate.objects.get().logo == logo


def test_a_network_admin_chooses_any_logo(client, lisbon, network_admin, other_images):
    logo = other_images["another city's image"]
    client.force_login(network_admin)

    response = client.post(f"{TEMPLATES}/add/", template_form(lisbon.academy, logo=logo.pk))

    assert response.status_code == 302
    assert CertificateTemplate.objects.get().logo == logo


# The template chooser


@pytest.fixture
def designs(lisbon, madrid):
    return {
        "lisbon": CertificateTemplate.objects.create(academy=lisbon.academy, name="Lisbon design"),
        "madrid": CertificateTemplate.objects.create(academy=madrid.academy, name="Madrid design"),
    }


@pytest.mark.parametrize("address", [f"{CHOOSER}/", f"{CHOOSER}/results/?q=design"])
def test_the_template_chooser_lists_only_the_users_city(
    client, designs, lisbon_coordinator, address
):
    client.force_login(lisbon_coordinator)

    response = client.get(address)

    listing = response.content.decode()
    assert response.status_code == 200
    assert "Lisbon design" in listing and "Madrid design" not in listing


def test_the_template_chooser_lists_every_city_for_a_network_admin(client, designs, network_admin):
    client.force_login(network_admin)

    listing = client.get(f"{CHOOSER}/").content.decode()

    assert "Lisbon design" in listing and "Madrid design" in listing


def test_the_template_chooser_hands_over_no_other_citys_template(
    client, designs, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)
    madrid, lisbon = designs["madrid"].pk, designs["lisbon"].pk

    assert client.get(f"{CHOOSER}/chosen/{madrid}/").status_code == 404
    chosen = client.get(f"{CHOOSER}/chosen-multiple/?id={madrid}&id={lisbon}").json()
    assert [item["string"] for item in chosen["result"]] == ["Lisbon design"]


@pytest.mark.parametrize("user", ["lisbon_coordinator", "network_admin"])
def test_the_template_chooser_creates_nothing_and_says_not_found(client, request, lisbon, user):
    client.force_login(request.getfixturevalue(user))

    response = client.post(f"{CHOOSER}/create/", template_form(lisbon.academy))

    assert response.status_code == 404
    assert not CertificateTemplate.objects.exists()


# Every address of a template, for another city


ADDRESSES = {
    "edit": "edit",
    "delete": "delete",
    "copy": "copy",
    "usage": "usage",
    "history": "history",
    "history results": "history-results",
    "preview": "preview",
}


@pytest.mark.parametrize("view", ADDRESSES)
@pytest.mark.parametrize("someone", ["madrid_coordinator", "lisbon_trainer", "an officer"])
def test_no_one_but_the_citys_coordinators_reaches_a_template(
    client, request, designs, view, someone
):
    user = UserFactory() if someone == "an officer" else request.getfixturevalue(someone)
    client.force_login(user)

    response = client.get(f"{TEMPLATES}/{ADDRESSES[view]}/{designs['lisbon'].pk}/")

    assert response.status_code in (302, 403, 404)
    assert "Lisbon design" not in response.content.decode()


@pytest.mark.parametrize("view", ADDRESSES)
@pytest.mark.parametrize("user", ["lisbon_coordinator", "network_admin"])
def test_the_citys_coordinators_and_network_admins_reach_a_template(
    client, request, designs, view, user
):
    client.force_login(request.getfixturevalue(user))

    response = client.get(f"{TEMPLATES}/{ADDRESSES[view]}/{designs['lisbon'].pk}/")

    assert response.status_code == 200


def test_a_template_has_no_inspect_or_revisions_address():
    for name in ("inspect", "revisions_index", "revisions_view", "revisions_compare"):
        with pytest.raises(NoReverseMatch):
            reverse(f"wagtailsnippets_certificates_certificatetemplate:{name}", args=[1])
