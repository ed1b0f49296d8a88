import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from academy.services import onboard_city
from courses.models import CoursePage, ModulePage, Theme
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.builders import build_course, publish


@pytest.fixture
def catalogue_data(lisbon, madrid):
    community = Theme.objects.create(name="Community policing")
    vulnerable = Theme.objects.create(name="Protection of vulnerable groups")
    portuguese = Locale.objects.get(language_code="pt")
    spanish = Locale.objects.get(language_code="es")
    elderly = build_course(lisbon.academy, title="Protecting elderly people living alone")
    elderly.themes.set([vulnerable])
    elderly.languages.set([portuguese])
    elderly.save_revision().publish()
    mediation = build_course(madrid.academy, title="Mediation of neighbourhood conflicts")
    mediation.themes.set([community])
    mediation.languages.set([spanish])
    mediation.level = CoursePage.Level.INTERMEDIATE
    mediation.save_revision().publish()
    publish(
        mediation,
        ModulePage(
            title="Noise complaints",
            body=[("paragraph", "<p>Late-night noise from a karaoke bar.</p>")],
        ),
    )
    return {"community": community, "vulnerable": vulnerable}


def titles(response):
    return [course.title for course in response.context["courses"]]


def test_catalogue_lists_every_published_course(client, catalogue_data):
    response = client.get(reverse("catalogue"))

    assert titles(response) == [
        "Mediation of neighbourhood conflicts",
        "Protecting elderly people living alone",
    ]


def test_catalogue_filters_by_city(client, catalogue_data):
    assert titles(client.get(reverse("catalogue"), {"city": "lisbon"})) == [
        "Protecting elderly people living alone"
    ]


def test_catalogue_filters_by_theme(client, catalogue_data):
    response = client.get(reverse("catalogue"), {"theme": catalogue_data["community"].pk})

    assert titles(response) == ["Mediation of neighbourhood conflicts"]


def test_catalogue_filters_by_language_and_level(client, catalogue_data):
    assert titles(client.get(reverse("catalogue"), {"language": "pt"})) == [
        "Protecting elderly people living alone"
    ]
    assert titles(client.get(reverse("catalogue"), {"level": "intermediate"})) == [
        "Mediation of neighbourhood conflicts"
    ]


def test_catalogue_search_finds_courses_by_the_titles_of_their_modules(client, catalogue_data):
    response = client.get(reverse("catalogue"), {"q": "complaints"})

    assert titles(response) == ["Mediation of neighbourhood conflicts"]


def test_catalogue_search_finds_courses_by_their_own_text(client, catalogue_data):
    response = client.get(reverse("catalogue"), {"q": "elderly"})

    assert titles(response) == ["Protecting elderly people living alone"]


