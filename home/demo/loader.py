"""The demo loader: what ``home/demo/data/`` describes, created through the plugin's services
(onboarding, publishing, enrolment, decisions, progress, attendance, certificates), so that
the demo obeys the rules a coordinator, trainer or officer meets. Safe to rerun: what is
there is left as it is, and ``load_demo`` says what it added.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from academy.models import Force, InformationPage, Profile
from academy.services import onboard_city, publish_under
from certificates.models import Certificate, CertificateTemplate, CertificateText, Signatory
from courses.models import (
    AssessmentPage,
    Attendance,
    Choice,
    CoursePage,
    Enrolment,
    ModulePage,
    ModuleProgress,
    Question,
    Session,
    Theme,
)
from courses.services import complete_module, decide, enrol, evaluate_completion, mark_attendance
from courses.services.packages import add_package
from home.demo.content import SIGNATURES, read

DEMO_PASSWORD = "demo1234"  # noqa: S105 (demo only: printed by seed_demo and in the README)


@dataclass
class Loaded:
    """What one run of the loader added, by kind of record (nothing on a rerun)."""

    added: dict

    @property
    def changed(self):
        return any(self.added.values())


def load_demo(content=None):
    """Create whatever of the demo is missing, all or nothing. Raises ``DemoDataError``
    (before writing anything) when the data is wrong."""
    content = content or read()
    before = _counts()
    with transaction.atomic():
        onboardings = load_network(content)
        academies = {code: onboarding.academy for code, onboarding in onboardings.items()}
        load_courses(content, academies)
        load_certificate_templates(content, academies)
        sessions = load_sessions(content, academies)
        load_learning(content, onboardings, sessions)
    after = _counts()
    return Loaded({what: after[what] - before[what] for what in after})


def demo_logins(content):
    """(email, role) of every demo person, for the command's output."""
    by_code = {academy["code"]: academy["city"] for academy in content.academies}
    return [
        (
            person["email"],
            f"{person['role']}, {by_code[code]}" if code else "network admin (everything)",
        )
        for person, code in content.people
    ]


def _counts():
    return {
        "pages": Page.objects.count(),
        "people": get_user_model().objects.count(),
        "sessions": Session.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "enrolment decisions": Enrolment.objects.exclude(state=Enrolment.State.REQUESTED).count(),
        "modules done": ModuleProgress.objects.filter(completed_at__isnull=False).count(),
        "attendance marks": Attendance.objects.count(),
        "certificate templates": CertificateTemplate.objects.count(),
        "certificates": Certificate.objects.count(),
    }


# People


