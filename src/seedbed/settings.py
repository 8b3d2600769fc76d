"""Seedbed's one settings module. Everything that differs between machines comes from the environment.

Environment variables (all optional for the demo; see docs/configuration.md):

- ``SEEDBED_DATA_DIR``  folder for the SQLite database, the job queue, uploads and exports (default ``./var``)
- ``DATABASE_URL``      ``postgres://user:pass@host:5432/name`` for PostgreSQL (default: SQLite)
- ``SEEDBED_QUEUE_URL`` ``redis://host:6379/0`` to use Redis for background jobs (default: SQLite queue)
- ``SECRET_KEY`` or ``SECRET_KEY_FILE``; required when ``SEEDBED_PRODUCTION=1``,
  otherwise generated once and stored in the data dir
- ``SEEDBED_DEBUG``     ``1`` turns Django's debug mode on (default off)
- ``ALLOWED_HOSTS``     comma-separated (default ``127.0.0.1,localhost``)
- ``EMAIL_URL``-style settings: ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
  ``EMAIL_USE_TLS``, ``DEFAULT_FROM_EMAIL``; without ``EMAIL_HOST`` mail is printed to the console
- ``SEEDBED_UPLOAD_MAX_MB`` the largest upload accepted at all, in MB (default 100); each file question
  sets its own, smaller limit
- ``SEEDBED_SITE_URL``  the site's address, for links in e-mails sent by the worker
  (default ``http://127.0.0.1:8000``)
- ``SEEDBED_SIGNUP_OPEN`` ``0`` closes applicants' self sign-up at ``/accounts/signup/`` (default open)
- ``SEEDBED_SCAN_CACHE``, ``SEEDBED_SCAN_TIMEOUT`` (s), ``SEEDBED_SCAN_MAX_MB``, ``SEEDBED_SCAN_LOCAL_ROOTS``,
  ``SEEDBED_SCAN_ALLOW_PRIVATE``: repository scans (cache folder, limits, local folders pages may scan,
  whether hosts on private networks may be fetched)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_secret(name: str) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/Kubernetes secrets)."""
    if os.environ.get(name):
        return os.environ[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return None


PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("SEEDBED_DATA_DIR", Path.cwd() / "var")).resolve()
PRODUCTION = env_bool("SEEDBED_PRODUCTION")
DEBUG = env_bool("SEEDBED_DEBUG")

_secret = read_secret("SECRET_KEY")
if not _secret:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when SEEDBED_PRODUCTION=1.")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = DATA_DIR / "secret_key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        _key_file.chmod(0o600)
    _secret = _key_file.read_text(encoding="utf-8").strip()
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "template_partials",
    "ninja",
    "seedbed.core",
    "seedbed.funds",
    "seedbed.calls",
    "seedbed.portfolio",
    "seedbed.dpg",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "seedbed.core.middleware.RequestIdMiddleware",
    "seedbed.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "seedbed.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "seedbed.urls"
WSGI_APPLICATION = "seedbed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "seedbed.core.context_processors.seedbed",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'seedbed.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend plus the exact big-integer SUM that ledger amounts need (docs/adr/0008).
    DATABASES["default"]["ENGINE"] = "seedbed.core.db.sqlite3"
    DATABASES["default"]["TEST"] = {
        "NAME": ":memory:"
    }  # said explicitly: test runners key on the engine name
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock at BEGIN
        # so that two writers queue up instead of failing half-way with "database is locked".
        # A 32 MiB page cache per connection (SQLite's default is 2 MiB): the ledger's indexes outgrow
        # the default at a few hundred thousand postings, and every posting then waits on the disk.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-32768;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs ------------------------------------------------------------------------------
_queue_url = os.environ.get("SEEDBED_QUEUE_URL", "")
if _queue_url.startswith("redis"):
    HUEY = {"huey_class": "huey.RedisHuey", "name": "seedbed", "url": _queue_url, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "seedbed",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": env_bool("SEEDBED_JOBS_IMMEDIATE"),
    }

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = int(os.environ.get("SEEDBED_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked username/address pair may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
OTP_TOTP_ISSUER = "Seedbed"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # administrators never see other people's TOTP secrets
# Behind a reverse proxy, set SEEDBED_PROXY_COUNT to the number of proxies so that throttling sees the
# client's address and not the proxy's.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("SEEDBED_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
INVITATION_VALID_DAYS = 14

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SEEDBED_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SEEDBED_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SEEDBED_HSTS_PRELOAD", True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = Path(os.environ.get("SEEDBED_NODE_MODULES", REPO_DIR / "node_modules"))
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
SEEDBED_UPLOAD_MAX_MB = int(os.environ.get("SEEDBED_UPLOAD_MAX_MB", "100"))
FILE_UPLOAD_HANDLERS = [
    "seedbed.core.uploads.UploadCeilingHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MEDIA_ROOT = DATA_DIR / "media"

# --- E-mail ---------------------------------------------------------------------------------------
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = read_secret("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Seedbed <seedbed@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SEEDBED_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Seedbed --------------------------------------------------------------------------------------
# Exports with more rows than this run as a background job with a progress bar.
SEEDBED_EXPORT_SYNC_LIMIT = int(os.environ.get("SEEDBED_EXPORT_SYNC_LIMIT", "500"))
SEEDBED_PAGE_SIZE = 25
# Applicants may create their own account, confirmed by e-mail. Off: the sign-up page is a 404.
SEEDBED_SIGNUP_OPEN = env_bool("SEEDBED_SIGNUP_OPEN", True)
# Repository scans: clones are cached here; a fetch stops after the time or size limit. Pages may scan
# local folders only under SEEDBED_SCAN_LOCAL_ROOTS (the command line may scan any).
SEEDBED_SCAN_CACHE = Path(os.environ.get("SEEDBED_SCAN_CACHE", DATA_DIR / "scan-cache"))
SEEDBED_SCAN_TIMEOUT = int(os.environ.get("SEEDBED_SCAN_TIMEOUT", "120"))
SEEDBED_SCAN_MAX_MB = int(os.environ.get("SEEDBED_SCAN_MAX_MB", "500"))
SEEDBED_SCAN_LOCAL_ROOTS = [Path(p) for p in env_list("SEEDBED_SCAN_LOCAL_ROOTS", "") if p]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SEEDBED_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
