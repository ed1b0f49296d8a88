from django.shortcuts import render

from courses.models import CoursePage, ModulePage, attach_academies

from .forms import CatalogueFilterForm


def catalogue(request):
    """The public catalogue: every live course of the network, filtered and searched."""
    form = CatalogueFilterForm(request.GET or None)
    courses = CoursePage.objects.for_catalogue()
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
            courses = courses.filter(pk__in=_matching_course_ids(query))
    results = attach_academies(list(courses.in_visitors_language().distinct()))
    return render(
        request,
        "home/catalogue.html",
        {"form": form, "courses": results, "query": query},
    )


def _matching_course_ids(query):
    """Courses whose own text, or the text of one of their modules, matches the query."""
    ids = {course.pk for course in CoursePage.objects.live().public().search(query)}
    module_paths = {
        module.path[: -ModulePage.steplen]
        for module in ModulePage.objects.live().public().search(query)
    }
    if module_paths:
        ids |= set(CoursePage.objects.filter(path__in=module_paths).values_list("pk", flat=True))
    return ids
