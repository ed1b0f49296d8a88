"""The demo of what the network exists for beyond courses (issue 21): promising practices,
peer reviews with their report, the shared glossary, and a force that approves its officers'
requests first. Read from ``home/demo/data/practices.yaml`` and ``glossary.yaml``, created
through the plugin's services after the rest of the demo; safe to rerun."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.models import AcademyPage, Force, GlossaryTerm
from academy.services import onboard_force, publish_under
from courses.models import (
    CoursePage,
    Enrolment,
    PeerReview,
    PracticePage,
    ReviewReport,
    Session,
    Theme,
)
from courses.services import (
    enrol,
    evaluate_completion,
    mark_attendance,
    publish_report,
    save_draft,
    submit_review,
)
from home.demo.content import DATA, DemoDataError, _load, _required

LANGUAGES = ("fr", "nl", "es", "pt")


@dataclass
class Extras:
    added: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)


def read_extras(directory=DATA):
    """The two files of the demo's network extras, checked. Raises ``DemoDataError``."""
    practices = _load(directory, "practices.yaml")
    glossary = _load(directory, "glossary.yaml")
    terms = _required(glossary, "terms", "glossary.yaml")
    for number, term in enumerate(terms, 1):
        where = f"glossary.yaml, term {number}"
        for key in ("term", "definition", *LANGUAGES):
            _required(term, key, where)
    for code, entries in _required(practices, "practices", "practices.yaml").items():
        for entry in entries:
            for key in ("slug", "title", "summary", "problem", "approach", "results"):
                _required(entry, key, f"practices.yaml, {code}")
    return practices, terms


def _counts():
    return {
        "practices": PracticePage.objects.count(),
        "glossary terms": GlossaryTerm.objects.count(),
        "peer reviews": PeerReview.objects.submitted().count(),
        "review reports": ReviewReport.objects.published().count(),
    }


def load_extras(directory=DATA):
    """Create whatever of the extras is missing; returns what was added and the logins."""
    practices, terms = read_extras(directory)
    before = _counts()
    with transaction.atomic():
        academies = {academy.code: academy for academy in AcademyPage.objects.in_default_locale()}
        load_glossary(terms)
        loaded = load_practices(practices["practices"], academies)
        for review in practices.get("peer_reviews", []):
            load_peer_review(review, academies, loaded)
        logins = load_own_approval(practices.get("own_approval", []))
    after = _counts()
    return Extras({what: after[what] - before[what] for what in after}, logins)


def load_glossary(terms):
    for data in terms:
        term, _created = GlossaryTerm.objects.get_or_create(
            term=data["term"],
            defaults={
                "definition": " ".join(data["definition"].split()),
                **{f"term_{code}": data[code] for code in LANGUAGES},
            },
        )
        term.forces.add(*Force.objects.filter(city__in=data.get("cities", [])))


def load_practices(practices, academies):
    """Two practices per academy, published (as their coordinators would), each linked to one
    of the academy's courses. Returns them by slug."""
    loaded = {}
    for code, entries in practices.items():
        academy = academies[code]
        courses = list(CoursePage.objects.child_of(academy).order_by("path"))
        for number, data in enumerate(entries):
            practice = PracticePage.objects.child_of(academy).filter(slug=data["slug"]).first()
            if practice is None:
                practice = PracticePage(
                    slug=data["slug"],
                    title=data["title"],
                    summary=" ".join(data["summary"].split()),
                    problem=data["problem"],
                    approach=data["approach"],
                    people=data.get("people", ""),
                    partners=data.get("partners", ""),
                    cost=data.get("cost", ""),
                    results=data["results"],
                    contacts=data.get("contacts", ""),
                    locale=academy.locale,
                )
                practice.themes = list(Theme.objects.filter(name__in=data.get("themes", [])))
                if courses:
                    practice.courses = [courses[number % len(courses)]]
                publish_under(academy, practice)
            loaded[data["slug"]] = practice
    return loaded


def load_peer_review(data, academies, practices):
    """A peer-review session of a host's practice, its reviewers (demo officers of other
    cities), their reviews and, when the data has one, the host's published report. A review
    session that is over was attended: its reviewers get their certificates."""
    academy = academies[data["host"]]
    practice = practices[data["practice"]]
    starts_on = timezone.localdate() + datetime.timedelta(days=data["starts_in_days"])
    session, _created = Session.objects.get_or_create(
        academy=academy,
        title=data["title"],
        defaults={
            "kind": Session.Kind.PEER_REVIEW,
            "practice": practice,
            "starts_on": starts_on,
            "ends_on": starts_on,
            "format": Session.Format.RESIDENTIAL,
            "capacity": 12,
            "language": "en",
            "approval_required": False,
        },
    )
    session.practices.add(practice)
    emails = [review["reviewer"] for review in data.get("reviews", [])]
    emails += data.get("pending_reviewers", [])
    people = get_user_model().objects.in_bulk(emails, field_name="email")
    past = starts_on < timezone.localdate()
    for email in emails:
        if past:
            # Enrolment in a past session is refused by the services: the demo records the
            # place the reviewer had while it was open.
            Enrolment.objects.get_or_create(
                officer=people[email], session=session, defaults={"state": "approved"}
            )
        else:
            enrol(people[email], session)
    if past:
        trainer = academy.trainer_group.user_set.order_by("pk").first()
        enrolments = session.enrolments.filter(state__in=Enrolment.ACTIVE)
        mark_attendance(
            session,
            {(e.pk, day): True for e in enrolments for day in session.days()},
            by=trainer,
        )
        for enrolment in enrolments:
            evaluate_completion(enrolment)
    for review in data.get("reviews", []):
        answers = {
            "strengths": " ".join(review["strengths"].split()),
            "risks": " ".join(review["risks"].split()),
            "recommendations": " ".join(review["recommendations"].split()),
            "transferable": review["transferable"],
            "transferable_why": review.get("why", ""),
        }
        reviewer = people[review["reviewer"]]
        if not PeerReview.objects.filter(session=session, reviewer=reviewer).exists():
            save_draft(session, reviewer, answers)
        submit_review(session, reviewer, answers)
    if data.get("report") and not ReviewReport.objects.published().filter(session=session):
        coordinator = academy.coordinator_group.user_set.order_by("pk").first()
        publish_report(session, summary=" ".join(data["report"].split()), by=coordinator)
    return session


def load_own_approval(forces):
    """Every member force gets its training managers' group; the forces listed approve their
    officers' requests first, with their demo training managers. Returns their logins."""
    from home.demo.loader import create_person

    for force in Force.objects.all():
        onboard_force(force)
    logins = []
    for data in forces:
        force = Force.objects.filter(academies__isnull=False, city=data["force_city"]).first()
        if force is None:
            raise DemoDataError(f"practices.yaml: no host force in {data['force_city']}.")
        onboarded = onboard_force(force, requires_own_approval=True)
        for person in data.get("training_managers", []):
            user = create_person(
                person["email"], person["name"], force=force, language=person["language"]
            )
            user.groups.add(onboarded.training_manager_group)
            logins.append((person["email"], f"training manager, {force.city}"))
    return logins
