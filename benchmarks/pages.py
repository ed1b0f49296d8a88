"""Pages as officers and coordinators get them, measured side by side in one run (``make bench``).

1. A module page for an officer enrolled in a session of the course: SQL queries in a
   course of 5 and of 50 modules (the same, by design), and median latency against an
   information page with the same text (a plain Wagtail page: rich text, no learning).
   Measured twice: with the page cache as in production (the course's outline, the
   officer's enrolment and the module's rendered body come from it; Redis when it answers
   on ``BENCH_REDIS_URL``, as in production, else the local-memory cache), and with it off.
2. A session's progress report for its coordinator, with 50 and with 500 officers:
   queries (the same, by design) and median latency of each.

Every page is served by the Django test client in this one process, signed in, the pages
of a figure taking turns run after run so that a busy moment of a shared machine falls on
all of them. Runs on a throwaway SQLite database; writes ``benchmarks/results/pages.{json,md}``.
Figures, not assertions: the test suite checks the query counts, never the times.
"""

import datetime
import os
import platform
import statistics
import time
from decimal import Decimal

from harness import run_on_a_throwaway_database  # sets Django up: before its imports

# isort: split
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

RUNS = int(os.environ.get("BENCH_RUNS", "25"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
COURSE_SIZES = (5, 50)
SESSION_SIZES = (50, 500)
REPORT_MODULES = 10
PARAGRAPHS = 12
PARAGRAPH = (
    "<p>Community policing starts with <b>knowing the neighbourhood</b>: who lives there, "
    "what worries them and who they already trust. Walk the area at different hours, meet "
    "the shopkeepers, the caretakers and the people who run the youth club, and write down "
    "what each of them sees that a patrol car never will. Agree with residents on one "
    "problem to work on together, say what the police will do and by when, and come back "
    "to tell them what happened.</p>"
)


def medians_ms(client, urls, runs=RUNS):
    """Median ms of each page; they take turns in every run, after one warm-up each."""
    for url in urls.values():
        fetch(client, url)  # warm up: templates, the site's root paths, a module's progress row
    timings = {name: [] for name in urls}
    for _run in range(runs):
        for name, url in urls.items():
            started = time.perf_counter()
            fetch(client, url)
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response


def queries(client, url):
    """SQL queries of one request, after a first one has warmed the caches."""
    fetch(client, url)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return len(captured.captured_queries)


def main():
    run_on_a_throwaway_database("pages", run, markdown)


def run():
    from django.test import Client

    from academy.models import InformationPage
    from academy.services import onboard_city
    from tests.courses.builders import publish
    from tests.factories import UserFactory

    lisbon = onboard_city(
        city="Lisbon", country="PT", code="LIS", academy_name="Lisbon Municipal Police"
    )
    officer = UserFactory()
    coordinator = UserFactory(groups=[lisbon.coordinator_group], force=lisbon.academy.force)
    information = publish(
        lisbon.academy,
        InformationPage(title="Travel and accommodation", body=PARAGRAPH * PARAGRAPHS),
    )

    client = Client()
    client.force_login(officer)
    pages = {
        f"module page, course of {size} modules": module_followed(lisbon.academy, officer, size)
        for size in COURSE_SIZES
    }
    pages[BARE] = information.url
    cache_name, caches = production_cache()
    with override_settings(CACHES=caches, ACADEMY_PAGE_CACHE_SECONDS=300):
        cache.clear()  # nothing of an earlier run's database (same page ids)
        client.force_login(officer)
        cached = module_figures(client, pages)
    with override_settings(ACADEMY_PAGE_CACHE_SECONDS=0):
        client.force_login(officer)
        uncached = module_figures(client, pages)

    client.force_login(coordinator)
    reports = {
        f"{size} officers": session_report(lisbon, coordinator, size) for size in SESSION_SIZES
    }
    report_queries = {name: queries(client, url) for name, url in reports.items()}
    report_ms = medians_ms(client, reports)
    small, large = (f"{size} officers" for size in SESSION_SIZES)
    return {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "runs": RUNS,
        "module_page": {
            "course_sizes": list(COURSE_SIZES),
            "paragraphs": PARAGRAPHS,
            "cache": cache_name,
            "cached": cached,
            "uncached": uncached,
        },
        "progress_report": {
            "modules": REPORT_MODULES,
            "queries": report_queries,
            "queries_equal": len(set(report_queries.values())) == 1,
            "median_ms": report_ms,
            "ratio_large_to_small": report_ms[large] / report_ms[small],
        },
    }


BARE = "information page (bare Wagtail page)"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def production_cache():
    """Redis, as in production, when it answers; the local-memory cache otherwise."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return "local memory", {"default": {"BACKEND": LOCMEM, "LOCATION": "bench-pages"}}
    backend = "django.core.cache.backends.redis.RedisCache"
    return "Redis", {"default": {"BACKEND": backend, "LOCATION": REDIS_URL}}


def module_figures(client, pages):
    """Queries, bytes and median ms of each page, and its ratio to the bare page."""
    page_queries = {name: queries(client, url) for name, url in pages.items()}
    module_queries = [count for name, count in page_queries.items() if name != BARE]
    page_bytes = {name: len(fetch(client, url).content) for name, url in pages.items()}
    page_ms = medians_ms(client, pages)
    return {
        "queries": page_queries,
        "queries_equal": len(set(module_queries)) == 1,
        "bytes": page_bytes,
        "median_ms": page_ms,
        "ratio_to_bare": {name: ms / page_ms[BARE] for name, ms in page_ms.items()},
    }


def module_followed(academy, officer, size):
    """A course of ``size`` modules, the officer enrolled and done with its first half; the
    address of the module they are in, whose body has the text of the information page."""
    from courses.models import ModulePage, ModuleProgress
    from courses.services import enrol
    from tests.academy.sessions import make_session
    from tests.courses.builders import build_course

    course = build_course(academy, title=f"Community policing in {size} steps", modules=size)
    enrolment = enrol(officer, make_session(academy, course=course, title=f"Run of {size}"))
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    current = modules[len(modules) // 2]
    current.body = [("paragraph", PARAGRAPH)] * PARAGRAPHS
    current.save_revision().publish()
    ModuleProgress.objects.bulk_create(
        ModuleProgress(
            enrolment=enrolment, module=module, completed_at=timezone.now(), seconds_spent=900
        )
        for module in modules[: len(modules) // 2]
    )
    return current.url


def session_report(onboarding, coordinator, size):
    """A course session with ``size`` officers well into it: modules done and started,
    a graded assessment for half of them, attendance marked. The report's address."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from courses.models import (
        AssessmentAttempt,
        AssessmentPage,
        Attendance,
        Enrolment,
        ModulePage,
        ModuleProgress,
    )
    from tests.academy.sessions import make_session
    from tests.courses.builders import build_course
    from tests.factories import ForceFactory, UserFactory

    academy = onboarding.academy
    course = build_course(academy, title=f"Course for {size}", modules=REPORT_MODULES)
    session = make_session(academy, course=course, capacity=size, title=f"{size} officers")
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    assessment = AssessmentPage.objects.child_of(course).get()
    forces = ForceFactory.create_batch(5)
    officers = get_user_model().objects.bulk_create(
        UserFactory.build(force=forces[number % len(forces)]) for number in range(size)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(officer=officer, session=session, state=Enrolment.State.APPROVED)
        for officer in officers
    )
    now = timezone.now()
    progress, attempts, attendance = [], [], []
    for number, enrolment in enumerate(enrolments):
        done = number % (len(modules) + 1)
        for position, module in enumerate(modules[: done + 1]):
            finished = now if position < done else None
            progress.append(
                ModuleProgress(
                    enrolment=enrolment, module=module, completed_at=finished, seconds_spent=600
                )
            )
        if number % 2:
            attempts.append(
                AssessmentAttempt(
                    assessment=assessment,
                    enrolment=enrolment,
                    officer=enrolment.officer,
                    number=1,
                    state=AssessmentAttempt.State.GRADED,
                    questions=[],
                    score=Decimal(number % 5),
                    max_score=Decimal(4),
                    pass_mark=assessment.pass_mark,
                    submitted_at=now,
                    graded_at=now,
                )
            )
        attendance.append(
            Attendance(
                enrolment=enrolment,
                day=session.starts_on,
                present=bool(number % 3),
                marked_by=coordinator,
            )
        )
    ModuleProgress.objects.bulk_create(progress)
    AssessmentAttempt.objects.bulk_create(attempts)
    Attendance.objects.bulk_create(attendance)
    return reverse("home_session_progress", args=[session.pk])


def markdown(results):
    module = results["module_page"]
    report = results["progress_report"]
    small, large = report["median_ms"]
    lines = [
        f"# Page benchmark ({results['date']}, {results['machine']}, "
        f"median of {results['runs']} runs)",
        "",
        f"A module page for an enrolled officer, {module['paragraphs']} paragraphs of text, "
        "against an information page with the same text.",
    ]
    for title, figures in (
        (
            f"With the page cache, as in production ({module['cache']}): the course's "
            "outline, the officer's enrolment and the module's rendered body come from it",
            module["cached"],
        ),
        ("With the page cache off", module["uncached"]),
    ):
        lines += [
            "",
            f"{title}:",
            "",
            "| page | queries | bytes | median ms | × bare page |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, ms in figures["median_ms"].items():
            lines.append(
                f"| {name} | {figures['queries'][name]} | {figures['bytes'][name]} | "
                f"{ms:.1f} | {figures['ratio_to_bare'][name]:.2f} |"
            )
        sizes = " and of ".join(str(size) for size in module["course_sizes"])
        counts = " and ".join(
            str(count) for name, count in figures["queries"].items() if name != BARE
        )
        lines += [
            "",
            f"Queries of the module page in a course of {sizes} modules: {counts}, "
            + ("equal." if figures["queries_equal"] else "NOT equal."),
        ]
    lines += [
        "",
        f"The progress report of a course session ({report['modules']} modules and an "
        "assessment), for its coordinator:",
        "",
        "| officers | queries | median ms |",
        "|---|---:|---:|",
    ]
    for name, ms in report["median_ms"].items():
        lines.append(f"| {name} | {report['queries'][name]} | {ms:.1f} |")
    lines += [
        "",
        f"Queries at {small} and at {large}: "
        + " and ".join(str(count) for count in report["queries"].values())
        + (", equal." if report["queries_equal"] else ", NOT equal.")
        + f" Latency {large} / {small}: {report['ratio_large_to_small']:.1f}×.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