def test_unknown_filter_value_is_explained_not_an_error(client, catalogue_data):
    response = client.get(reverse("catalogue"), {"city": "atlantis"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_draft_courses_are_not_in_the_catalogue(client, catalogue_data, lisbon):
    build_course(lisbon.academy, title="Unfinished draft").unpublish()

    assert "Unfinished draft" not in titles(client.get(reverse("catalogue")))


def grow_network(size):
    theme = Theme.objects.get_or_create(name="Community policing")[0]
    for number in range(size):
        onboarding = onboard_city(
            city=f"City {size}-{number}",
            country="BE",
            code=f"Q{chr(65 + size % 26)}{chr(65 + number)}",
            academy_name=f"Academy {size}-{number}",
        )
        for course_number in range(2):
            course = build_course(
                onboarding.academy, title=f"Course {size}-{number}-{course_number}", modules=3
            )
            course.themes.set([theme])
            course.languages.set(Locale.objects.all())
            course.save_revision().publish()


@pytest.mark.parametrize(
    "url", [reverse("catalogue"), "/en/", "/en/lisbon/"], ids=["catalogue", "home", "academy"]
)
def test_listing_queries_do_not_grow_with_courses(
    client, lisbon, url, django_assert_num_queries, django_assert_max_num_queries
):
    build_course(lisbon.academy, title="Lisbon course")
    grow_network(2)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)

    grow_network(6)
    for number in range(3):
        build_course(lisbon.academy, title=f"Another Lisbon course {number}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    lisbon_courses = ["Lisbon course", *(f"Another Lisbon course {n}" for n in range(3))]
    listed = {
        reverse("catalogue"): lisbon_courses
        + [
            f"Course {size}-{number}-{course}"
            for size in (2, 6)
            for number in range(size)
            for course in range(2)
        ],
        "/en/": ["Lisbon Municipal Police"]
        + [f"Academy {size}-{number}" for size in (2, 6) for number in range(size)],
        "/en/lisbon/": lisbon_courses,
    }[url]
    page = response.content.decode()
    assert [title for title in listed if title not in page] == []


def test_course_and_module_pages_queries_do_not_grow_with_modules(client, lisbon):
    small = build_course(lisbon.academy, title="Small course", modules=2)
    large = build_course(lisbon.academy, title="Large course", modules=12)
    for course in (small, large):
        client.get(course.url)
        client.get(course.get_children().first().url)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assert count(large.url) == count(small.url)
    large_page = client.get(large.url).content.decode()
    assert [n for n in range(1, 13) if f">Module {n}<" not in large_page] == []
    large_module = large.get_children().type(ModulePage).last()
    small_module = small.get_children().type(ModulePage).last()
    assert count(large_module.url) == count(small_module.url)
    assert "<h1>Module 12</h1>" in client.get(large_module.url).content.decode()


def test_format_and_dates_filter_courses_by_their_upcoming_sessions(client, lisbon):
    online = build_course(lisbon.academy, title="Online course")
    residential = build_course(lisbon.academy, title="Residential course")
    make_session(lisbon.academy, course=online, format="online", days_ahead=10)
    make_session(lisbon.academy, course=residential, format="residential", days_ahead=60)
    soon = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    assert titles(client.get(reverse("catalogue"), {"format": "online"})) == ["Online course"]
    assert titles(client.get(reverse("catalogue"), {"starts_after": soon})) == [
        "Residential course"
    ]
    assert titles(client.get(reverse("catalogue"), {"starts_before": soon})) == ["Online course"]


def test_an_end_date_before_the_start_date_is_explained(client, lisbon):
    response = client.get(
        reverse("catalogue"), {"starts_after": "2031-05-01", "starts_before": "2031-04-01"}
    )

    assert "Choose an end date after the start date." in response.content.decode()
    assert 'value="2031-05-01"' in response.content.decode()


# What people type is searched as words: FTS5's syntax (quotes, prefix stars, groups, column
# filters, NEAR, negation, initial-token carets) must neither answer a server error nor act.
SEARCH_SYNTAX = [
    '"',
    '""',
    '"""',
    '"karaoke',
    'karaoke"',
    'kara"oke',
    "*",
    "karaoke*",
    "(",
    ")",
    "(karaoke",
    "NEAR",
    "NEAR(karaoke bar, 2)",
    "title:karaoke",
    ":",
    "-",
    "-karaoke",
    "^",
    "^karaoke",
    "{title}: karaoke",
    "karaoke AND",
    "OR",
    "NOT karaoke",
    "+",
    "'",
    "\\",
    "%_",
]


def test_search_syntax_characters_are_searched_as_text_not_a_server_error(client, catalogue_data):
    answers = {q: client.get(reverse("catalogue"), {"q": q}).status_code for q in SEARCH_SYNTAX}

    assert answers == dict.fromkeys(SEARCH_SYNTAX, 200)


def test_a_search_of_signs_only_matches_no_course_and_says_so(client, catalogue_data):
    response = client.get(reverse("catalogue"), {"q": '"*-'})

    assert titles(response) == []
    assert "No course matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    "typed", ['"mediation"', 'mediation"', '"mediation', "mediation*", "(mediation)", "mediation:"]
)
def test_a_word_typed_with_search_syntax_around_it_still_finds_the_course(
    client, catalogue_data, typed
):
    assert titles(client.get(reverse("catalogue"), {"q": typed})) == [
        "Mediation of neighbourhood conflicts"
    ]


@pytest.fixture
def secret_course(lisbon):
    """A course whose only mention of a word is inside a module body, which only the officers
    of its sessions and the city's staff may read."""
    course = build_course(lisbon.academy, title="Handling informants", modules=0)
    publish(
        course,
        ModulePage(
            title="Protecting sources",
            body=[("paragraph", "<p>The codeword is zanzibarite.</p>")],
        ),
    )
    course.session = make_session(lisbon.academy, course=course, capacity=10)
    return course


def test_a_word_only_in_a_module_body_finds_nothing_for_the_public(client, secret_course):
    assert titles(client.get(reverse("catalogue"), {"q": "zanzibarite"})) == []


def test_a_word_only_in_a_module_body_finds_nothing_for_an_officer_not_enrolled(
    client, secret_course, officer
):
    client.force_login(officer)

    assert titles(client.get(reverse("catalogue"), {"q": "zanzibarite"})) == []


def test_a_word_only_in_a_module_body_finds_nothing_for_an_officer_still_waiting(
    client, secret_course, officer
):
    secret_course.session.approval_required = True
    secret_course.session.save()
    enrol(officer, secret_course.session)
    client.force_login(officer)

    assert titles(client.get(reverse("catalogue"), {"q": "zanzibarite"})) == []


def test_a_word_only_in_a_module_body_finds_the_course_for_an_enrolled_officer(
    client, secret_course, officer
):
    enrol(officer, secret_course.session)
    client.force_login(officer)

    assert titles(client.get(reverse("catalogue"), {"q": "zanzibarite"})) == ["Handling informants"]


def test_a_word_only_in_a_module_body_finds_the_course_for_its_citys_staff_only(
    client, secret_course, lisbon_trainer, madrid_coordinator
):
    client.force_login(madrid_coordinator)
    assert titles(client.get(reverse("catalogue"), {"q": "zanzibarite"})) == []

    client.force_login(lisbon_trainer)
    assert titles(client.get(reverse("catalogue"), {"q": "zanzibarite"})) == ["Handling informants"]


def test_module_titles_are_public_text(client, secret_course):
    assert titles(client.get(reverse("catalogue"), {"q": "sources"})) == ["Handling informants"]
