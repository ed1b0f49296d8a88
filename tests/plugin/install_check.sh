#!/usr/bin/env bash
# The README's "Add the academy to your Wagtail site", step by step, on a site freshly
# made by `wagtail start` (default auth.User, a superuser, Wagtail's home page) in a
# temporary folder with a venv of its own: nothing of this project is on its path but
# the wheel it installs.
#   tests/plugin/install_check.sh            (PY=python3.x to use another interpreter;
#                                             KEEP=1 keeps the folder to look at)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${PY:-python3}"
BUILD_PYTHON="${BUILD_PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d "${TMPDIR:-/tmp}/academy-plugin-XXXXXX")"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "Keeping $work"; fi

step() { printf '\n--> %s\n' "$*"; }

step "The wheel of the plugin"
# setuptools reuses build/: a file left there from an earlier build would enter the wheel.
rm -rf "$repo/build"
"$BUILD_PYTHON" -m build --wheel --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
rm -rf "$repo/build"
wheel="$(ls "$work"/dist/*.whl)"
# Only the plugin's packages, never the network's site nor the project's tests.
packages="$("$BUILD_PYTHON" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
print(" ".join(sorted({name.split("/")[0] for name in names if "dist-info" not in name})))
PY
)"
echo "$(basename "$wheel"): $packages"
[ "$packages" = "academy certificates courses" ] || { echo "Unexpected packages"; exit 1; }

step "A Wagtail site as \`wagtail start\` makes it, with its superuser"
"$PY" -m venv "$work/venv"
site_python="$work/venv/bin/python"
quietly() { "$@" >"$work/step.log" 2>&1 || { grep -v "is ignored" "$work/step.log"; return 1; }; }
quietly "$site_python" -m pip install --upgrade pip
quietly "$site_python" -m pip install "wagtail>=8.0,<8.1"
cd "$work"
"$work/venv/bin/wagtail" start citysite >/dev/null
cd citysite
export DJANGO_SETTINGS_MODULE=citysite.settings.dev
"$site_python" manage.py migrate --noinput >/dev/null
DJANGO_SUPERUSER_PASSWORD=install-check-only "$site_python" manage.py createsuperuser \
    --noinput --username admin --email admin@citysite.example

step "1. Install the wheel"
quietly "$site_python" -m pip install "$wheel"

step "2. Add the apps, the settings the system checks ask for, and the include()"
cat >>citysite/settings/base.py <<'PY'

# The EU-POLNET Academy (README: "Add the academy to your Wagtail site").
INSTALLED_APPS = ["certificates", "courses", "academy", *INSTALLED_APPS]
MIDDLEWARE += ["academy.admin_overrides.AdminOverridesMiddleware"]
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BASE_DIR / "private"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The academies' private signing keys: a folder of their own, never published.
CERTIFICATE_KEY_DIR = BASE_DIR / "issuer-keys"
PY
"$site_python" - <<'PY'
from pathlib import Path

urls = Path("citysite/urls.py")
wagtail = 'path("", include(wagtail_urls)),'
text = urls.read_text()
assert wagtail in text
urls.write_text(
    text.replace(
        wagtail,
        'path("", include("certificates.trust_urls")),\n    '
        'path("", include("academy.urls")),\n    ' + wagtail,
        1,
    )
)
PY
"$site_python" manage.py check --fail-level WARNING

step "3. Migrate"
"$site_python" manage.py migrate --noinput >/dev/null
"$site_python" manage.py makemigrations --check --dry-run

step "4. Onboard a city"
"$site_python" manage.py onboard_city --city Ghent --country BE --code GNT \
    --academy-name "Ghent City Police"

step "5-6. Publish a course; an officer enrols, completes it, gets and verifies a certificate"
PYTHONPATH="$work/citysite" "$site_python" "$repo/tests/plugin/journey.py"
