"""Production settings: `check --deploy` is clean and secrets are required."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "TRUSTED_PROXIES",
            "REDIS_URL",
            "DATABASE_CACHE",
        }
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production")
    environment.update({"DATABASE_CACHE": "true", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_check(
        SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-check",
        ALLOWED_HOSTS="academy.example",
        TRUSTED_PROXIES="1",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_behind_the_proxy_refuses_to_start_without_a_proxy_count():
    result = run_check(
        SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-check",
        ALLOWED_HOSTS="academy.example",
    )

    assert result.returncode != 0
    assert "Set TRUSTED_PROXIES" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(ALLOWED_HOSTS="academy.example")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    result = run_check(
        SECRET_KEY="z" * 20 + "-production-like-secret-key-for-the-check",
        ALLOWED_HOSTS="academy.example",
        TRUSTED_PROXIES="1",
        DATABASE_CACHE="",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set REDIS_URL, or DATABASE_CACHE=true" in result.stderr


def test_production_takes_redis_as_its_shared_cache():
    result = run_check(
        SECRET_KEY="r" * 20 + "-production-like-secret-key-for-the-check",
        ALLOWED_HOSTS="academy.example",
        TRUSTED_PROXIES="1",
        DATABASE_CACHE="",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION_PROBE = """
import django
django.setup()
from django.core.management import call_command
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
# Static files are not collected for the probe: plain storage instead of the manifest.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(HTTP_HOST="academy.example")
login = client.get("/en/accounts/login/", secure=True)
missing = client.get("/en/no-such-page/", secure=True)
insecure = client.get("/en/accounts/login/")
print(login.status_code, missing.status_code, insecure.status_code, insecure["Location"])
print(login.cookies["csrftoken"]["secure"], login["Strict-Transport-Security"])
print(login["Content-Security-Policy"])
print("Traceback" in missing.content.decode(), "DEBUG = True" in missing.content.decode())
from django.core.cache import caches
caches["default"].set("probe", 1)
print(type(caches["default"]).__name__, caches["default"].get("probe"))
"""


def test_production_answers_securely(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "TRUSTED_PROXIES",
            "REDIS_URL",
        }
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_CACHE="true",
        SECRET_KEY="y" * 20 + "-production-like-secret-key-for-the-probe",
        ALLOWED_HOSTS="academy.example",
        TRUSTED_PROXIES="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_STORAGE_ROOT=str(tmp_path / "private"),
    )
    result = subprocess.run(  # noqa: S603 (our own probe script, no outside input)
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    statuses, cookies, policy, debug, shared_cache = result.stdout.strip().splitlines()

    assert statuses == "200 404 301 https://academy.example/en/accounts/login/"
    assert cookies.startswith("True max-age=31536000")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert debug == "False False"
    assert shared_cache == "DatabaseCache 1"


def test_the_demo_on_another_port_links_to_that_port():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    plan = subprocess.run(
        ["make", "-n", "demo", "PORT=8080"],  # noqa: S607 - make from the PATH, dry run
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()

    seeding = next(line for line in plan if "seed_demo" in line)
    serving = next(line for line in plan if "runserver" in line)
    assert "WAGTAILADMIN_BASE_URL=http://127.0.0.1:8080 " in seeding
    assert "WAGTAILADMIN_BASE_URL=http://127.0.0.1:8080 " in serving
    assert serving.endswith("runserver 127.0.0.1:8080")


def test_the_public_address_in_links_comes_from_the_environment():
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1:8080",
    )
    result = subprocess.run(  # noqa: S603 (our own probe script, no outside input)
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from certificates.services import verification_url;"
            " print(verification_url('CODE'))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip() == "http://127.0.0.1:8080/certificates/verify/CODE/", result.stderr
