"""Issue 21: the network glossary: terms with a definition and equivalents in five
languages, kept by network admins, shown in blocks and on a public searchable page."""

import pytest
from django.urls import reverse

from academy.models import GlossaryTerm
from tests.courses.builders import build_course
from tests.factories import UserFactory


@pytest.fixture
def term(lisbon):
    term = GlossaryTerm.objects.create(
        term="Community policing",
        definition="Policing with and for residents.",
        term_fr="Police de proximité",
        term_nl="Gebiedsgebonden politiezorg",
        term_es="Policía comunitaria",
        term_pt="Policiamento de proximidade",
    )
    term.forces.add(lisbon.academy.force)
    return term


def test_the_glossary_page_lists_terms_with_equivalents_and_cities(client, term):
    page = client.get(reverse("academy_glossary")).content.decode()

    assert "Policing with and for residents." in page
    assert "Gebiedsgebonden politiezorg" in page and "Lisbon" in page


def test_the_glossary_is_searched_in_any_language(client, term):
    GlossaryTerm.objects.create(term="Citizens' reserve", definition="Volunteers.")

    page = client.get(reverse("academy_glossary"), {"q": "proximidade"}).content.decode()

    assert "Community policing" in page and "Citizens" not in page


def test_the_term_shows_in_the_visitors_language(client, term):
    page = client.get("/fr" + reverse("academy_glossary")[3:]).content.decode()

    assert "Police de proximité" in page


def test_only_network_admins_edit_the_glossary(client, term, lisbon_coordinator, network_admin):
    url = reverse("wagtailsnippets_academy_glossaryterm:edit", args=[term.pk])
    client.force_login(lisbon_coordinator)
    refused = client.get(url)
    client.force_login(network_admin)

    assert refused.status_code in (302, 403)
    assert client.get(url).status_code == 200


def test_a_module_body_shows_a_glossary_block(client, lisbon, term):
    course = build_course(lisbon.academy, modules=1)
    module = course.get_children().first().specific
    module.body = [("glossary", {"term": term})]
    module.save_revision().publish()
    client.force_login(UserFactory(is_superuser=True))

    page = client.get(module.url).content.decode()

    assert "Policing with and for residents." in page


def test_a_course_shows_its_key_terms(client, lisbon, term):
    course = build_course(lisbon.academy, modules=1)
    course.key_terms.add(term)
    course.save_revision().publish()

    assert "Policing with and for residents." in client.get(course.url).content.decode()
