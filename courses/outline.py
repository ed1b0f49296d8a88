"""A course's outline: the course and its live modules in order, as its module pages use it.

Every module page shows where the officer stands in the course (the progress bar, the
previous and the next module): it needs the course and the list of its modules. Both are
the same for everyone who reads the course, and change only when a page does, so a module
page takes them from the cache (``academy.page_cache``: Redis in production) under the
*content generation*, which is renewed after any page, view restriction, image or
document change commits. An outline read before a change is stored under the older
generation, out of reach. With the page cache off (``ACADEMY_PAGE_CACHE_SECONDS = 0``, as
in the tests but those of the cache) every module page reads the outline from the database.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from wagtail.models import PageViewRestriction

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


@dataclass
class Outline:
    course: object  # the CoursePage
    modules: list  # its live modules in order, with MODULE_LINK_FIELDS only


def _key(course_id, generation):
    return f"academy:course-outline:{generation}:{course_id}"


def cached(course_id):
    """The outline of a course from the cache, or None; and the content generation to keep
    an outline read now under (None when the cache is off)."""
    if not page_cache.seconds():
        return None, None
    generation = page_cache.content_generation()
    return page_cache.cache().get(_key(course_id, generation)), generation


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
    if generation is not None and page_cache.seconds():
        page_cache.cache().set(_key(course.pk, generation), outline, page_cache.seconds())
    return outline
