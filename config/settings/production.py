"""Production: every secret and service from the environment; `check --deploy` is clean."""

import os

import django
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # No default: counting a proxy that is not there (or missing one that is) lets a
    # client's own X-Forwarded-For choose the address the sign-in limits count.
    if not os.environ.get("TRUSTED_PROXIES", "").strip().isdigit():
        raise ImproperlyConfigured(
            "Set TRUSTED_PROXIES to the number of proxies in front of the app servers that "
            "append to X-Forwarded-For (usually 1: the TLS proxy), or BEHIND_TLS_PROXY=false."
        )
    TRUSTED_PROXIES = int(os.environ["TRUSTED_PROXIES"])
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Wagtail's preview views allow their own same-origin framing explicitly.
X_FRAME_OPTIONS = "DENY"

# Every certificate is signed: an academy without a key cannot issue one.
CERTIFICATE_SIGNING = {
    **CERTIFICATE_SIGNING,  # noqa: F405
    "REQUIRED": env_bool("CERTIFICATE_SIGNING_REQUIRED", True),
}

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# Limits per visitor (certificate verification) count in the cache: it must be shared by
# every app server and outlive a restart, so a per-process memory cache is refused here.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
elif env_bool("DATABASE_CACHE"):
    # The table comes from `manage.py createcachetable`, run after `migrate`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "academy_cache",
        }
    }
else:
    raise ImproperlyConfigured(
        "Set REDIS_URL, or DATABASE_CACHE=true (then run `manage.py createcachetable`): "
        "limits per visitor need a cache shared by every app server."
    )

# Background work goes to the database queue, run by `manage.py db_worker` next to gunicorn
# (TASKS_IMMEDIATE=true runs it in the request instead, e.g. for a one-machine trial).
# On Django 6 the queue's worker expects Django's own tasks while Wagtail 8 (and this
# project, with it) defines them with the django-tasks backport: the work stays immediate.
if django.VERSION < (6,) and not env_bool("TASKS_IMMEDIATE"):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
