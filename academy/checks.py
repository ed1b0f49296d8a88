"""What the academy needs from the site's settings, said by Django's system checks
(``manage.py check``, run before ``migrate`` and ``runserver``), each with what to add.

Registered by ``AcademyConfig.ready``. The README lists every setting the plugin reads.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages
from django.utils.module_loading import import_string

# The plugin's apps, each needing the ones after it.
PLUGIN_APPS = ["certificates", "courses", "academy"]

# Apps whose models, views or templates the plugin uses.
REQUIRED_APPS = [
    "wagtail",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.sites",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.snippets",
    "wagtail.search",
    "wagtail.embeds",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# Middleware the public pages rely on: signed-in officers, their forms, the notices.
REQUIRED_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

# The alias in settings.STORAGES for certificate PDFs and signature images.
PRIVATE_STORAGE = "private"


def _installed_app_names(installed_apps=None):
    """The names of INSTALLED_APPS in order, an AppConfig path read as the app it configures
    (read from the setting, so that a check says what the setting holds)."""
    names = []
    for entry in settings.INSTALLED_APPS if installed_apps is None else installed_apps:
        try:
            names.append(AppConfig.create(entry).name)
        except Exception:  # noqa: BLE001 - Django itself reports an app it cannot load
            names.append(entry)
    return names


def _middleware_classes():
    classes = []
    for dotted in settings.MIDDLEWARE:
        try:
            classes.append(import_string(dotted))
        except ImportError:
            continue
    return classes


def _has_middleware(dotted):
    """Whether the middleware, or a subclass of it, is installed."""
    wanted = import_string(dotted)
    return any(isinstance(cls, type) and issubclass(cls, wanted) for cls in _middleware_classes())


@checks.register()
def check_installed_apps(app_configs, **kwargs):
    return installed_apps_messages(settings.INSTALLED_APPS)


def installed_apps_messages(installed_apps):
    """The apps the plugin builds on are installed, each plugin app with the ones it needs,
    and before Wagtail's and Django's own (its templates and translations come first)."""
    errors = []
    names = _installed_app_names(installed_apps)
    missing = [name for name in REQUIRED_APPS if name not in names]
    if missing:
        errors.append(
            checks.Error(
                "The academy needs these apps, which INSTALLED_APPS lacks: "
                + ", ".join(missing)
                + ".",
                hint="Add them to INSTALLED_APPS (a `wagtail start` site has all of them).",
                id="academy.E001",
            )
        )
    installed = [name for name in PLUGIN_APPS if name in names]
    for upper, lower in zip(PLUGIN_APPS, PLUGIN_APPS[1:], strict=False):
        if upper in installed and lower not in installed:
            errors.append(
                checks.Error(
                    f'The app "{upper}" needs "{lower}", which INSTALLED_APPS lacks.',
                    hint=f'Add "{lower}" to INSTALLED_APPS, next to "{upper}".',
                    id="academy.E002",
                )
            )
    later = [
        name
        for name in ("wagtail.admin", "django.contrib.admin", "django.contrib.auth")
        if name in names and any(names.index(name) < names.index(app) for app in installed)
    ]
    if later:
        errors.append(
            checks.Warning(
                "The academy's apps come after " + ", ".join(later) + " in INSTALLED_APPS: "
                "their sign-in pages and translations would be hidden by those apps' own.",
                hint='Put "certificates", "courses", "academy" at the top of INSTALLED_APPS.',
                id="academy.W001",
            )
        )
    return errors


@checks.register()
def check_middleware(app_configs, **kwargs):
    """Sessions, CSRF, authentication and messages, and a LocaleMiddleware on a
    multilingual site (the language of each page comes from its URL)."""
    errors = []
    missing = [dotted for dotted in REQUIRED_MIDDLEWARE if not _has_middleware(dotted)]
    if missing:
        errors.append(
            checks.Error(
                "The academy's pages need this middleware, which MIDDLEWARE lacks: "
                + ", ".join(missing)
                + ".",
                hint="Add it to MIDDLEWARE (a `wagtail start` site has all of it).",
                id="academy.E003",
            )
        )
    multilingual = settings.USE_I18N and getattr(settings, "WAGTAIL_I18N_ENABLED", False)
    if multilingual and not _has_middleware("django.middleware.locale.LocaleMiddleware"):
        errors.append(
            checks.Warning(
                "WAGTAIL_I18N_ENABLED is on but MIDDLEWARE has no LocaleMiddleware: every "
                "visitor reads the academy in LANGUAGE_CODE.",
                hint='Add "academy.middleware.LocaleMiddleware" (Django\'s, without its 404 '
                "redirects of the admin) after SessionMiddleware, and mount the URLs in "
                "i18n_patterns.",
                id="academy.W002",
            )
        )
    return errors


@checks.register()
def check_tasks_backend(app_configs, **kwargs):
    """Certificates and e-mails are sent as background tasks (Django's tasks API)."""
    if getattr(settings, "TASKS", None):
        return []
    return [
        checks.Warning(
            "TASKS is not set: certificates and e-mails are made during the request that "
            "asks for them.",
            hint="Set TASKS explicitly: {'default': {'BACKEND': "
            "'django_tasks.backends.immediate.ImmediateBackend'}} to keep that, or a "
            "database-backed backend (django-tasks-db) with a worker in production.",
            id="academy.W003",
        )
    ]


@checks.register()
def check_base_url(app_configs, **kwargs):
    """The public address goes into e-mails and certificates' QR codes."""
    url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return []
    return [
        checks.Error(
            "WAGTAILADMIN_BASE_URL is not the site's public address "
            f"({url!r}): links in e-mails and the QR codes on certificates need it.",
            hint='Set WAGTAILADMIN_BASE_URL = "https://academy.example.org" (no trailing path).',
            id="academy.E004",
        )
    ]


def _inside(path, folder):
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def check_private_storage(app_configs, **kwargs):
    return private_storage_messages(settings.INSTALLED_APPS)


def private_storage_messages(installed_apps):
    """Certificates' private storage exists and is not a folder the web server publishes."""
    if "certificates" not in _installed_app_names(installed_apps):
        return []
    if PRIVATE_STORAGE not in settings.STORAGES:
        return [
            checks.Error(
                'STORAGES has no "private" storage for certificate PDFs and signature images.',
                hint='Add STORAGES["private"]: a folder outside MEDIA_ROOT or a private bucket, '
                'e.g. {"BACKEND": "django.core.files.storage.FileSystemStorage", '
                '"OPTIONS": {"location": BASE_DIR / "private"}}.',
                id="certificates.E001",
            )
        ]
    storage = storages[PRIVATE_STORAGE]
    if isinstance(storage, FileSystemStorage):
        published = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
        if any(folder and _inside(storage.location, folder) for folder in published):
            return [
                checks.Error(
                    "The private storage is inside MEDIA_ROOT or STATIC_ROOT, which are served "
                    "to anyone.",
                    hint='Give STORAGES["private"] a folder of its own, outside both.',
                    id="certificates.E002",
                )
            ]
    return []


@checks.register(checks.Tags.security)
def check_signing_keys(app_configs, **kwargs):
    """The academies' signing keys are not in a folder the web server publishes."""
    if "certificates" not in _installed_app_names(settings.INSTALLED_APPS):
        return []
    key_dir = (getattr(settings, "CERTIFICATE_SIGNING", None) or {}).get("KEY_DIR")
    published = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
    if key_dir and any(folder and _inside(key_dir, folder) for folder in published):
        return [
            checks.Error(
                "CERTIFICATE_SIGNING['KEY_DIR'], where the academies' signing keys are, is "
                "inside MEDIA_ROOT or STATIC_ROOT, which are served to anyone.",
                hint="Give the keys a folder of their own, outside both and outside git.",
                id="certificates.E003",
            )
        ]
    return []
