"""Where the time of the hottest page goes (``make bench``): a module page for an enrolled
officer, profiled over many requests by cProfile, and its SQL queries listed.

Writes ``benchmarks/results/profile.md``: the share of the request spent in the main
stages (cumulative time of the functions that mark them), the functions that cost most
on their own, and every query of one request. Run it on two commits to see what a change
did; the README's "Performance" section keeps the before and after. Figures, not tests.
Set ``PROFILE_TREE=1`` to also write pyinstrument's call tree (``profile-tree.txt``).
"""

import cProfile
import datetime
import os
import platform
import pstats

from harness import RESULTS, run_on_a_throwaway_database  # sets Django up: before its imports

# isort: split
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pages import PARAGRAPH, PARAGRAPHS, fetch, module_followed

RUNS = int(os.environ.get("PROFILE_RUNS", "200"))
# (stage, module path ending, function name): cumulative time of these functions.
STAGES = [
    ("whole request (test client)", "django/test/client.py", "request"),
    ("SQL: executing queries", "django/db/backends/utils.py", "_execute"),
    ("SQL: building queries (ORM compiler)", "django/db/models/sql/compiler.py", "as_sql"),
    ("model instances from rows", "django/db/models/base.py", "from_db"),
    ("routing the URL to the page", "wagtail/models/pages.py", "route_for_request"),
    ("view restrictions (Wagtail's check)", "pages.py", "get_view_restrictions"),
    ("view restrictions (routed)", "academy/routing.py", "get_view_restrictions"),
    ("page context (get_context)", "courses/models/pages.py", "get_context"),
    ("templates: rendering", "django/template/response.py", "render"),
    ("blocks of the body ({% include_block %})", "wagtailcore_tags.py", "render"),
    ("rich text expansion", "wagtail/rich_text/__init__.py", "expand_db_html"),
    ("session and user (middleware)", "django/contrib/auth/middleware.py", "get_user"),
    ("permissions of the user", "django/contrib/auth/models.py", "has_perm"),
]


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
    module = module_followed(lisbon.academy, officer, 50)
    information = publish(
        lisbon.academy, InformationPage(title="Travel", body=PARAGRAPH * PARAGRAPHS)
    ).url
    client = Client()
    client.force_login(officer)
    fetch(client, module)
    fetch(client, information)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, module)
    queries = [query["sql"][:160] for query in captured.captured_queries]

    profiler = cProfile.Profile()
    profiler.enable()
    for _run in range(RUNS):
        fetch(client, module)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if os.environ.get("PROFILE_TREE"):
        from pyinstrument import Profiler

        tree = Profiler(interval=0.0005)
        with tree:
            for _run in range(RUNS // 4):
                fetch(client, module)
        (RESULTS / "profile-tree.txt").write_text(tree.output_text(color=False))
    return {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}",
        "runs": RUNS,
        "stages": stage_times(stats),
        "top": top_functions(stats),
        "queries": queries,
    }


def stage_times(stats):
    """Cumulative ms per request of the functions marking each stage."""
    found = {}
    for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for stage, ending, function in STAGES:
            if name == function and path.endswith(ending):
                found[stage] = found.get(stage, 0) + cumulative
    return {stage: found.get(stage, 0) * 1000 / RUNS for stage, _e, _f in STAGES}


def top_functions(stats, count=15):
    """The functions that cost most on their own (self time), in ms per request."""
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:count]
    return [
        {
            "function": f"{path.split('site-packages/')[-1].split('/perf/')[-1]}:{line} {name}",
            "calls": calls // RUNS,
            "self_ms": own * 1000 / RUNS,
        }
        for (path, line, name), (_cc, calls, own, _cum, _callers) in rows
    ]


def markdown(results):
    whole = next(iter(results["stages"].values())) or 1
    lines = [
        f"# Profile of a module page ({results['date']}, {results['machine']}, "
        f"{results['runs']} requests under cProfile)",
        "",
        "A module page for an enrolled officer, course of 50 modules. cProfile slows Python",
        "code down (not the database), so shares matter more than milliseconds.",
        "",
        "| stage | ms per request | share |",
        "|---|---:|---:|",
    ]
    for stage, ms in results["stages"].items():
        lines.append(f"| {stage} | {ms:.2f} | {100 * ms / whole:.0f}% |")
    lines += ["", "| function (self time) | calls per request | ms per request |"]
    lines += ["|---|---:|---:|"]
    for row in results["top"]:
        lines.append(f"| `{row['function']}` | {row['calls']} | {row['self_ms']:.2f} |")
    lines += ["", f"The {len(results['queries'])} queries of one request:", ""]
    lines += [f"{n}. `{sql}`" for n, sql in enumerate(results["queries"], 1)]
    return "\n".join(lines) + "\n"


def main():
    run_on_a_throwaway_database("profile", run, markdown)


if __name__ == "__main__":
    main()
