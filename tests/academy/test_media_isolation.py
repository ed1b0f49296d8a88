"""A city's images and documents are its own: the admin API lists, and page forms take,
only what the user may choose (their city's collection), whatever id a request names."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from academy.models import InformationPage
from academy.services import publish_under
from courses.models import CoursePage, ModulePage
from tests.academy.test_admin_isolation import edit_form_data
from tests.courses.builders import build_course, course_form, sample_image

IMAGE_REFUSED = "This image is not in a collection you may choose from"
DOCUMENT_REFUSED = "This document is not in a collection you may choose from"


def image_in(collection, title):
    image = sample_image(title=title)
    image.collection = collection
    image.save()
    return image


def document_in(collection, title):
    return get_document_model().objects.create(
        title=title, collection=collection, file=ContentFile(b"%PDF-1.4\n", name="guide.pdf")
    )


@pytest.fixture
def library(lisbon, madrid):
    return {
        "lisbon image": image_in(lisbon.collection, "Lisbon harbour patrol"),
        "madrid image": image_in(madrid.collection, "Madrid plaza patrol"),
        "lisbon document": document_in(lisbon.collection, "Lisbon field guide"),
        "madrid document": document_in(madrid.collection, "Madrid field guide"),
    }


@pytest.fixture
def lisbon_course(lisbon):
    return CoursePage.objects.get(pk=build_course(lisbon.academy, modules=1).pk)


def post_edit(client, user, page, data):
    client.force_login(user)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def course_edit(course, **changes):
    return course_form(title=course.title, slug=course.slug, **changes)


def module_edit(module, block):
    return nested_form_data(
        {
            "title": module.title,
            "slug": module.slug,
            "estimated_minutes": "20",
            "required": "on",
            "body": streamfield([("paragraph", rich_text("<p>Before the walk.</p>")), block]),
            "comments": inline_formset([]),
        }
    )


def image_block(image):
    return ("image", {"image": image.pk, "alt_text": "", "caption": ""})


def document_block(document):
    return ("document", {"document": document.pk, "title": "", "description": ""})


def latest(page):
    return type(page).objects.get(pk=page.pk).get_latest_revision_as_object()


def test_a_course_cover_from_another_citys_collection_is_refused(
    client, lisbon_trainer, lisbon_course, library
):
    data = course_edit(lisbon_course, cover_image=str(library["madrid image"].pk))

    response = post_edit(client, lisbon_trainer, lisbon_course, data)

    assert response.status_code == 200
    assert IMAGE_REFUSED in response.content.decode()
    assert latest(lisbon_course).cover_image_id is None


def test_a_course_cover_from_the_citys_own_collection_is_taken(
    client, lisbon_trainer, lisbon_course, library
):
    data = course_edit(lisbon_course, cover_image=str(library["lisbon image"].pk))

    response = post_edit(client, lisbon_trainer, lisbon_course, data)

    assert response.status_code == 302
    assert latest(lisbon_course).cover_image_id == library["lisbon image"].pk


def test_a_network_admin_may_choose_any_citys_image(client, network_admin, lisbon_course, library):
    data = course_edit(lisbon_course, cover_image=str(library["madrid image"].pk))

    response = post_edit(client, network_admin, lisbon_course, data)

    assert response.status_code == 302
    assert latest(lisbon_course).cover_image_id == library["madrid image"].pk


def test_an_image_the_page_already_had_stays_when_city_staff_edit_it(
    client, lisbon_trainer, lisbon_course, library
):
    lisbon_course.cover_image = library["madrid image"]  # chosen by a network admin
    lisbon_course.save_revision().publish()
    data = course_edit(lisbon_course, cover_image=str(library["madrid image"].pk), audience="All")

    response = post_edit(client, lisbon_trainer, lisbon_course, data)

    assert response.status_code == 302
    assert latest(lisbon_course).audience == "All"


def test_an_image_block_from_another_citys_collection_is_refused(
    client, lisbon_trainer, lisbon_course, library
):
    module = ModulePage.objects.child_of(lisbon_course).get()

    response = post_edit(
        client, lisbon_trainer, module, module_edit(module, image_block(library["madrid image"]))
    )

    assert response.status_code == 200
    assert IMAGE_REFUSED in response.content.decode()
    assert "Before the walk." in response.content.decode()  # what was typed stays
    assert [block.block_type for block in latest(module).body] == ["paragraph"]


def test_a_document_block_from_another_citys_collection_is_refused(
    client, lisbon_trainer, lisbon_course, library
):
    module = ModulePage.objects.child_of(lisbon_course).get()

    response = post_edit(
        client,
        lisbon_trainer,
        module,
        module_edit(module, document_block(library["madrid document"])),
    )

    assert response.status_code == 200
    assert DOCUMENT_REFUSED in response.content.decode()
    assert [block.block_type for block in latest(module).body] == ["paragraph"]


@pytest.mark.parametrize("kind", ["image", "document"])
def test_blocks_from_the_citys_own_collection_are_taken(
    client, lisbon_trainer, lisbon_course, library, kind
):
    module = ModulePage.objects.child_of(lisbon_course).get()
    block = (image_block if kind == "image" else document_block)(library[f"lisbon {kind}"])

    response = post_edit(client, lisbon_trainer, module, module_edit(module, block))

    assert response.status_code == 302
    assert [block.block_type for block in latest(module).body] == ["paragraph", kind]


@pytest.mark.parametrize(
    "html",
    [
        '<embed embedtype="image" id="{image}" format="fullwidth" alt="A plaza"/>',
        '<p><a linktype="document" id="{document}">Guide</a></p>',
    ],
)
def test_rich_text_naming_another_citys_image_or_document_is_refused(
    client, lisbon, lisbon_coordinator, library, html
):
    page = publish_under(lisbon.academy, InformationPage(title="Getting here"))
    body = html.format(image=library["madrid image"].pk, document=library["madrid document"].pk)
    data = nested_form_data(
        {
            "title": "Getting here",
            "slug": page.slug,
            "body": rich_text(body),
            "comments": inline_formset([]),
        }
    )

    response = post_edit(client, lisbon_coordinator, page, data)

    assert response.status_code == 200
    assert "not in a collection you may choose from" in response.content.decode()
    assert latest(page).body == ""


def test_an_academy_logo_from_another_citys_collection_is_refused(
    client, network_admin, lisbon, lisbon_coordinator, library
):
    data = edit_form_data(client, network_admin, lisbon.academy, logo=library["madrid image"].pk)

    response = post_edit(client, lisbon_coordinator, lisbon.academy, data)

    assert response.status_code == 200
    assert IMAGE_REFUSED in response.content.decode()
    assert latest(lisbon.academy).logo_id is None


def api_titles(client, user, endpoint):
    client.force_login(user)
    response = client.get(f"/admin/api/main/{endpoint}/")
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize("endpoint", ["images", "documents"])
def test_the_admin_api_lists_only_the_users_citys_media(client, lisbon_trainer, library, endpoint):
    titles = api_titles(client, lisbon_trainer, endpoint)

    expected = {"images": {"Lisbon harbour patrol"}, "documents": {"Lisbon field guide"}}
    assert titles == expected[endpoint]


@pytest.mark.parametrize("kind", ["image", "document"])
def test_the_admin_api_does_not_show_another_citys_media_by_id(
    client, lisbon_trainer, library, kind
):
    client.force_login(lisbon_trainer)

    response = client.get(f"/admin/api/main/{kind}s/{library[f'madrid {kind}'].pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ["images", "documents"])
def test_the_admin_api_lists_every_citys_media_to_a_network_admin(
    client, network_admin, library, endpoint
):
    titles = api_titles(client, network_admin, endpoint)

    assert len(titles) == 2


def test_the_admin_pages_api_lists_no_page_of_another_city(client, lisbon_trainer, lisbon, madrid):
    madrid.academy.add_child(instance=InformationPage(title="Madrid draft notes", live=False))
    lisbon.academy.add_child(instance=InformationPage(title="Lisbon draft notes", live=False))
    client.force_login(lisbon_trainer)

    response = client.get("/admin/api/main/pages/", {"search": "notes"})

    titles = {item["title"] for item in response.json()["items"]}
    assert "Lisbon draft notes" in titles and "Madrid draft notes" not in titles
