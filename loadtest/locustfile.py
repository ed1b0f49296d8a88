"""Officers using the academy at once: sign in, browse, enrol, learn, take the final check.

Run by ``loadtest/run.py`` (``make load``), which writes the plan this file reads
(``LOAD_PLAN``: officers with their course, modules and final check, and the sessions
everyone races for). Two simulated users share each officer, like two tabs of one
browser: they start, save and submit the same attempts at the same moment. Every answer
the site said it saved (and any sent without a reply) goes to ``LOAD_SAVED_ANSWERS`` for
the checker; what the site answered (a stale page, no attempt left...) to
``LOAD_OUTCOMES``.
"""

import itertools
import json
import os
import re
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
SAVED_ANSWERS = Path(os.environ["LOAD_SAVED_ANSWERS"])
OUTCOMES = Path(os.environ["LOAD_OUTCOMES"])
TABS = 2  # simulated users per officer

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEQUENCE = re.compile(r'name="sequence" value="(\d+)"')
CHOICE = re.compile(r'type="(radio|checkbox)" name="q(\d+)" value="(\d+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/")

numbers = itertools.count()
outcomes = Counter()
saved = []  # [attempt, position, answer, sequence]: the site said it saved it
writes = itertools.count()
unanswered = {}  # answers sent whose reply has not come (yet): they may be stored or not


def sending(attempt, answers):
    write = next(writes)
    unanswered[write] = [[attempt, position, answer, None] for position, answer in answers.items()]
    return write


def answered(write, response):
    """Any reply from the site settles a write; no reply (status 0) leaves it open."""
    if response.status_code:
        unanswered.pop(write, None)


@events.test_stop.add_listener
def write_down(**_kwargs):
    told = saved + [answer for answers in unanswered.values() for answer in answers]
    SAVED_ANSWERS.write_text("".join(json.dumps(answer) + "\n" for answer in told))
    OUTCOMES.write_text(json.dumps(outcomes, indent=1, sort_keys=True))


class AttemptForm:
    """What the attempt page gives a browser: its token, sequence and choices."""

    def __init__(self, html):
        self.token = TOKEN.search(html)[1]
        self.sequence = int(SEQUENCE.search(html)[1])
        self.choices = {}
        for kind, position, choice in CHOICE.findall(html):
            self.choices.setdefault(int(position), (kind, []))[1].append(int(choice))


def final_answer(attempt, position, kind, choices):
    """The answer both tabs end on: the same for both, so neither undoes the other."""
    turn = attempt + position
    if kind == "checkbox":
        return choices[: 1 + turn % len(choices)]
    return [choices[turn % len(choices)]]


def first_thought(attempt, position, kind, choices):
    """A different answer, saved first and changed afterwards."""
    final = final_answer(attempt, position, kind, choices)
    return [choice for choice in choices if choice not in final][:1] or final


class Officer(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.number = next(numbers)
        self.officer = PLAN["officers"][(self.number // TABS) % len(PLAN["officers"])]
        self.turn = self.number
        self.lesson = 0  # modules come in the plan's order: those still to do first
        self.sign_in()
        # Everyone at once: the race for a session's last places, and for the same attempt.
        self.enrol()
        self.take_final_check()

    # Pages and forms

    def token_of(self, response):
        found = TOKEN.search(response.text or "")
        return found[1] if found else self.client.cookies.get("csrftoken", "")

    def post(self, url, name, data, **kwargs):
        return self.client.post(url, data=data, name=name, allow_redirects=False, **kwargs)

    def sign_in(self):
        form = self.client.get("/en/accounts/login/", name="GET /en/accounts/login/")
        data = {
            "csrfmiddlewaretoken": self.token_of(form),
            "username": self.officer["email"],
            "password": PLAN["password"],
            "next": "",
        }
        with self.post(
            "/en/accounts/login/", "POST /en/accounts/login/", data, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused ({response.status_code})")

    # What officers do

    @task(4)
    def browse(self):
        self.client.get("/en/catalogue/", name="GET /en/catalogue/")
        self.client.get(self.officer["course"], name="GET course page")
        module = self.officer["modules"][self.turn % len(self.officer["modules"])]
        self.client.get(module["url"], name="GET module page")
        self.turn += 1

    @task(3)
    def learn(self):
        module = self.officer["modules"][self.lesson % len(self.officer["modules"])]
        page = self.client.get(module["url"], name="GET module page")
        self.post(
            f"/en/modules/{module['pk']}/done/",
            "POST modules/[id]/done/",
            {"csrfmiddlewaretoken": self.token_of(page)},
        )
        self.lesson += 1

    @task(1)
    def enrol(self):
        session = PLAN["sessions"][self.turn % len(PLAN["sessions"])]
        page = self.client.get(f"/en/sessions/{session}/", name="GET sessions/[id]/")
        self.post(
            f"/en/sessions/{session}/enrol/",
            "POST sessions/[id]/enrol/",
            {"csrfmiddlewaretoken": self.token_of(page)},
        )
        self.turn += 1

    @task(2)
    def take_final_check(self):
        check = self.officer["assessment"]
        page = self.client.get(check["url"], name="GET assessment page")
        start = self.post(
            f"/en/assessments/{check['pk']}/start/",
            "POST assessments/[id]/start/",
            {"csrfmiddlewaretoken": self.token_of(page)},
        )
        found = ATTEMPT.search(start.headers.get("Location", ""))
        if not found:
            outcomes["start: refused (no attempt left)"] += 1
            return
        attempt = int(found[1])
        form = self.attempt_form(attempt)
        if form is None:
            return
        answers = {}
        for position, (kind, choices) in sorted(form.choices.items()):
            answers[position] = final_answer(attempt, position, kind, choices)
            for answer in (first_thought(attempt, position, kind, choices), answers[position]):
                form = self.save(attempt, form, position, answer)
                if form is None:
                    return
        self.submit(attempt, form, answers)

    # The attempt, as attempt.js and the form's buttons send it

    def attempt_form(self, attempt):
        """The attempt page's form; None once the attempt is submitted (by the other tab)."""
        page = self.client.get(
            f"/en/attempts/{attempt}/", name="GET attempts/[id]/", allow_redirects=False
        )
        if page.status_code != 200:
            outcomes["attempt page: already submitted"] += 1
            return None
        return AttemptForm(page.text)

    def save(self, attempt, form, position, answer, retry=True):
        data = [
            ("csrfmiddlewaretoken", form.token),
            ("question", position),
            *((f"q{position}", choice) for choice in answer),
            ("sequence", form.sequence),
        ]
        write = sending(attempt, {position: answer})
        with self.post(
            f"/en/attempts/{attempt}/save/",
            "POST attempts/[id]/save/",
            data,
            headers={"Accept": "application/json"},
            catch_response=True,
        ) as response:
            answered(write, response)
            if response.status_code == 200:
                form.sequence = response.json()["sequence"]
                saved.append([attempt, position, answer, form.sequence])
                outcomes["save: saved"] += 1
                return form
            if response.status_code in (400, 409):
                # 409: the other tab saved first (the page reloads); 400: it submitted.
                response.success()
                stale = response.status_code == 409
                outcomes["save: stale page, reloaded" if stale else "save: attempt submitted"] += 1
            else:
                response.failure(f"save answered {response.status_code}")
                return None
        if not (stale and retry):
            return None
        form = self.attempt_form(attempt)
        return form and self.save(attempt, form, position, answer, retry=False)

    def submit(self, attempt, form, answers, retry=True):
        data = [("csrfmiddlewaretoken", form.token), ("sequence", form.sequence)]
        for position, answer in sorted(answers.items()):
            data += [("question", position), *((f"q{position}", choice) for choice in answer)]
        write = sending(attempt, answers)
        with self.post(
            f"/en/attempts/{attempt}/submit/",
            "POST attempts/[id]/submit/",
            data,
            catch_response=True,
        ) as response:
            answered(write, response)
            if response.status_code == 302 and "/review/" in response.headers["Location"]:
                # Stored under the sequence it posted, moved on by one (or already there).
                for position, answer in answers.items():
                    saved.append([attempt, position, answer, form.sequence + 1])
                outcomes["submit: submitted"] += 1
                return
            if response.status_code != 409:
                response.failure(f"submit answered {response.status_code}")
                return
            response.success()
            outcomes["submit: stale page, reloaded"] += 1
        form = self.attempt_form(attempt) if retry else None
        if form is not None:
            self.submit(attempt, form, answers, retry=False)