def create_person(email, full_name, *, force, language):
    """The demo person of this e-mail address, created with the demo password if missing,
    with the academy's profile of them (name on certificates, force, language)."""
    user, created = get_user_model().objects.get_or_create(
        email=email,
        defaults={
            "first_name": full_name.split(" ")[0],
            "last_name": full_name.split(" ", 1)[-1],
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    profile = Profile.objects.for_user(user)
    if not profile.full_name:
        profile.full_name, profile.force, profile.preferred_language = full_name, force, language
        profile.save(update_fields=["full_name", "force", "preferred_language"])
    return user


# The network: home page, forces, academies and their staff


def load_network(content):
    """Onboard each host city (idempotent) and its demo people. Returns onboardings by code."""
    home = Site.objects.get(is_default_site=True).root_page.specific
    if not home.intro:
        home.intro = content.network["intro"]
        home.save_revision().publish()
    admin = content.network["admin"]
    admin = create_person(admin["email"], admin["name"], force=None, language=admin["language"])
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    for force in content.network.get("forces", []):
        Force.objects.get_or_create(
            name=force["name"], city=force["city"], defaults={"country": force["country"]}
        )
    onboardings = {}
    for data in content.academies:
        onboarding = onboard_city(
            city=data["city"],
            country=data["country"],
            code=data["code"],
            academy_name=data["name"],
            default_language=data["language"],
        )
        _academy_page(onboarding, data)
        groups = {"coordinator": onboarding.coordinator_group, "trainer": onboarding.trainer_group}
        for person in data["people"]:
            user = create_person(
                person["email"],
                person["name"],
                force=onboarding.academy.force,
                language=data["language"],
            )
            if person["role"] in groups:
                user.groups.add(groups[person["role"]])
        onboardings[data["code"]] = onboarding
    return onboardings


def _academy_page(onboarding, data):
    academy = onboarding.academy
    if academy.intro:
        return
    contact = data.get("contact", {})
    academy.intro = data["intro"]
    academy.search_description = data.get("search_description", "")
    academy.contact_email = contact.get("email", "")
    academy.contact_phone = contact.get("phone", "")
    academy.address = contact.get("address", "")
    academy.logo = _logo(data, onboarding.collection)
    academy.save_revision().publish()
    if not InformationPage.objects.child_of(academy).exists():
        for page in data.get("information_pages", []):
            publish_under(academy, InformationPage(title=page["title"], body=page["body"]))


def _logo(data, collection):
    """A round badge with the city's code, drawn once (the demo ships no logo files)."""
    title = f"{data['name']} logo"
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (256, 256), data.get("colour", "#0b2545"))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((16, 16, 240, 240), outline="#f2c230", width=10)
    draw.text((128, 128), data["code"], fill="white", font=ImageFont.load_default(size=72),
              anchor="mm")  # fmt: skip
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return image_model.objects.create(
        title=title,
        file=ImageFile(buffer, name=f"logo-{data['code'].lower()}.png"),
        collection=collection,
    )


# Courses, modules and assessments


def load_courses(content, academies):
    """Publish each academy's courses that are not there yet (by slug)."""
    themes = {name: Theme.objects.get_or_create(name=name)[0] for name in content.network["themes"]}
    for code, courses in content.courses.items():
        existing = set(CoursePage.objects.child_of(academies[code]).values_list("slug", flat=True))
        for data in courses:
            if data["slug"] not in existing:
                publish_course(
                    academies[code], data, themes, packages=content.directory / "packages"
                )


def publish_course(academy, data, themes, *, packages=None):
    """Publish a course with its modules and assessment under an academy; the course comes
    back with ``modules`` and ``assessment`` set to the pages published. A module with a
    ``package`` plays the content package of that folder of ``packages``."""
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    course = CoursePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        learning_objectives=data.get("learning_objectives", ""),
        audience=data.get("audience", ""),
        level=data["level"],
        cpd_hours=Decimal(str(data["cpd_hours"])),
        modules_in_order=data.get("modules_in_order", False),
    )
    course.themes = [themes[name] for name in data.get("themes", []) if name in themes]
    course.languages = [locales[code] for code in data.get("languages", []) if code in locales]
    publish_under(academy, course)
    course.modules = [
        publish_under(
            course,
            ModulePage(
                title=module["title"],
                slug=module["slug"],
                estimated_minutes=module["estimated_minutes"],
                required=module.get("required", True),
                body=[next(iter(block.items())) for block in module.get("body", [])],
                package=_package(academy, packages / module["package"])
                if "package" in module
                else None,
            ),
        )
        for module in data["modules"]
    ]
    course.assessment = publish_under(course, _assessment(data["assessment"]))
    return course


def _package(academy, folder):
    """The content package in ``folder``, zipped as an authoring tool exports it and added
    to the academy's packages as a trainer's upload is (checked, unpacked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    upload = SimpleUploadedFile(f"{folder.name}.zip", buffer.getvalue(), "application/zip")
    return add_package(academy=academy, title="", uploaded=upload)


def _assessment(data):
    return AssessmentPage(
        title=data["title"],
        slug=data["slug"],
        instructions=data.get("instructions", ""),
        pass_mark=data["pass_mark"],
        attempts_allowed=data["attempts_allowed"],
        time_limit_minutes=data.get("time_limit_minutes"),
        questions=[_question(question) for question in data["questions"]],
    )


def _question(data):
    kind = data["kind"]
    if kind == Question.Kind.TRUE_FALSE:
        choices = [
            {"text": "True", "correct": data["answer"]},
            {"text": "False", "correct": not data["answer"]},
        ]
    else:
        choices = data.get("choices", [])
    partial = data.get("partial_credit") or (
        Question.PartialCredit.PROPORTIONAL
        if kind == Question.Kind.MULTIPLE
        else Question.PartialCredit.ALL_OR_NOTHING
    )
    return Question(
        kind=kind,
        text=data["text"],
        points=Decimal(str(data.get("points", 1))),
        feedback=data.get("feedback", ""),
        partial_credit=partial,
        choices=[
            Choice(
                text=choice["text"],
                is_correct=choice.get("correct", False),
                feedback=choice.get("feedback", ""),
            )
            for choice in choices
        ],
    )


# Certificate templates


def load_certificate_templates(content, academies):
    """A completion and an attendance template per academy, with its texts in every language
    and its signatories; a template already there is left as its coordinator made it.
    ``academies`` (by code) may be some of the demo's only."""
    texts = content.certificates["texts"]
    for data in content.certificates["templates"]:
        academy = academies.get(data["academy"])
        if academy is None:
            continue
        for kind in CertificateTemplate.Kind.values:
            template, created = CertificateTemplate.objects.get_or_create(
                academy=academy,
                kind=kind,
                defaults={"name": f"{academy.city} – {kind}", "accent_colour": data["accent"]},
            )
            if not created:
                continue
            template.texts = [
                CertificateText(language=language, title=text["title"], body=text["body"])
                for language, text in texts[kind].items()
            ]
            template.signatories = [
                _signatory(signatory, academy) for signatory in data.get("signatories", [])
            ]
            template.save()


