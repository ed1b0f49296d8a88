"""``make load``: the site under many officers at once, on this machine, then its records checked.

1. Recreate the PostgreSQL database of ``POSTGRES_LOAD_URL`` (a throwaway: its name must
   contain "load"), migrate it, seed it with ``seed_demo --scale LOAD_SCALE``.
2. Serve it as in production: gunicorn (``LOAD_WORKERS`` sync workers on 127.0.0.1 only)
   and the background worker (``manage.py db_worker``), with ``loadtest.settings``
   (production over plain HTTP on the loopback).
3. Run ``loadtest/locustfile.py`` headless: ``LOAD_USERS`` officers' tabs started at
   ``LOAD_RATE`` a second, for ``LOAD_TIME``.
4. Print, and write to ``loadtest/results/latest.md``, requests per second, p50/p95/p99
   and errors per endpoint, and every rule of ``loadtest/invariants.py``.

``LOAD_MODE=capacity`` runs ``loadtest/capacity.py`` instead: officers arriving at
``LOAD_RATE`` a second with 20-40 s of think time, up to ``LOAD_USERS``, stopped at the
knee, with the quiz-start spike; the curve goes to ``loadtest/results/capacity.md`` and
``capacity.svg``. ``LOAD_SERVERS=2`` serves the site from two gunicorn instances behind
nginx (Debian's), sharing PostgreSQL, Redis (cache, sessions, limits), the task queue and
the media and private files: the report counts the requests each one served.

The servers are stopped whatever happens. Exits 1 if a rule is broken or nothing ran.
"""

import csv
import datetime
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import django

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "loadtest"
RESULTS_DIR = ROOT / "loadtest" / "results"

DATABASE_URL = os.environ.get(
    "POSTGRES_LOAD_URL", "postgres://postgres@127.0.0.1:5432/academy_load"
)
SCALE = os.environ.get("LOAD_SCALE", "1")
USERS = int(os.environ.get("LOAD_USERS", "40"))
RATE = os.environ.get("LOAD_RATE", "10")
DURATION = os.environ.get("LOAD_TIME", "60s")
WORKERS = int(os.environ.get("LOAD_WORKERS", "3"))
MODE = os.environ.get("LOAD_MODE", "journey")
SERVERS = int(os.environ.get("LOAD_SERVERS", "1"))
TASK_WORKERS = int(os.environ.get("LOAD_TASK_WORKERS", "2"))
# Cache, sessions and limits of every app server (a throwaway database number: flushed).
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/0")
CONTROL_SOCKET = int(metadata.version("gunicorn").split(".")[0]) >= 27
PORT = int(os.environ.get("LOAD_PORT", "0"))  # 0: any free port
RACED_SESSIONS = 3  # sessions every officer asks a place in, all at once
# Production queues background work for a worker on Django 5.2 only (see its settings).
QUEUED = django.VERSION < (6,)


def server_environment():
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loadtest.settings",
        "DATABASE_URL": DATABASE_URL,
        "DATABASE_CONN_MAX_AGE": "60",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Cache, sessions and limits per visitor shared by every gunicorn worker and server.
        "REDIS_URL": REDIS_URL,
        # Plain HTTP on the loopback, no TLS proxy in front.
        "SECURE_SSL_REDIRECT": "false",
        "BEHIND_TLS_PROXY": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "PRIVATE_STORAGE_ROOT": str(WORK / "private"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


ENVIRONMENT = server_environment()


def say(text):
    print(text, flush=True)


def manage(*arguments):
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=ENVIRONMENT, check=True)  # noqa: S603 - manage.py


# 1. The database


def recreate_database():
    import psycopg
    from psycopg import sql

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    if "load" not in name:
        sys.exit(f"Refusing to recreate the database {name!r}: its name must contain 'load'.")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare():
    started = time.perf_counter()
    say(f"Database {urlsplit(DATABASE_URL).path.lstrip('/')}: recreating and migrating…")
    recreate_database()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    say(f"Seeding the demo network at scale {SCALE}…")
    manage("seed_demo", "--scale", SCALE)
    if QUEUED:  # the demo's own emails and certificates, done before the load is measured
        manage("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    return time.perf_counter() - started


# 2. The servers


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command, log):
    return subprocess.Popen(  # noqa: S603 - our own programs, from the virtualenv
        command,
        cwd=ROOT,
        env=ENVIRONMENT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_serving(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}); see {WORK / 'gunicorn.log'}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/en/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer on port {port} within {seconds} s")


