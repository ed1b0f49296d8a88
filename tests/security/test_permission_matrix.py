"""Who may open what: every role against every page that touches a city's or an officer's
data. The data all belongs to Lisbon; Madrid's coordinator is the other city."""

import pytest
from django.urls import reverse

from certificates.models import CertificateTemplate, Signatory
from certificates.services import issue_certificate
from courses.models import AssessmentPage, CoursePage
from courses.services import complete, enrol, start_attempt, submit_attempt
from tests.academy.sessions import make_session
from tests.courses.builders import build_course
from tests.factories import UserFactory, signature_upload

ROLES = [
    "public",
    "officer",
    "lisbon_trainer",
    "lisbon_coordinator",
    "madrid_coordinator",
    "network_admin",
]

# What each role gets: OK (200), LOGIN (sent to sign in), DENIED (refused: 403, or in the
# Wagtail admin a redirect to its home with a "no permission" message), MISSING (404).
OK, LOGIN, DENIED, MISSING = "ok", "login", "denied", "missing"


def outcome(response):
    if response.status_code == 302:
        return LOGIN if "/login/" in response["Location"] else DENIED
    return {200: OK, 403: DENIED, 404: MISSING}.get(response.status_code, response.status_code)


def expect(public, officer, trainer, coordinator, other_city, admin):
    return dict(zip(ROLES, (public, officer, trainer, coordinator, other_city, admin), strict=True))


# Admin pages: anyone without admin access is sent to sign in.
ADMIN_COORDINATORS = expect(LOGIN, LOGIN, DENIED, OK, MISSING, OK)
ADMIN_STAFF = expect(LOGIN, LOGIN, OK, OK, MISSING, OK)
ADMIN_STAFF_SESSION = expect(LOGIN, LOGIN, OK, OK, MISSING, OK)


@pytest.fixture
def world(lisbon, madrid):
    """Lisbon's course, session, an officer's attempt and certificate, and a template."""
    course = build_course(lisbon.academy, title="Lisbon course", modules=1)
    session = make_session(lisbon.academy, course=course, capacity=10, title="Lisbon run")
    holder = UserFactory()
    enrolment = enrol(holder, session)
    assessment = AssessmentPage.objects.child_of(course).get().specific
    attempt = start_attempt(holder, assessment)
    submit_attempt(attempt)
    day = make_session(lisbon.academy, title="Lisbon day", capacity=5)
    done = enrol(holder, day)
    complete(done)
    done.refresh_from_db()
    certificate = issue_certificate(done)
    template = CertificateTemplate.objects.create(academy=lisbon.academy, name="Lisbon design")
    signatory = Signatory.objects.create(
        template=template, name="Ana", function="Director", signature=signature_upload()
    )
    return {
        "course": CoursePage.objects.get(pk=course.pk),
        "session": session,
        "day": day,
        "enrolment": enrolment,
        "assessment": assessment,
        "attempt": attempt,
        "certificate": certificate,
        "template": template,
        "signatory": signatory,
    }


