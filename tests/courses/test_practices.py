"""Issue 21: the practice library. Practices are pages under their city's academy, moderated
like courses, listed and searched across the network, linked to courses and sessions."""

from django.urls import reverse
from wagtail.models import Page

from courses.models import PracticePage, Theme
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.courses.practices import build_practice


def test_a_practice_sits_under_an_academy_only(lisbon):
    assert PracticePage.can_exist_under(lisbon.academy)
    assert not PracticePage.can_exist_under(Page.objects.get(depth=1))


def test_a_trainer_may_add_a_practice_but_not_publish_it(lisbon, lisbon_trainer):
    practice = build_practice(lisbon.academy)
    permissions = practice.permissions_for_user(lisbon_trainer)

    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_a_coordinator_publishes_a_practice(lisbon, lisbon_coordinator):
    practice = build_practice(lisbon.academy)

    assert practice.permissions_for_user(lisbon_coordinator).can_publish()


def test_a_coordinator_of_another_city_cannot_edit_it(lisbon, madrid_coordinator):
    practice = build_practice(lisbon.academy)

    assert not practice.permissions_for_user(madrid_coordinator).can_edit()


def test_the_library_lists_every_citys_practices(client, lisbon, madrid):
    build_practice(lisbon.academy, title="Lisbon safety walks")
    build_practice(madrid.academy, title="Madrid school mediators")

    page = client.get(reverse("practices")).content.decode()

    assert "Lisbon safety walks" in page and "Madrid school mediators" in page


def test_the_library_filters_by_city(client, lisbon, madrid):
    build_practice(lisbon.academy, title="Lisbon safety walks")
    build_practice(madrid.academy, title="Madrid school mediators")

    page = client.get(reverse("practices"), {"city": madrid.academy.slug}).content.decode()

    assert "Madrid school mediators" in page and "Lisbon safety walks" not in page


def test_the_library_filters_by_theme(client, lisbon):
    theme = Theme.objects.create(name="Protection of vulnerable groups")
    tagged = build_practice(lisbon.academy, title="Elderly safety calls")
    tagged.themes.add(theme)
    tagged.save_revision().publish()
    build_practice(lisbon.academy, title="Lisbon safety walks")

    page = client.get(reverse("practices"), {"theme": theme.pk}).content.decode()

    assert "Elderly safety calls" in page and "Lisbon safety walks" not in page


def test_the_library_searches_the_practices_text(client, lisbon):
    build_practice(lisbon.academy, title="Lisbon safety walks", summary="Walking with residents.")
    build_practice(lisbon.academy, title="Drone patrols", summary="Cameras in the air.")

    page = client.get(reverse("practices"), {"q": "drone"}).content.decode()

    assert "Drone patrols" in page and "Lisbon safety walks" not in page


def test_a_draft_practice_is_not_listed(client, lisbon):
    practice = build_practice(lisbon.academy, title="Unfinished idea")
    practice.unpublish()

    assert "Unfinished idea" not in client.get(reverse("practices")).content.decode()


def test_the_practice_page_shows_what_it_took_and_where_it_is_taught(client, lisbon):
    course = build_course(lisbon.academy, title="Community policing basics", modules=1)
    practice = build_practice(
        lisbon.academy, partners="Parish social services", cost="EUR 4,000 a year"
    )
    practice.courses.add(course)
    practice.save_revision().publish()
    session = make_session(lisbon.academy, title="Exchange Day on walks")
    session.practices.add(practice)

    page = client.get(practice.url).content.decode()

    assert "Parish social services" in page and "EUR 4,000 a year" in page
    assert "Community policing basics" in page and "Exchange Day on walks" in page


def test_a_practice_is_translated_with_simple_translation(lisbon):
    from wagtail.models import Locale

    practice = build_practice(lisbon.academy)
    french = Locale.objects.get(language_code="fr")

    translation = practice.copy_for_translation(french, copy_parents=True)

    assert translation.translation_key == practice.translation_key