def stop(process, name):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        say(f"{name} did not stop within 30 s: killing it")
        process.kill()
        process.wait()


# 3. The load


def write_plan(path):
    """Officers for the simulated users (two tabs each), and the sessions they race for."""
    from courses.models import AssessmentPage, Enrolment, ModulePage, ModuleProgress, Session
    from home.demo.loader import DEMO_PASSWORD
    from home.demo.scale import scale_officers

    officers = []
    wanted = USERS if MODE == "capacity" else max(1, USERS // 2)
    for officer in scale_officers().order_by("email")[:wanted]:
        seat = Enrolment.objects.select_related("session__course").get(
            officer=officer, state=Enrolment.State.APPROVED
        )
        course = seat.session.course
        done = set(
            ModuleProgress.objects.filter(enrolment=seat, completed_at__isnull=False).values_list(
                "module", flat=True
            )
        )
        # Modules still to do first: those a step away from completing get there.
        modules = sorted(
            ModulePage.objects.child_of(course).live().order_by("path"),
            key=lambda module: module.pk in done,
        )
        check = AssessmentPage.objects.child_of(course).live().get()
        officers.append(
            {
                "email": officer.email,
                "course": course.url,
                "modules": [{"pk": module.pk, "url": module.url} for module in modules],
                "assessment": {"pk": check.pk, "url": check.url},
            }
        )
    used = Enrolment.objects.filter(officer__in=scale_officers()).values("session")
    sessions = sorted(
        (s for s in Session.objects.with_places_taken().filter(pk__in=used) if s.places_left),
        key=lambda s: (s.places_left, s.pk),
    )[:RACED_SESSIONS]
    plan = {"password": DEMO_PASSWORD, "officers": officers, "sessions": [s.pk for s in sessions]}
    path.write_text(json.dumps(plan, indent=1))
    return {s.pk: (s.capacity, s.places_left) for s in sessions}


def run_locust(port):
    environment = {
        **os.environ,
        "LOAD_PLAN": str(WORK / "plan.json"),
        "LOAD_SAVED_ANSWERS": str(WORK / "saved_answers.jsonl"),
        "LOAD_OUTCOMES": str(WORK / "outcomes.json"),
        "LOAD_CURVE": str(WORK / "curve.json"),
    }
    if MODE == "capacity":  # the shape of loadtest/capacity.py sets users and rate
        locustfile, users = "capacity.py", []
    else:
        locustfile, users = "locustfile.py", ["--users", str(USERS), "--spawn-rate", RATE]
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "loadtest" / locustfile),
        "--headless",
        *users,
        "--run-time",
        DURATION,
        # Users finish the journey step they are in: replies they wait for are counted.
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(WORK / "locust"),
        "--only-summary",
    ]
    if MODE == "capacity":
        say(f"Locust, capacity: up to {USERS} officers at {RATE}/s, at most {DURATION}…")
    else:
        say(f"Locust: {USERS} users (two tabs per officer), {RATE}/s, for {DURATION}…")
    with open(WORK / "locust.log", "w") as log:
        output = {"stdout": log, "stderr": subprocess.STDOUT}
        subprocess.run(command, cwd=ROOT, env=environment, **output)  # noqa: S603 - locust


def wait_for_background_work(seconds=60):
    """Certificates of officers who completed are issued by the worker: let it finish."""
    from django_tasks_db.models import DBTaskResult

    if not QUEUED:
        return 0
    deadline = time.monotonic() + seconds
    waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(1)
    return waiting.count()


# 4. The report


def endpoint_rows():
    with open(WORK / "locust_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    return [
        {
            "endpoint": "**total**" if row["Name"] == "Aggregated" else row["Name"],
            "requests": int(row["Request Count"]),
            "rps": float(row["Requests/s"]),
            "p50": row["50%"],
            "p95": row["95%"],
            "p99": row["99%"],
            "errors": int(row["Failure Count"]),
        }
        for row in rows
    ]


def failures():
    path = WORK / "locust_failures.csv"
    if not path.exists():
        return []
    with open(path, newline="") as rows:
        return [
            f"{r['Method']} {r['Name']}: {r['Error']} ×{r['Occurrences']}"
            for r in csv.DictReader(rows)
        ]


