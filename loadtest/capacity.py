"""Capacity mode of ``make load`` (``LOAD_MODE=capacity``): how many officers the site holds.

Officers arrive at ``LOAD_RATE`` a second (each signs in: the slow, PBKDF2 step) and click
every 20-40 s (``LOAD_THINK``) through a realistic journey: catalogue, their course, a
module, mark it done, the next module, done, the final check, start (or resume) the
attempt, autosave one answer per click, and round again. Every ``LOAD_STEP`` seconds a row
of the curve is written: officers, requests/s, p50/p95/p99, errors, sign-ins/s and their
p95, and the CPU share of locust itself (so that it is never the hidden bottleneck).

The ramp stops at the knee: a row with p95 >= ``LOAD_KNEE_MS`` (1000) or any error, or
at ``LOAD_USERS`` officers. Before that, at ``LOAD_SPIKE_AT`` officers (or at the knee if
it comes first), the ramp holds for the quiz-start spike: every officer online starts the
timed final check of their course within 60 s (``spike:`` requests, counted apart).

Run by ``loadtest/run.py``, which writes the plan (``LOAD_PLAN``) and turns the curve
(``LOAD_CURVE``) into the table and plot of ``loadtest/results/``.
"""

import itertools
import json
import os
import random
import re
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlencode

