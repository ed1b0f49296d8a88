"""The site's search backend: Wagtail's database backend, with what people type taken as
plain words on SQLite too.

On SQLite Wagtail wraps each word in FTS5 quotes without escaping the quotes inside it, so
a ``"`` typed in any search box (the catalogue, the admin's page search, choosers) was an
FTS5 syntax error and a server error. Doubling it is FTS5's own escape: the word is then
searched as typed, and FTS5's operators (``*``, ``NEAR``, ``:``, ``^``...) stay inside the
quotes as text. PostgreSQL parses what is typed itself and needs nothing.
"""

from functools import cache

from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend
from wagtail.search.query import Phrase, PlainText


def _literal(text):
    return text.replace('"', '""')


class LiteralTerms:
    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            query = PlainText(_literal(query.query_string), query.operator, query.boost)
        elif isinstance(query, Phrase):
            query = Phrase(_literal(query.query_string))
        return super().build_search_query_content(query, config=config)


@cache
def _sqlite_compilers():
    # Wagtail's SQLite module loads a model that exists only on SQLite.
    from wagtail.search.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteSearchQueryCompiler,
    )

    return (
        type("LiteralSearchQueryCompiler", (LiteralTerms, SQLiteSearchQueryCompiler), {}),
        type(
            "LiteralAutocompleteQueryCompiler",
            (LiteralTerms, SQLiteAutocompleteQueryCompiler),
            {},
        ),
    )


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = DatabaseSearchBackend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        backend.query_compiler_class, backend.autocomplete_query_compiler_class = (
            _sqlite_compilers()
        )
    return backend