def records(races):
    """What the load changes in the records, counted before and after it."""
    from certificates.models import Certificate
    from courses.models import AssessmentAttempt, Enrolment, ModuleProgress

    raced = Enrolment.objects.filter(session__in=races)
    return {
        "attempts": AssessmentAttempt.objects.count(),
        "attempts submitted": AssessmentAttempt.objects.exclude(state="in_progress").count(),
        "modules done": ModuleProgress.objects.filter(completed_at__isnull=False).count(),
        "enrolments completed": Enrolment.objects.filter(state="completed").count(),
        "certificates issued": Certificate.objects.count(),
        "places given in the raced sessions": raced.holding_a_place().count(),
        "waitlisted in the raced sessions": raced.filter(state="waitlisted").count(),
    }


def records_figures(races, before):
    from home.demo.scale import scale_officers

    after = records(races)
    places = sum(capacity for capacity, _free in races.values())
    free = sum(free for _capacity, free in races.values())
    figures = {
        "officers of the large network": f"{scale_officers().count():,}",
        "raced sessions": f"{len(races)}, {places} places, {free} of them free before the run",
    }
    figures.update(
        {what: f"{before[what]:,} → {after[what]:,}" for what in after if what in before}
    )
    return figures


def report(rows, outcomes, figures, invariants, timings):
    lines = [
        "# Load test: latest run",
        "",
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, this machine: "
        f"{os.cpu_count()} cores (load average {timings['load']:.1f} before the run: other "
        f"work shares them), Python {platform.python_version()}, PostgreSQL, Redis, "
        f"{SERVERS} × gunicorn {WORKERS} sync workers"
        f"{' behind nginx' if SERVERS > 1 else ''} + {TASK_WORKERS} task workers, locust on "
        "the same machine.",
        "",
        f"Scale {SCALE} (`seed_demo --scale {SCALE}`, seeded in {timings['seed']:.0f} s "
        + (
            f"with migrations), up to {USERS} officers (one tab each, 20-40 s between clicks) "
            f"arriving at {RATE}/s, for at most {DURATION}."
            if MODE == "capacity"
            else f"with migrations), {USERS} users (two tabs per officer) started at "
            f"{RATE}/s, for {DURATION}."
        ),
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['endpoint']} | {row['requests']} | {row['rps']:.1f} | {row['p50']} "
            f"| {row['p95']} | {row['p99']} | {row['errors']} |"
        )
    lines += ["", "What the site answered (expected refusals are not errors):", ""]
    lines += [f"- {what}: {count}" for what, count in sorted(outcomes.items())]
    lines += ["", "Records, before → after the run:", ""]
    lines += [f"- {what}: {value}" for what, value in figures.items()]
    lines += ["", "| rule | holds | problems |", "|---|---|---|"]
    for invariant in invariants:
        shown = "; ".join(invariant.problems[:3])
        more = len(invariant.problems) - 3
        shown += f" (and {more} more)" if more > 0 else ""
        lines.append(
            f"| {invariant.rule} | {'yes' if invariant.holds else '**NO**'} | {shown or '–'} |"
        )
    errors = failures()
    if errors:
        lines += ["", "Errors:", ""] + [f"- {error}" for error in errors]
    return "\n".join(lines) + "\n"


def read_json(name, default):
    path = WORK / name
    return json.loads(path.read_text()) if path.exists() else default


def saved_answers():
    """Every answer a simulated tab was told was saved, or sent without a reply."""
    from loadtest.invariants import SavedAnswer

    path = WORK / "saved_answers.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [
        SavedAnswer(attempt, question, tuple(selected), sequence)
        for attempt, question, selected, sequence in map(json.loads, filter(None, lines))
    ]


