"""The demo's content, read from the YAML files in ``data/`` and checked before anything is
written: a mistake in the data stops the demo with a message naming its file and entry."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError

from certificates.models import CertificateTemplate, unknown_placeholders
from courses.models import CoursePage, Enrolment, ModulePage, Question, Session

DATA = Path(__file__).parent / "data"
SIGNATURES = DATA / "signatures"
ROLES = ("coordinator", "trainer", "officer")
# What a demo officer's enrolment can be made to through the services.
LEARNING_STATES = {
    Enrolment.State.REQUESTED,
    Enrolment.State.APPROVED,
    Enrolment.State.COMPLETED,
}


class DemoDataError(Exception):
    """The demo data is wrong; the message names the file and the entry."""


@dataclass
class DemoData:
    network: dict
    academies: list
    courses: dict  # academy code -> list of courses
    course_files: dict  # academy code -> the file of its courses
    sessions: dict  # academy code -> list of sessions
    learning: list
    certificates: dict
    directory: Path = DATA  # where the files are: packages/ holds the content packages

    @property
    def people(self):
        """Every demo person (the admin first) with the code of their academy, if any."""
        yield {**self.network["admin"], "role": "admin"}, None
        for academy in self.academies:
            for person in academy["people"]:
                yield person, academy["code"]


def read(directory=DATA):
    """Read and check every file of the demo data. Raises ``DemoDataError``."""
    directory = Path(directory)
    network = _load(directory, "network.yaml")
    courses, course_files = {}, {}
    for path in sorted((directory / "courses").glob("*.yaml")):
        name = f"courses/{path.name}"
        content = _load(directory, name)
        code = _required(content, "academy", name)
        courses.setdefault(code, []).extend(_required(content, "courses", name))
        course_files.setdefault(code, name)
    sessions = _load(directory, "sessions.yaml")
    data = DemoData(
        network=network,
        academies=_required(_load(directory, "academies.yaml"), "academies", "academies.yaml"),
        courses=courses,
        course_files=course_files,
        sessions=_required(sessions, "sessions", "sessions.yaml"),
        learning=sessions.get("learning") or [],
        certificates=_load(directory, "certificates.yaml"),
        directory=directory,
    )
    Checker(data, directory).check()
    return data


def read_scale(directory=DATA):
    """Read and check ``scale.yaml``, the courses and names of ``seed_demo --scale``."""
    directory = Path(directory)
    scale = _load(directory, "scale.yaml")
    course = _required(scale, "course", "scale.yaml")
    checker = Checker(None, directory)
    for key in ("summary", "modules", "module_body", "assessment"):
        _required(course, key, "scale.yaml, course")
    checker.check_module({"title": "-", "slug": "-", "estimated_minutes": 1,
                          "body": course["module_body"]}, "scale.yaml, module_body")  # fmt: skip
    questions = _required(course["assessment"], "questions", "scale.yaml, assessment")
    for number, question in enumerate(questions, start=1):
        checker.check_question(question, f"scale.yaml, assessment, question {number}")
    for number, topic in enumerate(_required(scale, "topics", "scale.yaml"), start=1):
        for key in ("theme", "title"):
            _required(topic, key, f"scale.yaml, topic {number}")
    for key in ("given_names", "family_names"):
        _required(_required(scale, "officers", "scale.yaml"), key, "scale.yaml, officers")
    return scale


def _load(directory, name):
    path = directory / name
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DemoDataError(f"{name}: cannot be read ({error.strerror}).") from error
    except yaml.YAMLError as error:
        raise DemoDataError(f"{name}: is not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise DemoDataError(f"{name}: should hold a mapping of names to values.")
    return content


def _required(entry, key, where):
    if not isinstance(entry, dict) or entry.get(key) in (None, ""):
        raise DemoDataError(f"{where}: '{key}' is missing.")
    return entry[key]


class Checker:
    """Every rule of the demo data, each failure said with its file and entry."""

    def __init__(self, data, directory):
        self.data, self.directory = data, directory
        self.languages = [code for code, _name in settings.LANGUAGES]
        self.codes = []

    def fail(self, where, message):
        raise DemoDataError(f"{where}: {message}")

    def known(self, where, what, value, known):
        if value not in known:
            self.fail(where, f"unknown {what} '{value}' (known: {', '.join(map(str, known))}).")

    def check(self):
        admin = _required(self.data.network, "admin", "network.yaml")
        for key in ("email", "name", "language"):
            _required(admin, key, "network.yaml, admin")
        themes = _required(self.data.network, "themes", "network.yaml")
        for academy in self.data.academies:
            self.check_academy(academy)
        for code, courses in self.data.courses.items():
            name = self.data.course_files[code]
            self.known(name, "city code", code, self.codes)
            for course in courses:
                self.check_course(course, name, themes)
        self.check_sessions()
        self.check_certificates()

    def check_academy(self, academy):
        where = f"academies.yaml, academy {academy.get('code') or academy.get('city')!r}"
        for key in ("code", "city", "country", "name", "language", "intro", "people"):
            _required(academy, key, where)
        self.known(where, "language", academy["language"], self.languages)
        self.codes.append(academy["code"])
        for number, person in enumerate(academy["people"], start=1):
            at = f"{where}, person {person.get('email') or number!r}"
            for key in ("email", "name", "role"):
                _required(person, key, at)
            self.known(at, "role", person["role"], ROLES)

    def check_course(self, course, name, themes):
        where = f"{name}, course {course.get('slug') or course.get('title')!r}"
        for key in ("title", "slug", "summary", "level", "cpd_hours", "modules", "assessment"):
            _required(course, key, where)
        self.known(where, "level", course["level"], CoursePage.Level.values)
        for theme in course.get("themes", []):
            self.known(where, "theme", theme, themes)
        for language in course.get("languages", []):
            self.known(where, "language", language, self.languages)
        for module in course["modules"]:
            self.check_module(module, f"{where}, module {module.get('slug')!r}")
        assessment = course["assessment"]
        where = f"{where}, assessment {assessment.get('slug')!r}"
        for number, question in enumerate(_required(assessment, "questions", where), start=1):
            self.check_question(question, f"{where}, question {number}")

    def check_module(self, module, where):
        for key in ("title", "slug", "estimated_minutes"):
            _required(module, key, where)
        if "package" in module:
            # A SCORM or H5P package: a folder of packages/, zipped when the demo loads.
            folder = self.data.directory / "packages" / str(module["package"])
            if not any((folder / name).is_file() for name in ("imsmanifest.xml", "h5p.json")):
                self.fail(where, f"no package '{module['package']}' in packages/.")
        else:
            _required(module, "body", where)
        stream = ModulePage.body.field.stream_block
        for number, block in enumerate(module.get("body", []), start=1):
            at = f"{where}, block {number}"
            if not isinstance(block, dict) or len(block) != 1:
                self.fail(at, "a block is one 'type: value' pair.")
            [(kind, value)] = block.items()
            self.known(at, "block type", kind, list(stream.child_blocks))
            child = stream.child_blocks[kind]
            try:
                child.clean(child.to_python(value))
            except (ValidationError, TypeError, AttributeError) as error:
                self.fail(at, f"the {kind} block is not right: {_said(error)}")

    def check_question(self, question, where):
        _required(question, "text", where)
        self.known(where, "question kind", question.get("kind"), Question.Kind.values)
        if question["kind"] == Question.Kind.TRUE_FALSE:
            if not isinstance(question.get("answer"), bool):
                self.fail(where, "a true-or-false question needs 'answer: true' or 'false'.")
        elif question["kind"] in Question.CHOICE_KINDS:
            choices = question.get("choices") or []
            if not any(choice.get("correct") for choice in choices):
                self.fail(where, "a choice question needs choices, at least one correct.")

    def check_sessions(self):
        titles = {}
        courses = {code: {c["slug"]: c for c in cs} for code, cs in self.data.courses.items()}
        for code, sessions in self.data.sessions.items():
            self.known(f"sessions.yaml, sessions of {code}", "city code", code, self.codes)
            for session in sessions:
                where = f"sessions.yaml, session {session.get('title')!r}"
                for key in ("title", "starts_in_days", "format", "capacity"):
                    _required(session, key, where)
                self.known(where, "format", session["format"], Session.Format.values)
                kind = session.get("kind", Session.Kind.COURSE)
                self.known(where, "kind", kind, Session.Kind.values)
                if (kind == Session.Kind.COURSE) != bool(session.get("course")):
                    self.fail(where, "a course session names its course, other kinds none.")
                if session.get("course"):
                    self.known(where, "course", session["course"], list(courses.get(code, {})))
                if session["title"] in titles:
                    self.fail(where, "two sessions have this title; titles tell them apart.")
                titles[session["title"]] = (code, session)
        people = {person["email"] for person, _code in self.data.people}
        for entry in self.data.learning:
            where = f"sessions.yaml, learning of {entry.get('officer')!r}"
            self.known(where, "person", entry.get("officer"), sorted(people))
            for enrolment in entry.get("enrolments") or []:
                at = f"{where}, session {enrolment.get('session')!r}"
                self.known(at, "session", enrolment.get("session"), list(titles))
                self.known(at, "state", enrolment.get("state"), sorted(LEARNING_STATES))
                code, session = titles[enrolment["session"]]
                if enrolment["state"] == Enrolment.State.COMPLETED:
                    if session.get("course"):
                        self.fail(
                            at, "only an Exchange Day or peer review is completed by attending."
                        )
                    if session["starts_in_days"] + session.get("days", 1) > 0:
                        self.fail(at, "a session is attended once it is over (starts_in_days < 0).")
                modules = (
                    courses[code][session["course"]]["modules"] if session.get("course") else []
                )
                for slug in enrolment.get("modules_done", []):
                    self.known(at, "module", slug, [module["slug"] for module in modules])

    def check_certificates(self):
        texts = _required(self.data.certificates, "texts", "certificates.yaml")
        for kind in CertificateTemplate.Kind.values:
            for language in self.languages:
                where = f"certificates.yaml, {kind} text in '{language}'"
                text = (texts.get(kind) or {}).get(language)
                if not text:
                    self.fail(where, "missing translation.")
                for key in ("title", "body"):
                    unknown = unknown_placeholders(_required(text, key, where))
                    if unknown:
                        self.fail(where, f"unknown placeholder {{{unknown[0]}}}.")
        for template in _required(self.data.certificates, "templates", "certificates.yaml"):
            where = f"certificates.yaml, template of {template.get('academy')!r}"
            self.known(where, "city code", template.get("academy"), self.codes)
            for signatory in template.get("signatories") or []:
                at = f"{where}, signatory {signatory.get('name')!r}"
                functions = _required(signatory, "function", at)
                for language in self.languages:
                    if not (isinstance(functions, dict) and functions.get(language)):
                        self.fail(at, f"missing translation of the function in '{language}'.")
                picture = signatory.get("signature")
                if picture and not (self.directory / "signatures" / picture).is_file():
                    self.fail(at, f"no signature file signatures/{picture}.")


def _said(error):
    if isinstance(error, ValidationError) and hasattr(error, "block_errors"):
        return "; ".join(f"{field}: {_said(e)}" for field, e in error.block_errors.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
