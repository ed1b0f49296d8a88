from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from academy.models import Session
from courses.models import CoursePage, ModulePage, attach_academies
from courses.services import learning_record

from .forms import CatalogueFilterForm


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
            courses = courses.filter(pk__in=_matching_course_ids(query))
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
        "home/catalogue.html",
        {"form": form, "courses": results, "query": query, "sessions": sessions[:20]},
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


@login_required
def my_learning(request):
    """Every enrolment of the signed-in officer, across sessions and cities."""
    return render(request, "home/my_learning.html", {"records": learning_record(request.user)})
