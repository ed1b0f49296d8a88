"""What a module page reads from the cache: its course's outline, the officer's enrolment
and its own rendered body.

Every module page shows where the officer stands in the course (the progress bar, the
previous and the next module). It needs the course and the list of its live modules, the
*outline*, the same for every reader and changed only when a page is; and the enrolment
the officer follows the course by, changed only when one of their enrolments or its
session is. Its body, rendered, is the same for every reader in a language. All three
are read from the cache (``academy.page_cache``: Redis in production) in one round trip,
and only then, for what is missing, from the database.

Each entry is kept with the *generation* it was read under, and used only while that
generation is current:

- an outline and a body, with the *content generation*, renewed after any page, view
  restriction, image or document change commits (``academy.page_cache``);
- an officer's enrolment, with the officer's own generation, renewed after a change of one
  of their enrolments, or of a session they are enrolled in, commits (``forget_officers``).

A request reads the generations before it reads the database, so what it read before a
change is kept with the older generation and never used again. The progress rows, written
on every visit, are always read from the database. With the page cache off
(``ACADEMY_PAGE_CACHE_SECONDS = 0``, as in the tests but those of the cache) every module
page reads all of it from the database.
"""

import copy
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from wagtail.models import PageViewRestriction, Site

from academy import page_cache

# The fields of a module that its link in a course, its place and its progress need.
MODULE_LINK_FIELDS = (
    "id",
    "path",
    "depth",
    "title",
    "slug",
    "url_path",
    "live",
    "locale_id",
    "translation_key",
    "content_type_id",
    "required",
    "estimated_minutes",
)
NOT_CACHED = object()  # not in the cache (a kept enrolment may be None: "not enrolled")


@dataclass
class Outline:
    course: object  # the CoursePage
    modules: list  # its live modules in order, with MODULE_LINK_FIELDS only


@dataclass
class Cached:
    """What the cache had for one module page, and the generations to keep the rest under."""

    outline: Outline | None = None
    content_generation: str | None = None
    enrolment: object = NOT_CACHED
    officer_generation: str | None = None
    body: object = NOT_CACHED


def _outline_key(course_id):
    return f"academy:course-outline:{course_id}"


def _officer_generation_key(officer_id):
    return f"academy:officer:{officer_id}:generation"


def _enrolment_key(officer_id, course):
    return f"academy:officer:{officer_id}:follows:{course.translation_key}"


def _body_key(request, module):
    # A body's links are relative to the site it is served on; its blocks' words are in
    # the reader's language.
    site = Site.find_for_request(request)
    return f"academy:module-body:{module.pk}:{site.pk if site else 0}:{get_language()}"


def _kept(found, key, generation):
    kept_under, value = found.get(key, (None, NOT_CACHED))
    return value if kept_under == generation else NOT_CACHED


def cached(request, course, module=None):
    """For a module page of ``course``, each from the cache when it is there under the
    current generation (else None, or ``NOT_CACHED``): the course's outline, the enrolment
    the officer follows it by, and the rendered body of ``module`` (not for a preview)."""
    if not page_cache.seconds():
        return Cached()
    officer = request.user
    keys = [page_cache.CONTENT_GENERATION_KEY, _outline_key(course.pk)]
    if module is not None:
        keys.append(_body_key(request, module))
    if officer.is_authenticated:
        keys += [_officer_generation_key(officer.pk), _enrolment_key(officer.pk, course)]
    found = page_cache.cache().get_many(keys)
    content = found.get(keys[0]) or page_cache.content_generation()
    outline = _kept(found, keys[1], content)
    cached = Cached(outline=None if outline is NOT_CACHED else outline, content_generation=content)
    if module is not None:
        cached.body = _kept(found, keys[2], content)
    if officer.is_authenticated:
        generation = found.get(keys[-2]) or page_cache.generation(keys[-2])
        cached.officer_generation = generation
        cached.enrolment = _kept(found, keys[-1], generation)
    return cached


def outline_of(course, generation=None):
    """The outline of ``course`` (a CoursePage) read from the database, and kept in the
    cache under ``generation`` (the content generation read before the course was)."""
    from courses.models import ModulePage

    # A module served passed its ancestors' view restrictions: only a module's own
    # restriction hides it (in the same query, where ``public()`` would add one). Only what
    # a link, the order and the progress need: 50 whole pages cost more than the rest.
    restricted = PageViewRestriction.objects.filter(page=OuterRef("pk"))
    modules = list(
        ModulePage.objects.child_of(course)
        .live()
        .exclude(Exists(restricted))
        .only(*MODULE_LINK_FIELDS)
    )
    outline = Outline(course=course, modules=modules)
    _keep(_outline_key(course.pk), generation, outline)
    return outline


def keep_enrolment(officer, course, generation, enrolment):
    """Keep the enrolment (or None) ``officer`` follows ``course`` by, read from the
    database after ``generation`` (the officer's) was read. Its session is kept with it,
    not the session's course: a page, whose changes the officer's generation does not
    follow (module pages take it from the outline, or read it)."""
    if enrolment is not None:
        session = copy.copy(enrolment.session)
        course_of_session = type(session).course.field
        if course_of_session.is_cached(session):
            course_of_session.delete_cached_value(session)
        enrolment = copy.copy(enrolment)
        type(enrolment).session.field.set_cached_value(enrolment, session)
    _keep(_enrolment_key(officer.pk, course), generation, enrolment)


def keep_body(request, module, generation, html):
    """Keep the rendered body of ``module``, rendered after ``generation`` (the content
    generation) was read."""
    _keep(_body_key(request, module), generation, html)


def _keep(key, generation, value):
    if generation is not None and page_cache.seconds():
        page_cache.cache().set(key, (generation, value), page_cache.seconds())


def forget_officers(officer_ids):
    """No enrolment of these officers kept so far is used again, once the current
    transaction commits."""
    keys = [_officer_generation_key(officer_id) for officer_id in officer_ids]
    if keys:
        page_cache.renew(*keys)


def forget_officer_of_enrolment(sender, instance, **kwargs):
    """Receiver of ``post_save`` / ``post_delete`` of an enrolment."""
    if page_cache.seconds():
        forget_officers([instance.officer_id])


def forget_officers_of_session(sender, instance, **kwargs):
    """Receiver of ``post_save`` of a session: its course or its dates decide which
    enrolment its officers follow a course by (a session with enrolments is never deleted)."""
    if page_cache.seconds():
        forget_officers(instance.enrolments.values_list("officer_id", flat=True).distinct())
