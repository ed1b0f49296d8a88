"""The public catalogue of courses and sessions across the network, with its filters."""

import re

from django.shortcuts import render

from academy.page_cache import cache_for_visitors
from courses.catalogue_forms import CatalogueFilterForm
from courses.models import (
    CoursePage,
    ModulePage,
    Session,
    attach_academies,
)


@cache_for_visitors
def catalogue(request):
    """The public catalogue: every live course of the network, filtered and searched."""
    form = CatalogueFilterForm(request.GET or None)
    courses = CoursePage.objects.for_catalogue()
    sessions = Session.objects.for_listing()
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["city"]:
            courses = courses.of_academy(data["city"])
        if data["theme"]:
            courses = courses.filter(themes=data["theme"])
        if data["language"]:
            courses = courses.filter(languages__language_code=data["language"])
        if data["level"]:
            courses = courses.filter(level=data["level"])
        query = data["q"].strip()
        if query:
            courses = courses.filter(pk__in=_matching_course_ids(query, request.user))
        if data["city"]:
            sessions = sessions.filter(academy__translation_key=data["city"].translation_key)
        if data["format"]:
            sessions = sessions.filter(format=data["format"])
        if data["starts_after"]:
            sessions = sessions.filter(starts_on__gte=data["starts_after"])
        if data["starts_before"]:
            sessions = sessions.filter(starts_on__lte=data["starts_before"])
        if form.filters_sessions:
            courses = courses.filter(translation_key__in=sessions.values("course__translation_key"))
    results = attach_academies(list(courses.in_visitors_language().distinct()))
    return render(
        request,
        "courses/catalogue.html",
        {"form": form, "courses": results, "query": query, "sessions": sessions[:20]},
    )


def _matching_course_ids(query, user):
    """Courses whose public text matches the query (their own fields, the titles of their
    modules), and those whose module text matches where ``user`` may read it.

    Module bodies are searched only within ``CoursePage.readable_by(user)``: otherwise a
    search would tell anyone whether a word is in a module they may not open.
    """
    # Plain words only: the backends' own syntax (quotes, stars, colons, minus...) is not
    # for visitors, and a query of nothing but such signs matches nothing.
    query = " ".join(re.findall(r"\w+", query))
    if not query:
        return set()
    courses = CoursePage.objects.live().public()
    modules = ModulePage.objects.live().public()
    ids = {course.pk for course in courses.search(query)}
    parents = {
        module.path[: -ModulePage.steplen] for module in modules.search(query, fields=["title"])
    }
    readable = courses.readable_by(user)
    if readable.exists():
        read_parents = {module.path[: -ModulePage.steplen] for module in modules.search(query)}
        ids |= set(readable.filter(path__in=read_parents).values_list("pk", flat=True))
    if parents:
        ids |= set(courses.filter(path__in=parents).values_list("pk", flat=True))
    return ids
