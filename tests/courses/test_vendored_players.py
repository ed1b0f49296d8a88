"""The players served as static files are the npm releases package.json pins."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "courses" / "static" / "courses" / "vendor"
FILES = {
    "scorm-again": ["dist/scorm12.min.js", "dist/scorm2004.min.js", "LICENSE"],
    "h5p-standalone": ["dist/main.bundle.js", "dist/frame.bundle.js", "LICENSE"],
}


def pinned():
    return json.loads((ROOT / "package.json").read_text())["dependencies"]


def test_the_players_are_pinned_to_exact_versions():
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pinned().values())
    assert set(pinned()) == set(FILES)


@pytest.mark.parametrize("package", sorted(FILES))
def test_the_vendored_files_are_those_of_the_pinned_release(package):
    installed = ROOT / "node_modules" / package
    if not installed.exists():
        pytest.skip("npm packages not installed (make test-e2e installs them)")
    assert json.loads((installed / "package.json").read_text())["version"] == pinned()[package]
    for name in FILES[package]:
        release = (installed / name).read_text()
        vendored = (VENDOR / package / Path(name).name).read_text()
        # The source map is not shipped: its comment is taken out.
        assert vendored == re.sub(r"//# sourceMappingURL=.*", "", release), name
