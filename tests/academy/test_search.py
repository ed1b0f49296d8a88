"""Every search box that reaches the search backend takes FTS syntax as text (academy/search.py)."""

import pytest

from tests.courses.builders import build_course
from tests.home.test_catalogue import SEARCH_SYNTAX

ADMIN_SEARCHES = [
    "/admin/pages/search/",
    "/admin/choose-page/search/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/users/",
    "/admin/snippets/courses/theme/",
]


@pytest.mark.parametrize("url", ADMIN_SEARCHES)
def test_admin_searches_take_search_syntax_as_text(client, lisbon, network_admin, url):
    build_course(lisbon.academy, title="Mediation of neighbourhood conflicts")
    client.force_login(network_admin)

    answers = {q: client.get(url, {"q": q}).status_code for q in SEARCH_SYNTAX}

    assert answers == dict.fromkeys(SEARCH_SYNTAX, 200)


@pytest.mark.parametrize("typed", ['"mediation"', 'mediation"', '"mediation'])
def test_the_admin_page_search_finds_a_word_typed_with_quotes(client, lisbon, network_admin, typed):
    build_course(lisbon.academy, title="Mediation of neighbourhood conflicts")
    client.force_login(network_admin)

    response = client.get("/admin/pages/search/", {"q": typed})

    assert "Mediation of neighbourhood conflicts" in response.content.decode()
