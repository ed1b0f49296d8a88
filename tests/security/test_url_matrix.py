"""The permission matrix, generated from the URL resolver: every admin and site URL
(those of Wagtail, the site and every hook and viewset of the plugin) for every role,
against the objects of the user's own city and of the other city, by GET and by POST.

A new URL is covered without anyone listing it: its parameters are filled with a city's
objects by the URL's name; a URL whose parameters nothing fills must be named in
``NOT_CITY_RECORDS`` (with the reason), otherwise this test fails.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from academy.data_requests import request_erasure
from certificates.models import CertificateTemplate, SerialNumber, Signatory
from certificates.services import issue_certificate
from courses.models import AssessmentPage, ModulePage
from courses.services import complete, enrol, start_attempt, submit_attempt, submit_review
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.courses.package_builders import package_course, scorm12_files
from tests.courses.practices import build_practice, peer_review
from tests.factories import ForceFactory, UserFactory, signature_upload

# URL names (a prefix ends with ":" or "_") whose parameters name no city's record: they
# are Wagtail's own objects under Wagtail's own permissions, or one-time tokens.
NOT_CITY_RECORDS = (
    "forces:",  # member forces: the network's shared list, network admins only
    "wagtailusers_",  # accounts and groups: Wagtail's user permissions
    "wagtailsites:",
    "wagtaillocales:",
    "wagtailadmin_workflows:",  # workflows and tasks: onboarding makes one per city
    "wagtailadmin_collections:",
    "wagtailredirects:",
    "wagtailsnippets_courses_theme:",  # themes: one shared list
    "wagtailsnippetchoosers_courses_theme:",
    "wagtailsnippets_academy_glossaryterm:",  # the glossary: one shared list, network admins
    "wagtailsnippetchoosers_academy_glossaryterm:",
    "wagtailadmin_editing_sessions:",  # a user's own editing session ids
    "wagtail_bulk_action",  # ids come in the query string, each checked by its action
    "wagtailadmin_tag_model_autocomplete",
    "wagtailadmin_password_reset_confirm",  # tokens
    "account_confirm",
    "email_change_confirm",
    "password_reset_confirm",
    "wagtail_serve",  # public pages by path: covered by the page tests
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    "wagtailcore_authenticate_with_password",
    "wagtailimages:preview",  # a rendition filter spec, checked by Wagtail
    "wagtailimages:create_multiple_from_uploaded_image",  # a user's own uploads
    "wagtailimages:delete_upload_multiple",
    "wagtaildocs:create_multiple_from_uploaded_document",
    "wagtaildocs:delete_upload_multiple",
    "wagtailadmin_api:pages:action",  # an action name besides the page
)
# URLs not asked at all: Wagtail's page that raises on purpose (to show its error page),
# and the admin's catch-all 404.
NOT_ASKED = ("wagtailadmin_error_test",)
CATCH_ALL = ".*"

# Page URLs that need a revision, task or workflow state of the page, or a content type.
PAGE_URLS_WITH_MORE_THAN_A_PAGE = re.compile(
    r"revision|task_state|task_id|workflow_state|content_type|model_name|app_label|revision_id"
)

# The kind of record each URL names, by the start of its name.
KINDS = [
    # A peer review of a practice (issue 21): the reviewer's pages and the host's report.
    (("peer_review", "academy_session_review_report"), "review_session"),
    (
        ("sessions:", "academy_session_", "home_session_progress", "certificates_admin_session"),
        "session",
    ),
    (("session_",), "session"),
    (("certificates:", "certificates_admin_pdf", "certificates_admin_revoke"), "certificate"),
    (("certificates_admin_reissue", "certificate_download"), "certificate"),
    (("certificate_verify",), "certificate"),
    (("serial_numbers:",), "serial_number"),
    (("academy_issuer_",), "academy"),
    (("certificates_admin_signature",), "signatory"),
    (("wagtailsnippets_certificates_certificatetemplate:",), "template"),
    (("wagtailsnippetchoosers_certificates_certificatetemplate:",), "template"),
    (("courses_assessment_", "attempt_start"), "assessment"),
    (("courses_grade_attempt", "attempt"), "attempt"),
    (("module_",), "module"),
    (("package_",), "package_module"),
    (
        (
            "wagtailsnippets_courses_contentpackage:",
            "wagtailsnippetchoosers_courses_contentpackage:",
        ),
        "package",
    ),
    (("wagtailimages", "wagtailadmin_api:images"), "image"),
    (("wagtaildocs", "wagtailadmin_api:documents"), "document"),
    (("wagtailadmin_pages:", "wagtailadmin_explore", "wagtailadmin_choose_page_child"), "page"),
    (("wagtailforms:", "simple_translation:submit_page", "wagtailadmin_api:pages"), "page"),
    (("simple_translation:submit_snippet",), "template"),
    # An officer's request to be erased (network admins decide; it names the officer).
    (("academy_erasure_decide",), "erasure_request"),
]

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
ROLES = ["anonymous", "officer", "trainer", "coordinator", "training_manager", "network_admin"]
# Roles of the admin that see their own city's (or force's) records and nothing of Madrid's.
SCOPED_STAFF = ("trainer", "coordinator", "training_manager")
# Where a role may be told no: sent to sign in, sent away from the admin with a message,
# refused, not found, or the method refused.
REFUSED = {302, 403, 404, 405}


def all_urls(resolver=None, prefix="", namespace=None):
    """(route, full URL name) of every URL the site answers, hooks and viewsets included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from all_urls(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield route, name or ""


def kind_of(name):
    for prefixes, kind in KINDS:
        if name.startswith(prefixes):
            return kind
    return None


def fill(route, name, objects):
    """The URL of ``route`` naming ``objects`` (one city's), or None if it is excluded."""
    if name.startswith(NOT_ASKED) or (not name and CATCH_ALL in route):
        return None
    route = route.lstrip("^").replace("^", "")
    parameters = PARAMETER.findall(route)
    if not parameters and not re.search(r"[(\\$]", route):
        return "/" + route
    if name.startswith(NOT_CITY_RECORDS):
        return None
    kind = kind_of(name)
    if name.startswith("wagtailadmin_pages:") and PAGE_URLS_WITH_MORE_THAN_A_PAGE.search(route):
        return None
    assert kind is not None and not re.search(r"[(\\$]", route), (
        f"{name or route}: no city object fills its parameters; fill them in KINDS or "
        "explain in NOT_CITY_RECORDS why it names no city's record"
    )
    values = {
        "code": objects["certificate"].code,
        "destination_id": objects["academy"].pk,
        "academy_code": objects["academy"].code,
        "path": "index.html",
    }
    for parameter in parameters:
        value = values.get(parameter, objects[kind].pk)
        route = re.sub(rf"<(?:\w+:)?{parameter}>", str(value), route, count=1)
    return "/" + route


def city_objects(city, marker):
    """One city's records, each private one named with ``marker`` (which must never show
    to the other city's staff)."""
    academy = city.academy
    course = build_course(academy, title=f"{marker} course", modules=1)
    course.title = f"{marker} draft title"
    course.save_revision()
    session = make_session(academy, course=course, capacity=10, title=f"{marker} session")
    holder = UserFactory(full_name=f"{marker} Officer", force=academy.force)
    enrolment = enrol(holder, session)
    assessment = AssessmentPage.objects.child_of(course).get().specific
    attempt = start_attempt(holder, assessment)
    submit_attempt(attempt)
    day = make_session(academy, title=f"{marker} day", capacity=5)
    done = enrol(holder, day)
    complete(done)
    done.refresh_from_db()
    practice = build_practice(academy, title=f"{marker} practice")
    practice.title = f"{marker} practice draft"
    practice.save_revision()
    review_session, (reviewer,) = peer_review(
        city, practice, [ForceFactory()], title=f"{marker} peer review"
    )
    submit_review(
        review_session,
        reviewer,
        {
            "strengths": f"{marker} strengths",
            "risks": "r",
            "recommendations": "c",
            "transferable": "yes",
        },
    )
    template = CertificateTemplate.objects.create(academy=academy, name=f"{marker} design")
    image = get_image_model().objects.create(
        title=f"{marker} picture", file=get_test_image_file(), collection=city.collection
    )
    document = get_document_model().objects.create(
        title=f"{marker} guide", file=signature_upload(), collection=city.collection
    )
    _package_course, package_module, package = package_course(
        academy, scorm12_files(title=f"{marker} package"), title=f"{marker} package course"
    )
    certificate = issue_certificate(done)
    return {
        "package": package,
        "package_module": package_module,
        "academy": academy,
        "page": course,
        "module": ModulePage.objects.child_of(course).get(),
        "session": session,
        "review_session": review_session,
        "practice": practice,
        "enrolment": enrolment,
        "assessment": assessment,
        "attempt": attempt,
        "certificate": certificate,
        "serial_number": SerialNumber.objects.get(serial=certificate.serial),
        "template": template,
        "signatory": Signatory.objects.create(
            template=template, name="Ana", function="Director", signature=signature_upload()
        ),
        "image": image,
        "document": document,
        "erasure_request": request_erasure(holder),
    }


@pytest.fixture
def cities(lisbon, madrid):
    return {
        "own": city_objects(lisbon, "LISBON-PRIVATE"),
        "other": city_objects(madrid, "MADRID-PRIVATE"),
    }


@pytest.fixture
def user_of(request, lisbon):
    def user(role):
        return {
            "anonymous": lambda: None,
            "officer": UserFactory,
            "trainer": lambda: request.getfixturevalue("lisbon_trainer"),
            "coordinator": lambda: request.getfixturevalue("lisbon_coordinator"),
            # Lisbon's force's training manager: Lisbon's officers' records, in any city.
            "training_manager": lambda: request.getfixturevalue("lisbon_training_manager"),
            "network_admin": lambda: request.getfixturevalue("network_admin"),
        }[role]()

    return user


def methods(role, city):
    """What each role asks: the other city's records by GET and POST; the own city's by
    GET (a POST there is the role's own business, tested with each feature); a network
    admin, everything by GET (to find a server error, the only wrong answer for them)."""
    if role == "network_admin":
        return ("get",) if city == "own" else ()
    if role in ("anonymous", "officer") or city == "other":
        return ("get", "post")
    return ("get",)


def ask(client, user, method, url):
    """The response to one request, whose writes are undone: a POST to a delete view does
    not take away what the next URL needs."""
    if user is not None and not client.session.session_key:
        client.force_login(user)  # again, after a sign-out URL
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_no_url_shows_another_citys_records_or_fails(cities, user_of, role):
    user = user_of(role)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    wrong = []
    for route, name in all_urls():
        for city, objects in cities.items():
            url = fill(route, name, objects)
            if url is None:
                continue
            for method in methods(role, city):
                response = ask(client, user, method, url)
                status = response.status_code
                label = f"{method.upper()} {url} ({name or 'unnamed'}, {city} city)"
                admin = url.startswith("/admin/")
                if status >= 500:
                    wrong.append(f"{label}: {status}")
                elif role in ("anonymous", "officer") and admin:
                    if status not in REFUSED and not name.startswith(PUBLIC_ADMIN):
                        wrong.append(f"{label}: {status} for whoever has no admin access")
                elif city == "other" and role in SCOPED_STAFF and admin:
                    # The site's pages show what is public (a session's title, a verified
                    # certificate's holder) to anyone: the admin must show nothing more.
                    body = b"".join(response) if response.streaming else response.content
                    if status not in REFUSED and b"MADRID-PRIVATE" in body:
                        wrong.append(f"{label}: shows Madrid's records")
            if not PARAMETER.search(route):
                break  # a URL without parameters is the same for either city

    assert not wrong, "\n".join(wrong)


# Admin URLs anyone may open: signing in and what the sign-in page needs.
PUBLIC_ADMIN = (
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
)


def test_every_url_with_parameters_is_filled_or_excluded(cities):
    filled = [fill(route, name, cities["own"]) for route, name in all_urls()]
    # The plugin's own admin URLs are all filled with a city's records.
    assert "/admin/sessions/history/{}/".format(cities["own"]["session"].pk) in filled
    assert (
        "/admin/snippets/choose/certificates/certificatetemplate/chosen/{}/".format(
            cities["own"]["template"].pk
        )
        in filled
    )


def test_a_url_naming_an_unknown_record_fails_the_matrix(cities):
    with pytest.raises(AssertionError, match="no city object fills"):
        fill("admin/newthing/<int:pk>/", "newthing:edit", cities["own"])
