"""Courses are translated with Wagtail's simple translation, inside the city's rules."""

from django.urls import reverse
from wagtail.models import Locale

from courses.models import CoursePage
from tests.courses.builders import build_course


def translate(client, user, page, language):
    client.force_login(user)
    return client.post(
        reverse("simple_translation:submit_page_translation", args=[page.pk]),
        {"locales": [Locale.objects.get(language_code=language).pk], "include_subtree": "on"},
    )


def test_trainer_translates_a_course_and_keeps_editing_it(client, madrid, madrid_trainer):
    course = build_course(madrid.academy, title="Mediation of neighbourhood conflicts")

    response = translate(client, madrid_trainer, course, "es")

    spanish = CoursePage.objects.get(
        translation_key=course.translation_key, locale__language_code="es"
    )
    assert response.url == reverse("wagtailadmin_pages:edit", args=[spanish.pk])
    assert client.get(response.url).status_code == 200  # the trainer can edit the translation
    assert spanish.get_children().count() == course.get_children().count()
    assert spanish.get_workflow().name == "Madrid moderation"


def test_lisbon_trainer_cannot_translate_a_madrid_course(client, madrid, lisbon_trainer):
    course = build_course(madrid.academy)

    translate(client, lisbon_trainer, course, "fr")

    assert not CoursePage.objects.filter(locale__language_code="fr").exists()


def test_catalogue_shows_each_course_in_the_visitors_language(
    client, madrid, madrid_trainer, madrid_coordinator
):
    course = build_course(madrid.academy, title="Mediation of neighbourhood conflicts")
    translate(client, madrid_trainer, course, "es")
    spanish = CoursePage.objects.get(
        translation_key=course.translation_key, locale__language_code="es"
    )
    spanish.title = "Mediación de conflictos vecinales"
    spanish.save_revision(user=madrid_coordinator).publish()

    spanish_titles = [c.title for c in client.get("/es/catalogue/").context["courses"]]
    english_titles = [c.title for c in client.get("/en/catalogue/").context["courses"]]
    french_titles = [c.title for c in client.get("/fr/catalogue/").context["courses"]]

    assert spanish_titles == ["Mediación de conflictos vecinales"]
    assert english_titles == ["Mediation of neighbourhood conflicts"]
    assert french_titles == ["Mediation of neighbourhood conflicts"]


def test_academy_page_lists_its_courses_in_every_language(client, madrid):
    build_course(madrid.academy, title="Mediation of neighbourhood conflicts")

    for language in ("en", "fr", "es"):
        response = client.get(f"/{language}/madrid/")
        assert response.status_code == 200
        assert "Mediation of neighbourhood conflicts" in response.content.decode(), language


def test_practical_information_follows_the_academy_into_other_languages(client, madrid):
    from academy.models import InformationPage
    from tests.courses.builders import publish

    publish(madrid.academy, InformationPage(title="Getting to the academy"))

    content = client.get("/pt/madrid/").content.decode()

    assert "Getting to the academy" in content