def admin_urls(w):
    session, certificate = w["session"].pk, w["certificate"].pk
    template = w["template"].pk
    snippet = "/admin/snippets/certificates/certificatetemplate"
    chooser = "/admin/snippets/choose/certificates/certificatetemplate"
    course = w["course"].pk
    return {
        "session edit": (reverse("sessions:edit", args=[session]), ADMIN_COORDINATORS),
        "session inspect": (reverse("sessions:inspect", args=[session]), ADMIN_STAFF_SESSION),
        "session history": (reverse("sessions:history", args=[session]), ADMIN_COORDINATORS),
        "session usage": (reverse("sessions:usage", args=[session]), ADMIN_COORDINATORS),
        "session copy": (reverse("sessions:copy", args=[session]), ADMIN_COORDINATORS),
        "session enrolments": (
            reverse("academy_session_enrolments", args=[session]),
            ADMIN_STAFF_SESSION,
        ),
        "session attendance": (
            reverse("academy_session_attendance", args=[w["day"].pk]),
            ADMIN_STAFF_SESSION,
        ),
        "session cancel": (
            reverse("academy_session_cancel", args=[session]),
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "session progress": (reverse("home_session_progress", args=[session]), ADMIN_STAFF),
        "session progress export": (
            reverse("home_session_progress", args=[session]) + "?export=xlsx",
            ADMIN_STAFF,
        ),
        "session certificates": (
            reverse("certificates_admin_session", args=[w["day"].pk]),
            ADMIN_COORDINATORS,
        ),
        "session certificates zip": (
            reverse("certificates_admin_session_zip", args=[w["day"].pk]),
            ADMIN_COORDINATORS,
        ),
        "certificate inspect": (
            reverse("certificates:inspect", args=[certificate]),
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "certificate pdf": (
            reverse("certificates_admin_pdf", args=[certificate]),
            ADMIN_COORDINATORS,
        ),
        "certificate revoke": (
            reverse("certificates_admin_revoke", args=[certificate]),
            ADMIN_COORDINATORS,
        ),
        "certificate reissue": (
            reverse("certificates_admin_reissue", args=[certificate]),
            ADMIN_COORDINATORS,
        ),
        "template edit": (
            f"{snippet}/edit/{template}/",
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "template preview": (
            f"{snippet}/preview/{template}/",
            expect(LOGIN, LOGIN, DENIED, OK, DENIED, OK),
        ),
        "template history": (
            f"{snippet}/history/{template}/",
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "template usage": (
            f"{snippet}/usage/{template}/",
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "template copy": (
            f"{snippet}/copy/{template}/",
            expect(LOGIN, LOGIN, DENIED, OK, DENIED, OK),
        ),
        "template delete": (
            f"{snippet}/delete/{template}/",
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "template chosen": (
            f"{chooser}/chosen/{template}/",
            expect(LOGIN, LOGIN, MISSING, OK, MISSING, OK),
        ),
        "template signature": (
            reverse("certificates_admin_signature", args=[w["signatory"].pk]),
            ADMIN_COORDINATORS,
        ),
        "assessment results": (
            reverse("courses_assessment_results", args=[w["assessment"].pk]),
            ADMIN_STAFF,
        ),
        "assessment results export": (
            reverse("courses_assessment_results", args=[w["assessment"].pk]) + "?export=csv",
            ADMIN_STAFF,
        ),
        "item analysis": (
            reverse("courses_assessment_items", args=[w["assessment"].pk]),
            ADMIN_STAFF,
        ),
        "grade attempt": (
            reverse("courses_grade_attempt", args=[w["attempt"].pk]),
            ADMIN_STAFF,
        ),
        "course edit": (
            reverse("wagtailadmin_pages:edit", args=[course]),
            expect(LOGIN, LOGIN, OK, OK, DENIED, OK),
        ),
        "course revisions": (
            reverse("wagtailadmin_pages:history", args=[course]),
            expect(LOGIN, LOGIN, OK, OK, DENIED, OK),
        ),
        "course copy": (
            reverse("wagtailadmin_pages:copy", args=[course]),
            expect(LOGIN, LOGIN, OK, OK, DENIED, OK),
        ),
        "officer import": (
            reverse("academy_officer_import"),
            expect(LOGIN, LOGIN, DENIED, OK, OK, OK),
        ),
        "network report": (
            reverse("home_network_report"),
            expect(LOGIN, LOGIN, DENIED, DENIED, DENIED, OK),
        ),
    }


def front_urls(w):
    attempt, certificate = w["attempt"].pk, w["certificate"].pk
    own_only = expect(LOGIN, MISSING, MISSING, MISSING, MISSING, MISSING)
    return {
        "someone's attempt": (reverse("attempt_review", args=[attempt]), own_only),
        "someone's attempt page": (reverse("attempt", args=[attempt]), own_only),
        "someone's certificate": (reverse("certificate_download", args=[certificate]), own_only),
        "verification page": (
            reverse("certificate_verify", args=[w["certificate"].code]),
            expect(OK, OK, OK, OK, OK, OK),
        ),
    }


@pytest.fixture
def users(request, lisbon, madrid):
    return {
        "public": None,
        "officer": UserFactory(),
        "lisbon_trainer": request.getfixturevalue("lisbon_trainer"),
        "lisbon_coordinator": request.getfixturevalue("lisbon_coordinator"),
        "madrid_coordinator": request.getfixturevalue("madrid_coordinator"),
        "network_admin": request.getfixturevalue("network_admin"),
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, users, role):
    user = users[role]
    if user is not None:
        client.force_login(user)
    wrong = []
    for name, (url, expected) in {**admin_urls(world), **front_urls(world)}.items():
        status = outcome(client.get(url))
        if status != expected[role]:
            wrong.append(f"{name}: {status}, expected {expected[role]}")

    assert not wrong, "\n".join(wrong)
