"""The interface is kept complete in every language of the network."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])


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


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_every_interface_string_is_translated(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    entries = po_entries(po)
    messages = [entry for entry in entries if entry["msgid"]]

    assert messages, f"{po} holds no messages"
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{language}: untranslated {untranslated}"
    assert fuzzy == [], f"{language}: fuzzy {fuzzy}"


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_compiled_catalogue_matches_the_po_file(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
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
