import pytest

from courses.blocks import CourseContentBlock


@pytest.mark.parametrize("name", list(CourseContentBlock.base_blocks))
def test_every_block_has_an_icon_a_template_and_a_description(name):
    block = CourseContentBlock.base_blocks[name]

    assert block.meta.icon not in (None, "placeholder")
    app = type(block).__module__.split(".")[0]  # a block of the core (the glossary) is the core's
    assert block.meta.template.startswith(f"{app}/blocks/")
    assert block.get_description()


@pytest.mark.parametrize(
    "name",
    [
        name
        for name, block in CourseContentBlock.base_blocks.items()
        if name not in {"video"}  # an embed needs the video site to answer
    ],
)
def test_block_preview_renders(name, db, client, network_admin):
    from django.urls import reverse

    from tests.courses.builders import sample_image

    sample_image()
    client.force_login(network_admin)
    block = CourseContentBlock.base_blocks[name]

    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})

    assert response.status_code == 200, name
    assert "home/site.css" in response.content.decode()
