"""Public pages served to visitors who are not signed in, from the cache.

The catalogue, the academies' pages and the course pages are the same for every visitor
who is not signed in; rendering them costs a dozen queries and most of a request's time.
``AnonymousPageCacheMiddleware`` keeps each such page in the cache
(``ACADEMY_PAGE_CACHE_SECONDS``, 300 by default, 0 turns it off; the cache named by
``ACADEMY_PAGE_CACHE``, ``"default"``: Redis in production, so every app server shares it).

What may be cached is said by the view: a page model with ``cache_for_visitors = True``
(``on_serve_page`` hook, below) or a view decorated with ``cache_for_visitors``. What is
never cached or served from the cache:

- anything for a signed-in person (their name, the admin link, Wagtail's user bar);
- a response that sets a cookie, changes the session or shows a message;
- a page with view restrictions (a password or a group: who passed is not seen here).

The CSRF token of the forms on a page (the language switcher) is not stored: it is
replaced by a marker, and each visitor served from the cache gets their own token.

Invalidation: every entry's key holds a *generation*, a random value kept in the same
cache. ``invalidate()`` replaces it (after the transaction commits) whenever a session or
an enrolment changes (places left are shown on these pages); ``invalidate_content()``
replaces it and the *content generation* whenever a page is saved, published,
unpublished, moved or deleted, a view restriction is added or removed, or an image or a
document changes: no entry stored before can be found again. A request reads the
generation before it reads anything else, so a page rendered from data older than a
change is stored under the older generation, out of reach.

The content generation keys what signed-in people get from the cache too: a course's
outline on its module pages (``courses.outline``) and a module's rendered body. These
depend on pages, never on sessions or enrolments, so the enrolments of a busy morning do
not drop them.
"""

import functools
import re
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

GENERATION_KEY = "academy:page-cache:generation"
CONTENT_GENERATION_KEY = "academy:page-content:generation"
CSRF_MARKER = "@@academy-csrf-token@@"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NOT_STORED_HEADERS = {"set-cookie", "content-length"}
LONGEST_QUERY = 300  # a longer query string is served, not stored


def cache():
    """The cache that keeps pages, fragments and outlines."""
    return caches[getattr(settings, "ACADEMY_PAGE_CACHE", "default")]


def seconds():
    """How long a page, a fragment or an outline is kept; 0 when the cache is off."""
    return getattr(settings, "ACADEMY_PAGE_CACHE_SECONDS", 300)


def generation(key=GENERATION_KEY):
    """The current generation; a new one if the cache lost it (then nothing old is found)."""
    store = cache()
    current = store.get(key)
    if current is None:
        store.add(key, uuid.uuid4().hex, timeout=None)
        current = store.get(key)
    return current


def content_generation():
    """The generation of what pages say (not of their sessions and places left)."""
    return generation(CONTENT_GENERATION_KEY)


def renew(*keys):
    """New values for these generation keys, once the current transaction commits: nothing
    kept under the old ones is used again."""
    transaction.on_commit(
        lambda: cache().set_many({key: uuid.uuid4().hex for key in keys}, timeout=None),
        robust=True,
    )


def invalidate():
    """No page cached so far is served again, once the current transaction commits."""
    renew(GENERATION_KEY)


def invalidate_content():
    """Nothing cached so far from pages (pages, outlines, fragments) is used again, once
    the current transaction commits."""
    renew(GENERATION_KEY, CONTENT_GENERATION_KEY)


def invalidate_on_change(sender, **kwargs):
    """Receiver of ``post_save`` / ``post_delete`` of what pages show besides their content
    (sessions, enrolments, themes)."""
    invalidate()


def invalidate_content_on_change(sender, **kwargs):
    """Receiver of Wagtail's page signals and of ``post_save`` / ``post_delete`` of pages,
    view restrictions, images and documents."""
    invalidate_content()


def cache_for_visitors(view):
    """A view whose response is the same for every visitor who is not signed in."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.academy_cache_for_visitors = True
        return view(request, *args, **kwargs)

    return wrapped


def mark_cacheable_pages(serve):
    def inner(page, request, args, kwargs):
        if (
            getattr(page, "cache_for_visitors", False)
            and not request.user.is_authenticated
            and not page.get_view_restrictions().exists()
        ):
            request.academy_cache_for_visitors = True
        return serve(page, request, args, kwargs)

    return inner


def _may_use_cache(request):
    return (
        request.method in ("GET", "HEAD")
        and seconds() > 0
        and len(request.META.get("QUERY_STRING", "")) <= LONGEST_QUERY
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _key(request, current):
    return ":".join(
        [
            "academy:page",
            current,
            request.get_host(),
            request.scheme,
            get_language() or "",
            request.get_full_path(),
        ]
    )


def _storable(request, response):
    messages = get_messages(request)  # a list when the messages app is not installed
    return (
        getattr(request, "academy_cache_for_visitors", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.session.modified
        and not getattr(messages, "used", False)
        and not getattr(messages, "_queued_messages", None)
        and "private" not in response.get("Cache-Control", "")
        and not request.user.is_authenticated
    )


def _frozen(response):
    content = CSRF_INPUT.sub(rf"\g<1>{CSRF_MARKER}\g<2>", response.content.decode())
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in NOT_STORED_HEADERS
    ]
    return {"status": response.status_code, "headers": headers, "content": content}


def _thawed(request, frozen):
    content = frozen["content"]
    if CSRF_MARKER in content:
        content = content.replace(CSRF_MARKER, get_token(request))
    response = HttpResponse(content, status=frozen["status"], headers=frozen["headers"])
    response["X-Page-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serves and stores public pages for visitors not signed in (after the session,
    CSRF, authentication and messages middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = _key(request, generation())
        frozen = cache().get(key)
        if frozen is not None:
            return _thawed(request, frozen)
        response = self.get_response(request)
        if _storable(request, response):
            cache().set(key, _frozen(response), seconds())
            response["X-Page-Cache"] = "miss"
        return response
