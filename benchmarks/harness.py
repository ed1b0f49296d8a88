"""What the scripts of ``make bench`` share: Django set up with the test settings, a
throwaway database for the run, and the results written to ``benchmarks/results/`` and
printed. Import it first: it sets Django up."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def run_on_a_throwaway_database(name, run, markdown):
    """``run()`` on a fresh database dropped afterwards; its results (a dict) written to
    ``benchmarks/results/<name>.json`` and, as ``markdown(results)``, to ``<name>.md``."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        results = run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(results))
    print(markdown(results))
