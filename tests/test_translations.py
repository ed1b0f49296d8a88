"""The interface is kept complete in every language of the network."""

import ast
import gettext
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

# Each plugin app ships its own catalogue; the site's strings are in LOCALE_PATHS.
PLUGIN_APPS = ["academy", "courses", "certificates"]
CATALOGUES = {
    "site": Path(settings.LOCALE_PATHS[0]),
    **{app: Path(apps.get_app_config(app).path) / "locale" for app in PLUGIN_APPS},
}
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]
EVERY_CATALOGUE = [
    pytest.param(CATALOGUES[name], language, id=f"{name}-{language}")
    for name in CATALOGUES
    for language in LANGUAGES
]


def unquote(text):
    return ast.literal_eval(f'"{text}"')


def po_entries(path):
    """(msgid, [msgstr...], flags) for each entry of a .po file."""
    entries, current, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"msgid": "", "msgstr": [], "flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            field, current["msgid"] = "msgid", line[7:-1]
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgstr"):
            field = "msgstr"
            current["msgstr"].append(line.split(" ", 1)[1][1:-1])
        elif line.startswith('"'):
            if field == "msgid":
                current["msgid"] += line[1:-1]
            elif field == "msgstr":
                current["msgstr"][-1] += line[1:-1]
    return entries


@pytest.mark.parametrize(("catalogue", "language"), EVERY_CATALOGUE)
def test_every_interface_string_is_translated(catalogue, language):
    po = catalogue / language / "LC_MESSAGES" / "django.po"
    entries = po_entries(po)
    messages = [entry for entry in entries if entry["msgid"]]

    assert messages, f"{po} holds no messages"
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{language}: untranslated {untranslated}"
    assert fuzzy == [], f"{language}: fuzzy {fuzzy}"


@pytest.mark.parametrize(("catalogue", "language"), EVERY_CATALOGUE)
def test_compiled_catalogue_matches_the_po_file(catalogue, language):
    po = catalogue / language / "LC_MESSAGES" / "django.po"
    with po.with_suffix(".mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog

    stale = []
    for entry in po_entries(po):
        if not entry["msgid"] or len(entry["msgstr"]) != 1:
            continue
        msgid, msgstr = unquote(entry["msgid"]), unquote(entry["msgstr"][0])
        if catalog.get(msgid) != msgstr:
            stale.append(msgid)
    assert stale == [], f"{language}: .mo is stale for {stale}; run `make messages`"


def test_the_site_catalogue_holds_none_of_the_plugins_strings():
    """A string of a plugin app is translated by that app, so that any site gets it."""
    site = {e["msgid"] for e in po_entries(CATALOGUES["site"] / "fr" / "LC_MESSAGES" / "django.po")}

    assert "You have completed this course. Well done!" not in site
    assert "Skip to content" in site


def test_a_site_without_the_networks_catalogue_still_reads_the_plugin_in_its_language(settings):
    settings.LOCALE_PATHS = []

    with translation.override("fr"):
        assert translation.gettext("You have completed this course. Well done!") == (
            "Vous avez terminé ce cours. Bravo !"
        )


@pytest.mark.parametrize("app", PLUGIN_APPS)
def test_the_catalogue_holds_every_string_the_code_marks(app, tmp_path):
    """A string marked for translation but missing from the catalogue is shown in English to
    everyone: the catalogue is extracted again from the code (as ``make messages`` does) and
    must hold nothing new."""
    import shutil
    import subprocess
    import sys

    source = Path(apps.get_app_config(app).path)
    copy = tmp_path / app
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()  # where makemessages writes, and without which it refuses
    subprocess.run(  # noqa: S603 - this Python, on a copy of our own code
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "makemessages",
            "-l",
            "fr",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    marked = {e["msgid"] for e in po_entries(copy / "locale/fr/LC_MESSAGES/django.po")}
    catalogue = {e["msgid"] for e in po_entries(CATALOGUES[app] / "fr/LC_MESSAGES/django.po")}

    assert sorted(marked - catalogue) == [], (
        f"run `make messages` and translate {app}'s new strings"
    )
