"""Settings shared by every environment; secrets and services come from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from academy.mail import SMTP, mail_settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "certificates",
    "courses",
    "academy",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's user admin, with the site's e-mail forms and the academy profile's fields.
    "home.apps.SiteUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "csp",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "academy.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The academy answers a few of Wagtail's admin views in its place (academy.admin_overrides).
    "academy.admin_overrides.AdminOverridesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Public pages for visitors not signed in, from the cache (academy.page_cache).
    "academy.page_cache.AnonymousPageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our own page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in lockout (django-axes, attempts kept in the database so every app server sees
# them): five wrong passwords for one account from one address lock that pair for
# 15 minutes; the public and the admin sign-in pages both go through it.
# Axes' backend refuses a locked-out pair and otherwise passes (it is first, so sessions
# started without naming a backend load users through it); Django's checks the password.
# Axes' backend, with permissions read in one query (home/backends.py).
AUTHENTICATION_BACKENDS = [
    "home.backends.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Django's and Wagtail's sign-in forms both post the address as "username".
AXES_USERNAME_FORM_FIELD = "username"
# Counted as the address is stored (trimmed, lower case): re-spelling it gets no new tries.
AXES_USERNAME_CALLABLE = "home.account_views.sign_in_username"
AXES_LOCKOUT_CALLABLE = "home.account_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "academy.visitors.client_address"
# Proxies in front of the app servers that append the visitor's address to
# X-Forwarded-For (production: the TLS proxy, set explicitly there); limits per address
# read it from there. Trusting a proxy that is not there lets clients pick their address.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
AXES_VERBOSE = False

# Content-Security-Policy of the public site (django-csp): no inline script or style, no
# plugins, forms post only here. Videos are frames of the trainer's chosen provider
# (cross-origin, so they cannot script our pages). The Wagtail admin is left out: its
# editor still relies on inline scripts and styles.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("CSP_IMG_SRC")],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

ROOT_URLCONF = "config.urls"
# The network's academies sit under its home page (the academy plugin reads this).
ACADEMY_PARENT_PAGE_TYPES = ["home.HomePage"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the embedded default; production and CI set DATABASE_URL (PostgreSQL).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a web server's database (`make demo`, threads writing at once): readers
    # never wait for the writer (WAL), a writer waits its turn for up to 20 s instead of
    # failing at once, and a transaction takes the write lock when it begins, since one
    # that read first and then asks to write cannot wait: it fails "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The network signs in by e-mail address (the plugin works with any user model).
AUTH_USER_MODEL = "home.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages of the interface and of the content (Wagtail i18n).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The site's own strings (config/, home/, templates/); each plugin app ships its own.
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"


def private_storage(root):
    """STORAGES["private"]: certificate PDFs and signature images, never under MEDIA_ROOT nor
    served at MEDIA_URL (only views that check who asks read them). A folder by default;
    PRIVATE_STORAGE_BACKEND=s3 puts them in a private S3-compatible bucket (django-storages,
    the `s3` extra)."""
    backend = os.environ.get("PRIVATE_STORAGE_BACKEND", "filesystem")
    if backend == "filesystem":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Its files have no public address: a URL made by mistake leads nowhere.
            "OPTIONS": {"location": root, "base_url": "/private-files-have-no-address/"},
        }
    if backend == "s3":
        options = {
            "bucket_name": os.environ["PRIVATE_STORAGE_BUCKET"],
            "location": os.environ.get("PRIVATE_STORAGE_PREFIX", ""),
            "default_acl": "private",
            # A link made by mistake is signed and expires; files are never overwritten.
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        }
        for option, variable in [
            ("endpoint_url", "PRIVATE_STORAGE_ENDPOINT_URL"),
            ("region_name", "PRIVATE_STORAGE_REGION"),
            ("access_key", "PRIVATE_STORAGE_ACCESS_KEY_ID"),
            ("secret_key", "PRIVATE_STORAGE_SECRET_ACCESS_KEY"),
        ]:
            if os.environ.get(variable):
                options[option] = os.environ[variable]
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ImproperlyConfigured("PRIVATE_STORAGE_BACKEND is either filesystem or s3.")


PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": private_storage(PRIVATE_STORAGE_ROOT),
}

# The academies' private signing keys (Ed25519, one PEM file per academy and key id, mode
# 0600), outside MEDIA_ROOT and the private storage, never in the database. Production points
# it at a mounted secret folder, or sets CERTIFICATE_KEY_SOURCE to
# "certificates.keys.EnvironmentKeySource" or "certificates.keys.Pkcs11KeySource" (keys on
# the token of CERTIFICATE_SIGNING below; README, "Trusted certificates").
CERTIFICATE_KEY_DIR = Path(os.environ.get("CERTIFICATE_KEY_DIR", BASE_DIR / "var" / "issuer-keys"))
CERTIFICATE_KEY_SOURCE = os.environ.get("CERTIFICATE_KEY_SOURCE", "certificates.keys.FileKeySource")
# Signed certificate PDFs (README "Signed certificate PDFs"): each academy's key is a PKCS#12
# file <KEY_DIR>/<code>.p12, under a passphrase from the environment; the network's root
# certificate <KEY_DIR>/network-root.pem is what verification trusts. Outside the media and
# the repository. B-T signatures where a timestamp authority is configured.
CERTIFICATE_SIGNING = {
    "KEY_DIR": Path(os.environ.get("CERTIFICATE_SIGNING_KEY_DIR", BASE_DIR / "var" / "pki")),
    "PASSPHRASE": os.environ.get("CERTIFICATE_SIGNING_PASSPHRASE", ""),
    "TIMESTAMP_URL": os.environ.get("CERTIFICATE_TIMESTAMP_URL", ""),
    # Without a key an academy's certificates are refused (production) or left unsigned.
    "REQUIRED": env_bool("CERTIFICATE_SIGNING_REQUIRED", False),
    # A PKCS#11 token (HSM, smart card) instead of the .p12 files, where a module is named:
    # each academy's key and certificate labelled with its code; the credential keys of
    # CERTIFICATE_KEY_SOURCE="certificates.keys.Pkcs11KeySource" too (README "Signatures").
    "PKCS11_LIB": os.environ.get("CERTIFICATE_SIGNING_PKCS11_LIB", ""),
    "PKCS11_TOKEN": os.environ.get("CERTIFICATE_SIGNING_PKCS11_TOKEN", ""),
    "PKCS11_PIN": os.environ.get("CERTIFICATE_SIGNING_PKCS11_PIN", ""),
    # Whether rotate_issuer_key may make credential keys on the token.
    "PKCS11_WRITABLE": env_bool("CERTIFICATE_SIGNING_PKCS11_WRITABLE", True),
}

# Wagtail's page editor posts many fields for big courses.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Outgoing mail (MAILERS on Django 6.1 and later, EMAIL_* before).
globals().update(
    mail_settings(
        os.environ.get("EMAIL_BACKEND", SMTP),
        host=os.environ.get("EMAIL_HOST", "localhost"),
        port=int(os.environ.get("EMAIL_PORT", "25")),
        username=os.environ.get("EMAIL_HOST_USER", ""),
        password=os.environ.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=env_bool("EMAIL_USE_TLS"),
    )
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "EU-POLNET Academy <academy@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

WAGTAIL_SITE_NAME = "EU-POLNET Academy"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database search, with what visitors type escaped on SQLite (academy/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "academy.search"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# The address on a staff member's account page is academy's own panel (a new address is
# confirmed before it replaces the old one); Wagtail's keeps the names only.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# A sign-up link works this many days; sign-ups never confirmed are deleted after
# UNCONFIRMED_ACCOUNT_DAYS by `manage.py purge_unconfirmed_accounts` (run it daily).
ACCOUNT_CONFIRMATION_DAYS = int(os.environ.get("ACCOUNT_CONFIRMATION_DAYS", "3"))
UNCONFIRMED_ACCOUNT_DAYS = int(os.environ.get("UNCONFIRMED_ACCOUNT_DAYS", "14"))
# Personal data: how long each kind of record is kept, in days (`manage.py apply_retention`,
# run daily; README "Personal data"). Unconfirmed sign-ups: UNCONFIRMED_ACCOUNT_DAYS above.
INACTIVE_ACCOUNT_DAYS = int(os.environ.get("INACTIVE_ACCOUNT_DAYS", str(3 * 365)))
WRITTEN_ANSWER_DAYS = int(os.environ.get("WRITTEN_ANSWER_DAYS", "365"))
SIGN_IN_FAILURE_DAYS = int(os.environ.get("SIGN_IN_FAILURE_DAYS", "90"))
SIGN_IN_RECORD_DAYS = int(os.environ.get("SIGN_IN_RECORD_DAYS", "365"))
EMAIL_LOG_DAYS = int(os.environ.get("EMAIL_LOG_DAYS", "365"))
# A coordinator's import of officers takes over the account of a sign-up never confirmed
# for an address it lists (the academy refuses addresses with an account otherwise).
ACADEMY_IMPORT_TAKES_OVER = "home.accounts.unconfirmed_sign_up"
# No avatars from gravatar.com: officers' email hashes must not leave the platform.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Reminders go this many days before a session starts, and before it ends (modules left).
REMINDER_DAYS = [int(days) for days in env_list("REMINDER_DAYS", "7,1")]
# The longest a session may last, in days: its attendance register has a column per day.
SESSION_MAX_DAYS = int(os.environ.get("SESSION_MAX_DAYS", "366"))

# Background work (bulk certificates, emails) runs in the request by default; production
# queues it in the database for `manage.py db_worker` (see production.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Sign-in sessions read from the cache (Redis in production), written through to the
# database: a signed-in page does not query the session table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Public pages (catalogue, academies, courses) for visitors not signed in are served from
# the default cache for this long (academy.page_cache; 0 turns it off). Every change of a
# page, a session or its places drops them at once: the time only bounds what the clock
# changes (an enrolment window that closes).
ACADEMY_PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
