"""Steps 5 and 6 of the install check, run inside the `wagtail start` site that installed
the wheel (tests/plugin/install_check.sh): a course is published with the plugin's
services, then a plain ``auth.User`` officer goes through it with Django's test client.

Each step prints what it saw; the first that fails stops the run with its reason.
"""

import datetime
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citysite.settings.dev")
django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402

# The site's e-mails are kept in memory (mail.outbox) instead of printed on the console.
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from academy.models import AcademyPage, Force  # noqa: E402
from academy.services import publish_under  # noqa: E402
from certificates.models import Certificate  # noqa: E402
from courses.models import CoursePage, Enrolment, ModulePage, Session  # noqa: E402

passed = []


def step(name):
    def run(function):
        try:
            function()
        except Exception as error:
            print(f"FAILED {name}: {type(error).__name__}: {error}")
            print(f"plugin: {len(passed)} passed, 1 failed")
            raise SystemExit(1) from error
        passed.append(name)
        print(f"ok {name}")
        return function

    return run


state = {}


def check(condition, message):
    if not condition:
        raise AssertionError(message)


@step("the host city is onboarded under the site's home page")
def onboarded():
    academy = AcademyPage.objects.get(code="GNT")
    check(academy.live, "the academy page is not live")
    check(academy.get_parent().specific_class.__name__ == "HomePage", "not under the home page")
    state["academy"] = academy


@step("a course with one module is published")
def publish_course():
    academy = state["academy"]
    course = publish_under(
        academy,
        CoursePage(
            title="Community policing in practice",
            slug="community-policing",
            summary="Working with residents on the safety of their street.",
            learning_objectives="<p>Plan a neighbourhood meeting.</p>",
        ),
    )
    module = publish_under(
        course, ModulePage(title="Meeting the neighbourhood", slug="meeting", required=True)
    )
    today = timezone.localdate()
    session = Session.objects.create(
        academy=academy,
        course=course,
        title="Community policing, spring session",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        capacity=20,
        approval_required=False,
        certificates_on_completion=True,
    )
    response = Client().get(course.url)
    check(response.status_code == 200, f"the course page answered {response.status_code}")
    check(course.title in response.text, "the course page does not show its title")
    state.update(course=course, module=module, session=session)


@step("an officer (a plain auth.User) enrols")
def enrol():
    user_model = get_user_model()
    # A plain auth.User on a `wagtail start` site; whatever signs in otherwise.
    sign_in = "officer" if user_model.USERNAME_FIELD == "username" else "officer@ghent.example"
    officer = user_model.objects.create_user(
        **{"email": "officer@ghent.example", user_model.USERNAME_FIELD: sign_in},
        password="an officer's password",
        first_name="Ines",
        last_name="Peeters",
    )
    response = Client().get(reverse("session_detail", args=[state["session"].pk]))
    check(response.status_code == 200, f"the session page answered {response.status_code}")
    check("Sign in to enrol" in response.text, "the session page offers no sign-in to enrol")
    client = Client()
    check(client.login(username=sign_in, password="an officer's password"), "cannot sign in")
    enrol_url = reverse("session_enrol", args=[state["session"].pk])
    response = client.post(enrol_url)
    # Certificates print the name as the officer gives it: the first enrolment asks for it.
    check(response.status_code == 302, f"enrolling answered {response.status_code}")
    check(response.url.startswith(reverse("academy_profile")), f"sent to {response.url}")
    response = client.get(response.url)
    check(response.status_code == 200, f"the profile page answered {response.status_code}")
    response = client.post(
        reverse("academy_profile"),
        {
            "full_name": "Ines Peeters",
            "force": Force.objects.get(city="Ghent").pk,
            "participant_type": "officer",
            "preferred_language": "en",
            "reminders": "on",
            "first_name": "Ines",
            "last_name": "Peeters",
        },
    )
    check(response.status_code == 302, f"saving the profile answered {response.status_code}")
    response = client.post(enrol_url)
    check(response.status_code == 302, f"enrolling answered {response.status_code}")
    enrolment = Enrolment.objects.get(officer=officer, session=state["session"])
    check(enrolment.state == Enrolment.State.APPROVED, f"enrolment is {enrolment.state}")
    state.update(officer=officer, client=client, enrolment=enrolment)


@step("the officer completes the module and so the course")
def complete():
    client, module = state["client"], state["module"]
    response = client.get(module.url)
    check(response.status_code == 200, f"the module page answered {response.status_code}")
    response = client.post(reverse("module_done", args=[module.pk]))
    check(response.status_code == 302, f"marking the module done answered {response.status_code}")
    enrolment = state["enrolment"]
    enrolment.refresh_from_db()
    check(enrolment.state == Enrolment.State.COMPLETED, f"enrolment is {enrolment.state}")


@step("the officer gets a certificate")
def certificate():
    certificate = Certificate.objects.get(enrolment=state["enrolment"])
    response = state["client"].get(reverse("my_learning"))
    check(response.status_code == 200, f"My learning answered {response.status_code}")
    check(certificate.serial in response.text, "My learning does not show the certificate")
    response = state["client"].get(reverse("certificate_download", args=[certificate.pk]))
    check(response.status_code == 200, f"the PDF answered {response.status_code}")
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    check(pdf.startswith(b"%PDF"), "the download is not a PDF")
    told = [message for message in mail.outbox if certificate.serial in message.body]
    check([message.to for message in told] == [["officer@ghent.example"]], "no e-mail about it")
    state["certificate"] = certificate


@step("the officer downloads the signed Open Badges credential, and it verifies")
def credential():
    from certificates.credentials import verify_credential
    from certificates.issuers import DatabaseTrust

    certificate = state["certificate"]
    url = reverse("certificate_download_credential_jwt", args=[certificate.pk])
    response = state["client"].get(url)
    check(response.status_code == 200, f"the credential answered {response.status_code}")
    verdict = verify_credential(response.content, DatabaseTrust())
    check(verdict.holds, f"the credential does not verify: {verdict.problem}")
    response = Client().get(f"/academies/{certificate.academy.code}/did.json")
    check(response.status_code == 200, f"the did document answered {response.status_code}")


@step("anyone verifies the certificate on the public verification page")
def verify():
    certificate = state["certificate"]
    response = Client().get(reverse("certificate_verify", args=[certificate.code]))
    check(response.status_code == 200, f"verification answered {response.status_code}")
    check("Valid" in response.text, "the verification page does not say the certificate holds")
    check("Ines Peeters" in response.text, "the verification page does not name the holder")
    check("Community policing in practice" in response.text, "it does not name the course")


print(f"plugin: {len(passed)} passed, 0 failed")
sys.exit(0)
