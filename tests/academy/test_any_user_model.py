"""The plugin works with any user model (``AUTH_USER_MODEL`` cannot be overridden in a test,
so this reads the plugin's code): it names the user model only through the settings and
``get_user_model()``, never the network's site, and never a field only the site's model has.
What the academy keeps of a person is its own profile."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PLUGIN = ["academy", "courses", "certificates"]

# Fields and names of the network's own user model (home.User) and of its sign-in by address.
SITE_ONLY = [
    (re.compile(r"\bacademy\.User\b|[\"']academy\.user[\"']", re.I), "the old academy.User"),
    (re.compile(r"^\s*(from|import)\s+(home|config)\b", re.M), "an import of the site"),
    (re.compile(r"[\"']home\.[Uu]ser[\"']"), "the site's user model"),
    (re.compile(r"\bawaiting_confirmation\b"), "the site's sign-up state"),
    (re.compile(r"\b(user|officer)\.(email|username)\b"), "one user model's address field"),
    (re.compile(r"\bemail__iexact\b|\bfilter\(email="), "the address as a field name"),
    (
        re.compile(r"\b(user|officer)\.(full_name|force|participant_type|preferred_language)\b"),
        "a profile field read from the user",
    ),
    (re.compile(r"\b(user|officer)\.reminders\b"), "a profile field read from the user"),
    (re.compile(r"officer__(force|full_name|preferred_language)"), "a profile field as a lookup"),
]


def plugin_files():
    for package in PLUGIN:
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
                yield path


def test_the_plugin_is_read_whole():
    files = list(plugin_files())

    assert len(files) > 100
    assert ROOT / "academy" / "models.py" in files


@pytest.mark.parametrize(("pattern", "what"), SITE_ONLY, ids=[what for _p, what in SITE_ONLY])
def test_the_plugin_assumes_nothing_of_the_sites_user_model(pattern, what):
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {match.group(0)}"
        for path in plugin_files()
        for text in [path.read_text(encoding="utf-8")]
        for match in pattern.finditer(text)
    ]

    assert found == [], f"{what} in the plugin"


def test_the_scan_finds_what_it_looks_for():
    """The patterns above match the code they must refuse (a scan that finds nothing proves
    nothing if it cannot find anything)."""
    samples = [
        'officer = models.ForeignKey("academy.User")',
        "from home.models import User",
        "user.awaiting_confirmation = True",
        "to=[officer.email]",
        "User.objects.filter(email__iexact=address)",
        "name = enrolment.officer.full_name",
        "if not officer.reminders:",
        'order_by("officer__force__name")',
    ]

    for sample in samples:
        assert any(pattern.search(sample) for pattern, _what in SITE_ONLY), sample


def test_the_plugin_refers_to_the_user_model_through_the_settings():
    models = (ROOT / "courses" / "models" / "records.py").read_text(encoding="utf-8")

    assert "settings.AUTH_USER_MODEL" in models
    assert settings.AUTH_USER_MODEL == "home.User"