def _signatory(data, academy):
    # A Signatory holds one function, printed on certificates in every language: it is
    # the one in the academy's own language until the certificates keep one per language.
    signatory = Signatory(name=data["name"], function=data["function"][academy.default_language])
    if data.get("signature"):
        with open(SIGNATURES / data["signature"], "rb") as picture:
            signatory.signature = File(io.BytesIO(picture.read()), name=data["signature"])
    return signatory


# Sessions and the demo officers' learning


def load_sessions(content, academies):
    """Each academy's sessions, dated from today; one that exists (by title) is kept.
    Returns the sessions by title."""
    today = timezone.localdate()
    loaded = {}
    for code, sessions in content.sessions.items():
        academy = academies[code]
        for data in sessions:
            starts_on = today + datetime.timedelta(days=data["starts_in_days"])
            loaded[data["title"]], _created = Session.objects.get_or_create(
                academy=academy,
                title=data["title"],
                defaults={
                    "course": (
                        CoursePage.objects.child_of(academy).get(slug=data["course"])
                        if data.get("course")
                        else None
                    ),
                    "kind": data.get("kind", Session.Kind.COURSE),
                    "starts_on": starts_on,
                    "ends_on": starts_on + datetime.timedelta(days=data.get("days", 1) - 1),
                    "format": data["format"],
                    "capacity": data["capacity"],
                    "language": data.get("language", academy.default_language),
                    "approval_required": data.get("approval_required", True),
                },
            )
    return loaded


def load_learning(content, onboardings, sessions):
    """The demo officers' enrolments, decisions, modules done and attendance."""
    people = get_user_model().objects.in_bulk(
        [entry["officer"] for entry in content.learning], field_name="email"
    )
    for entry in content.learning:
        officer = people[entry["officer"]]
        for data in entry["enrolments"]:
            session = sessions[data["session"]]
            onboarding = onboardings[session.academy.code]
            if data["state"] == Enrolment.State.COMPLETED:
                _attended(officer, session, onboarding)
                continue
            enrolment = enrol(officer, session)
            if data["state"] == Enrolment.State.APPROVED and (
                enrolment.state == Enrolment.State.REQUESTED
            ):
                enrolment = decide(enrolment, approve=True)
            for slug in data.get("modules_done", []):
                complete_module(
                    enrolment, ModulePage.objects.child_of(session.course).get(slug=slug)
                )


def _attended(officer, session, onboarding):
    """The officer attended every day of a session that is over: marked present by the
    academy's trainer, which completes the enrolment (and issues its certificate)."""
    # Enrolment in a past session is refused by the services, as it should be for people:
    # the demo records the place the officer had while it was open.
    enrolment, _created = Enrolment.objects.get_or_create(
        officer=officer, session=session, defaults={"state": Enrolment.State.APPROVED}
    )
    trainer = onboarding.trainer_group.user_set.order_by("pk").first()
    mark_attendance(session, {(enrolment.pk, day): True for day in session.days()}, by=trainer)
    evaluate_completion(enrolment)