NGINX = """daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-tmp/body;
    proxy_temp_path {work}/nginx-tmp/proxy;
    fastcgi_temp_path {work}/nginx-tmp/fastcgi;
    uwsgi_temp_path {work}/nginx-tmp/uwsgi;
    scgi_temp_path {work}/nginx-tmp/scgi;
    upstream academy {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://academy;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


def nginx_in_front(port, upstream):
    """Debian's nginx, as this user, balancing over the app servers (round robin)."""
    (WORK / "nginx-tmp").mkdir(exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{server};" for server in upstream)
    config = WORK / "nginx.conf"
    config.write_text(NGINX.format(work=WORK, servers=servers, port=port))
    nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
    return [nginx, "-p", str(WORK), "-c", str(config), "-e", str(WORK / "nginx-error.log")]


def gunicorn(port, number):
    return [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--access-logfile",
        str(WORK / f"access-{number}.log"),
        # gunicorn 27's control socket: one per instance (the default path is shared).
        *(["--control-socket", str(WORK / f"gunicorn-{number}.ctl")] if CONTROL_SOCKET else []),
    ]


def served_by_each():
    """Requests each app server answered, from its access log."""
    return {
        f"app server {number}": sum(1 for _line in open(WORK / f"access-{number}.log"))
        for number in range(1, SERVERS + 1)
        if (WORK / f"access-{number}.log").exists()
    }


def serve_and_load():
    """gunicorn (one or more, nginx in front of several) and the task workers up, the
    load, the workers' queue emptied; everything stopped."""
    port = PORT or free_port()
    ports = [free_port() for _server in range(SERVERS)] if SERVERS > 1 else [port]
    processes = []
    with open(WORK / "gunicorn.log", "w") as server_log, open(WORK / "worker.log", "w") as log:
        try:
            servers = [
                start(gunicorn(app_port, number), server_log)
                for number, app_port in enumerate(ports, 1)
            ]
            processes += [(server, "gunicorn") for server in servers]
            if SERVERS > 1:
                processes.append((start(nginx_in_front(port, ports), server_log), "nginx"))
            if QUEUED:
                for _worker in range(TASK_WORKERS):
                    command = [sys.executable, "manage.py", "db_worker", "--interval", "1"]
                    processes.append((start(command, log), "the task worker"))
            for server in servers:
                wait_until_serving(ports[servers.index(server)], server)
            wait_until_serving(port, servers[0])
            say(f"Serving on http://127.0.0.1:{port}/ ({SERVERS} × gunicorn, {WORKERS} workers)")
            run_locust(port)
            left = wait_for_background_work()
            if left:
                say(f"{left} background tasks still waiting after 60 s")
        finally:
            for process, name in processes:
                stop(process, name)
    say("Servers stopped. Checking the records…")


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    for previous in [
        *WORK.glob("locust*"),
        *WORK.glob("access-*.log"),
        WORK / "saved_answers.jsonl",
        WORK / "outcomes.json",
        WORK / "curve.json",
    ]:
        previous.unlink(missing_ok=True)
    timings = {"seed": prepare()}
    os.environ.update(ENVIRONMENT)
    django.setup()
    races = write_plan(WORK / "plan.json")
    before = records(races)
    timings["load"] = os.getloadavg()[0]
    serve_and_load()

    from loadtest.invariants import check_invariants

    told = saved_answers()
    invariants = check_invariants(told)
    rows = endpoint_rows() if (WORK / "locust_stats.csv").exists() else []
    outcomes = read_json("outcomes.json", {})
    outcomes["answers the site said it saved (all checked)"] = sum(
        answer.sequence is not None for answer in told
    )
    text = report(rows, outcomes, records_figures(races, before), invariants, timings)
    name = "capacity" if MODE == "capacity" else "latest"
    name += f"-{SERVERS}-servers" if SERVERS > 1 else ""
    results = RESULTS_DIR / f"{name}.md"
    if SERVERS > 1:
        served = served_by_each()
        text += "\nRequests answered by each app server (gunicorn access logs):\n\n"
        text += "".join(f"- {server}: {count:,}\n" for server, count in served.items())
    if MODE == "capacity":
        from loadtest import curve

        data = read_json("curve.json", {"rows": [], "knee": None})
        knee_ms = int(os.environ.get("LOAD_KNEE_MS", "1000"))
        text = (
            text.replace("# Load test: latest run", "# Load test: capacity", 1)
            + "\n## The curve\n\nEvery row: the last "
            + os.environ.get("LOAD_STEP", "30")
            + " s (spike requests apart in their own columns).\n\n"
            + curve.markdown(data, knee_ms)
            + f"\n![capacity curve]({name}.svg)\n"
        )
        title = f"Capacity, {SERVERS} app server(s), {os.cpu_count()} cores shared with locust"
        (RESULTS_DIR / f"{name}.svg").write_text(curve.svg(data, knee_ms, title))
    results.write_text(text)
    say("")
    say(text)
    say(f"Written to {results.relative_to(ROOT)}; logs in {WORK.relative_to(ROOT)}/")
    total = next((row for row in rows if row["endpoint"] == "**total**"), None)
    if total is None or total["requests"] == 0:
        sys.exit("The load test made no request.")
    if not all(invariant.holds for invariant in invariants):
        sys.exit("Some rules of the records are broken: see the table above.")


if __name__ == "__main__":
    main()