import psutil
from locust import FastHttpUser, LoadTestShape, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
CURVE = Path(os.environ["LOAD_CURVE"])
SAVED_ANSWERS = Path(os.environ["LOAD_SAVED_ANSWERS"])
OUTCOMES = Path(os.environ["LOAD_OUTCOMES"])
RATE = float(os.environ.get("LOAD_RATE", "2"))
MAX_USERS = min(int(os.environ.get("LOAD_USERS", "3000")), len(PLAN["officers"]))
STEP = int(os.environ.get("LOAD_STEP", "30"))
KNEE_MS = int(os.environ.get("LOAD_KNEE_MS", "1000"))
SPIKE_AT = int(os.environ.get("LOAD_SPIKE_AT", str(MAX_USERS // 2)))
SPIKE_SECONDS = 60
# The first rows are the servers' warm-up (imports, templates): no knee is read in them.
WARM_UP = int(os.environ.get("LOAD_WARM_UP", "60"))
THINK = tuple(float(s) for s in os.environ.get("LOAD_THINK", "20,40").split(","))

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEQUENCE = re.compile(r'name="sequence" value="(\d+)"')
CHOICE = re.compile(r'type="(radio|checkbox)" name="q(\d+)" value="(\d+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/")
SIGN_IN = "POST /en/accounts/login/"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

numbers = itertools.count()
outcomes = Counter()
saved = []  # [attempt, position, answer, sequence] the site said it saved
unanswered = {}  # answers sent without a reply: stored or not
writes = itertools.count()
window = deque()  # (time, name, ms, failed) of the requests of the current row
spike = {"at": None}
process = psutil.Process()


@events.request.add_listener
def count(request_type, name, response_time, response_length, exception=None, **_kwargs):
    window.append((time.time(), name, response_time or 0, exception is not None))


@events.test_stop.add_listener
def write_down(**_kwargs):
    told = saved + [answer for answers in unanswered.values() for answer in answers]
    SAVED_ANSWERS.write_text("".join(json.dumps(answer) + "\n" for answer in told))
    OUTCOMES.write_text(json.dumps(outcomes, indent=1, sort_keys=True))


def percentile(values, share):
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Capacity(LoadTestShape):
    """Ramp at LOAD_RATE officers a second, hold for the spike, stop at the knee."""

    def __init__(self):
        super().__init__()
        self.rows, self.knee, self.next_row = [], None, STEP
        self.phase, self.held, self.resume_at, self.offset = "ramp", 0, None, 0.0
        process.cpu_percent()
        psutil.cpu_percent()

    def tick(self):
        now = self.get_run_time()
        users = self.runner.user_count if self.runner else 0
        if now >= self.next_row:
            self.record(now, users)
            self.next_row += STEP
        if self.phase == "stop":
            CURVE.write_text(json.dumps({"rows": self.rows, "knee": self.knee}, indent=1))
            return None
        if self.phase == "spike":
            if now < self.resume_at:
                return self.held, RATE
            self.phase = "ramp" if self.knee is None else "stop"
            self.offset = now - self.held / RATE  # the ramp goes on from where it held
        target = min(MAX_USERS, int(RATE * (now - self.offset)))
        if spike["at"] is None and (target >= SPIKE_AT or self.knee is not None):
            spike["at"], self.phase, self.held = time.time(), "spike", users
            self.resume_at = now + SPIKE_SECONDS + 30
            return self.held, RATE
        if self.knee is not None or (users >= MAX_USERS and now > self.next_row - STEP / 2):
            self.phase = "stop"
        return target, RATE

    def record(self, now, users):
        cutoff = time.time() - STEP
        while window and window[0][0] < cutoff:
            window.popleft()
        rows = list(window)
        # Sign-in (PBKDF2) is the one step allowed to be slow: it has its own columns.
        journey = [r for r in rows if not r[1].startswith("spike") and r[1] != SIGN_IN]
        times = [r[2] for r in journey]
        sign_ins = [r[2] for r in rows if r[1] == SIGN_IN]
        spiked = [r[2] for r in rows if r[1].startswith("spike")]
        row = {
            "seconds": round(now),
            "phase": self.phase,
            "officers": users,
            "rps": round(len(rows) / STEP, 1),
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "errors": sum(r[3] for r in rows),
            "sign_ins_per_s": round(len(sign_ins) / STEP, 2),
            "sign_in_p95": percentile(sign_ins, 0.95),
            "spike_requests": len(spiked),
            "spike_p95": percentile(spiked, 0.95),
            "locust_cpu": round(process.cpu_percent(), 1),
            "machine_cpu": round(psutil.cpu_percent(), 1),
        }
        self.rows.append(row)
        CURVE.write_text(json.dumps({"rows": self.rows, "knee": self.knee}, indent=1))
        over = row["p95"] >= KNEE_MS or row["errors"]
        if over and self.knee is None and self.phase == "ramp" and now > WARM_UP:
            self.knee = row


class Officer(FastHttpUser):
    """One officer, one tab, a click every 20-40 s."""

    def wait_time(self):
        pause = random.uniform(*THINK)  # noqa: S311 - think time, not a secret
        if spike["at"] and not self.spiked:
            return max(0.0, min(pause, spike["at"] + self.spike_offset - time.time()))
        return pause

    def on_start(self):
        self.officer = PLAN["officers"][next(numbers) % len(PLAN["officers"])]
        self.step, self.lesson, self.token = 0, 0, ""
        self.attempt, self.form = None, None
        # Officers who arrive after the spike began are not part of it.
        self.spiked = spike["at"] is not None
        self.spike_offset = random.uniform(0, SPIKE_SECONDS / 3)  # noqa: S311
        self.sign_in()

    def get(self, url, name):
        response = self.client.get(url, name=name)
        found = TOKEN.search(response.text or "")
        if found:
            self.token = found[1]
        return response

    def post(self, url, name, pairs, **kwargs):
        pairs = [("csrfmiddlewaretoken", self.token), *pairs]
        kwargs.setdefault("headers", FORM)
        return self.client.post(
            url, data=urlencode(pairs), name=name, allow_redirects=False, **kwargs
        )

    def sign_in(self):
        self.get("/en/accounts/login/", "GET /en/accounts/login/")
        pairs = [("username", self.officer["email"]), ("password", PLAN["password"])]
        with self.post("/en/accounts/login/", SIGN_IN, pairs, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused ({response.status_code})")
        # Where the browser lands: its page carries the token of the signed-in session
        # (Django gives a new one at sign-in).
        self.get("/en/catalogue/", "GET /en/catalogue/")

    @task
    def click(self):
        if spike["at"] and not self.spiked and time.time() >= spike["at"] + self.spike_offset:
            self.spiked = True
            self.start_attempt("spike: ")
            return
        journey = [
            self.catalogue,
            self.course,
            self.module,
            self.done,
            self.module,
            self.done,
            self.assessment,
            self.start_attempt,
            *([self.autosave] * 4),
        ]
        journey[self.step % len(journey)]()
        self.step += 1

    def catalogue(self):
        self.get("/en/catalogue/", "GET /en/catalogue/")

    def course(self):
        self.get(self.officer["course"], "GET course page")

    def module(self):
        modules = self.officer["modules"]
        self.current = modules[self.lesson % len(modules)]
        self.get(self.current["url"], "GET module page")

    def done(self):
        self.post(f"/en/modules/{self.current['pk']}/done/", "POST modules/[id]/done/", [])
        self.lesson += 1

    def assessment(self):
        self.get(self.officer["assessment"]["url"], "GET assessment page")

    def start_attempt(self, prefix=""):
        check = self.officer["assessment"]
        start = self.post(
            f"/en/assessments/{check['pk']}/start/", f"{prefix}POST assessments/[id]/start/", []
        )
        found = ATTEMPT.search(start.headers.get("Location", "") or "")
        if not found:
            outcomes["start: refused (no attempt left)"] += 1
            self.attempt, self.form = None, None
            return
        self.attempt = int(found[1])
        page = self.client.get(
            f"/en/attempts/{self.attempt}/",
            name=f"{prefix}GET attempts/[id]/",
            allow_redirects=False,
        )
        self.form = None
        if page.status_code == 200 and page.text:
            self.token = TOKEN.search(page.text)[1]
            choices = {}
            for kind, position, choice in CHOICE.findall(page.text):
                choices.setdefault(int(position), (kind, []))[1].append(int(choice))
            self.form = {"sequence": int(SEQUENCE.search(page.text)[1]), "choices": choices}

    def autosave(self):
        if not self.form or not self.form["choices"]:
            return
        positions = sorted(self.form["choices"])
        position = positions[self.step % len(positions)]
        kind, choices = self.form["choices"][position]
        answer = [random.choice(choices)]  # noqa: S311
        write = next(writes)
        unanswered[write] = [[self.attempt, position, answer, None]]
        pairs = [
            ("question", position),
            *((f"q{position}", choice) for choice in answer),
            ("sequence", self.form["sequence"]),
        ]
        with self.post(
            f"/en/attempts/{self.attempt}/save/",
            "POST attempts/[id]/save/",
            pairs,
            headers={**FORM, "Accept": "application/json"},
            catch_response=True,
        ) as response:
            if response.status_code:
                unanswered.pop(write, None)
            if response.status_code == 200:
                self.form["sequence"] = response.json()["sequence"]
                saved.append([self.attempt, position, answer, self.form["sequence"]])
                outcomes["save: saved"] += 1
            elif response.status_code in (400, 409):
                response.success()  # submitted (time is up) or stale: the page reloads
                outcomes[f"save: refused ({response.status_code})"] += 1
                self.form = None
            else:
                response.failure(f"save answered {response.status_code}")
