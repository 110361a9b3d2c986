"""The one settings module: every knob comes from a GOODOFFICES_* environment variable.

Typed helpers refuse bad values at start-up instead of guessing, so a typo in a
deployment fails loudly rather than running with a silently different setting.
"""

import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic classes such as ModelAdmin[Model] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"GOODOFFICES_{name}", default)


def envbool(name: str, default: bool) -> bool:
    raw = env(name, "")
    if raw == "":
        return default
    if raw in ("1", "true", "True", "yes"):
        return True
    if raw in ("0", "false", "False", "no"):
        return False
    raise ImproperlyConfigured(f"GOODOFFICES_{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = env(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"GOODOFFICES_{name} must be an integer, not {raw!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "var"))).resolve()
DEBUG = envbool("DEBUG", False)
DEMO = envbool("DEMO", False)
# Under pytest the test settings apply even when the variable was not exported.
TESTING = envbool("TESTING", False) or "pytest" in sys.modules

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or DEMO or TESTING:
        SECRET_KEY = "insecure-development-key-" + "x" * 40
    else:
        raise ImproperlyConfigured(
            "GOODOFFICES_SECRET_KEY must be set (50+ random characters) outside demo and debug mode"
        )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "goodoffices.web.apps.GoodOfficesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "csp",
    "goodoffices.accounts",
    "goodoffices.events",
    "goodoffices.processes",
    "goodoffices.caucus",
    "goodoffices.ledger",
    "goodoffices.consent",
    "goodoffices.meetings",
    "goodoffices.mail",
    "goodoffices.texts",
    "goodoffices.agreements",
    "goodoffices.monitoring",
    "goodoffices.analytics",
    "goodoffices.web",
    "goodoffices.worker",
]

MIDDLEWARE = [
    # First, so that every answer (static files and redirects included) carries its headers.
    "goodoffices.web.middleware.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every other one, so that each error it lets through under /api/v1/ is problem+json.
    "goodoffices.api.problems.ProblemsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session that did not pass its account's second factor is anonymous from here on.
    "goodoffices.accounts.middleware.SecondFactorSessionMiddleware",
    "goodoffices.policies.roles.RolesCacheMiddleware",
    "goodoffices.web.middleware.UserPreferencesMiddleware",
    "goodoffices.web.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "goodoffices.urls"
WSGI_APPLICATION = "goodoffices.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "goodoffices.web.context.site",
            ],
        },
    },
]


def _conn_max_age(default: int) -> int:
    """How long a server thread keeps its database connection between requests. On PostgreSQL
    one per request cost a server process and its authentication each time (half of `/healthz`),
    so a connection is kept, checked before reuse (CONN_HEALTH_CHECKS) and closed on error as
    Django does. SQLite opens its file in microseconds and keeps one per request by default: a
    data directory that turns read-only (or a file replaced by a restore) is then noticed at once."""
    seconds = envint("DATABASE_CONN_MAX_AGE_SECONDS", default)
    if seconds < 0:
        raise ImproperlyConfigured(
            f"GOODOFFICES_DATABASE_CONN_MAX_AGE_SECONDS must be 0 (a connection per request) or more, not {seconds}"
        )
    return seconds


def _database() -> dict[str, Any]:
    url = env("DATABASE_URL")
    if not url:
        # If it cannot be made, `serve` and `demo` refuse to start with a line that says why (web/startup.py).
        with contextlib.suppress(OSError):
            DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'goodoffices.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_health_checks=True))
    except ValueError as exc:
        raise ImproperlyConfigured(f"GOODOFFICES_DATABASE_URL is not a usable URL: {exc}") from None
    engine = config["ENGINE"]
    config["CONN_MAX_AGE"] = _conn_max_age(300 if engine == "django.db.backends.postgresql" else 0)
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; synchronous=FULL makes every
        # acknowledged commit durable, and IMMEDIATE transactions avoid upgrade deadlocks.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"),
        }
    elif engine == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
    else:
        raise ImproperlyConfigured(
            f"GOODOFFICES_DATABASE_URL must name sqlite or postgres, not {engine.rsplit('.', 1)[-1]}"
        )
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _redis_url() -> str:
    """GOODOFFICES_REDIS_URL, checked: a redis://, rediss:// or unix:// URL, and the client installed.
    The URL is never echoed back: it may carry a password."""
    url = env("REDIS_URL")
    if not url:
        return ""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ImproperlyConfigured("GOODOFFICES_REDIS_URL has a port that is not a number") from None
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(
            "GOODOFFICES_REDIS_URL must be a redis://, rediss:// or unix:// URL such as redis://127.0.0.1:6379/0"
        )
    try:
        # Django's Redis cache backend needs the client library, an optional dependency.
        importlib.import_module("redis")
    except ImportError:
        raise ImproperlyConfigured(
            "GOODOFFICES_REDIS_URL is set but the Python package 'redis' is not installed (pip install 'redis>=5')"
        ) from None
    return url


# Several app servers behind one proxy share one database and keep nothing of their own between
# requests (docs/operators.md): sessions and failed sign-ins (django-axes) are rows in the
# database, and so is the cache (`goodoffices createcachetable` makes its table), unless
# GOODOFFICES_REDIS_URL names a Redis server: then the cache is there, and sessions are read
# through it and written to both (`cached_db`), so a session survives a restart of Redis.
REDIS_URL = _redis_url()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "goodoffices",
        }
    }
    SESSION_ENGINE = "goodoffices.accounts.sessions.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "goodoffices_cache"}}
    SESSION_ENGINE = "goodoffices.accounts.sessions.db"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins are kept in the database, so a restart does not reset the count. They are
# counted per account AND source address together: a source that fails too often is throttled
# for that account for a while, and the account stays open to everyone else, so nobody can
# lock another person out by guessing their password.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "goodoffices.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "goodoffices.accounts.throttle.client_address"
AXES_VERBOSE = False
# How many reverse proxies in front of the server append to X-Forwarded-For: the client's
# address is the one the outermost of them saw. 0 means clients connect directly.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("GOODOFFICES_TRUSTED_PROXY_COUNT must be 0 or more")

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("hy", _("Armenian")),
    ("az", _("Azerbaijani")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Armenian dates and times (Django has no formats for it); the others are Django's own.
FORMAT_MODULE_PATH = ["goodoffices.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded caucus documents. Never served from here: downloads go through views that check policy.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
CAUCUS_MAX_UPLOAD_BYTES = envint("CAUCUS_MAX_UPLOAD_MB", 10) * 1024 * 1024
if CAUCUS_MAX_UPLOAD_BYTES < 1:
    raise ImproperlyConfigured("GOODOFFICES_CAUCUS_MAX_UPLOAD_MB must be at least 1")
# Each evidence file of a monitoring report or of an answer to one.
EVIDENCE_MAX_UPLOAD_BYTES = envint("EVIDENCE_MAX_UPLOAD_MB", 10) * 1024 * 1024
if EVIDENCE_MAX_UPLOAD_BYTES < 1:
    raise ImproperlyConfigured("GOODOFFICES_EVIDENCE_MAX_UPLOAD_MB must be at least 1")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING or DEMO
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING or DEMO
WHITENOISE_AUTOREFRESH = DEBUG

# A strict policy: scripts only from our own origin, never inline. Inline style
# attributes are allowed because the vendored Swagger UI sets them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# No script reads the language cookie; it is sent only over HTTPS in production.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not (DEBUG or DEMO or TESTING):
    SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("FROM_EMAIL", "goodoffices@localhost")
# E-mail leaves through the outbox (goodoffices/mail), sent by `goodoffices worker`: a mail server
# that is slow or down delays the mail, never a request.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT_SECONDS", 30)
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 10)
if EMAIL_TIMEOUT < 1 or MAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("GOODOFFICES_EMAIL_TIMEOUT_SECONDS and GOODOFFICES_MAIL_MAX_ATTEMPTS must be at least 1")
# How often the worker looks for work, and how old a stored file without its row must be before
# the worker removes it (an upload in flight has no row yet).
WORKER_POLL_SECONDS = envint("WORKER_POLL_SECONDS", 5)
ORPHAN_GRACE_MINUTES = envint("ORPHAN_GRACE_MINUTES", 60)
# How often the worker looks for commitments to escalate (a pass is bounded; at most once per poll).
ESCALATION_EVERY_SECONDS = envint("ESCALATION_EVERY_SECONDS", 60)
if ESCALATION_EVERY_SECONDS < 1:
    raise ImproperlyConfigured("GOODOFFICES_ESCALATION_EVERY_SECONDS must be at least 1")
if WORKER_POLL_SECONDS < 1 or ORPHAN_GRACE_MINUTES < 1:
    raise ImproperlyConfigured(
        "GOODOFFICES_WORKER_POLL_SECONDS and GOODOFFICES_ORPHAN_GRACE_MINUTES must be at least 1"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 100

# Transparency log (docs/verification.md). The signing key lives in a file, never in the
# database and never served; the origin names the log in every checkpoint and must not change.
LEDGER_KEY_FILE = Path(env("LEDGER_KEY_FILE", str(DATA_DIR / "ledger.key"))).resolve()
LEDGER_ORIGIN = env("LEDGER_ORIGIN", (urlsplit(SITE_URL).netloc or "localhost") + "/ledger")
if not LEDGER_ORIGIN or any(ch.isspace() or ch == "+" or ord(ch) < 0x20 for ch in LEDGER_ORIGIN):
    raise ImproperlyConfigured(
        f"GOODOFFICES_LEDGER_ORIGIN must be non-empty, without spaces or '+', like talks.example.org/ledger, "
        f"not {LEDGER_ORIGIN!r}"
    )

# Epochs (issue 15, docs/verification.md): events reach the log once per epoch, in an order that
# depends only on their content, padded with cover entries to a multiple of the step, so the log
# says nothing of when, within an epoch, anything happened.
LEDGER_EPOCH_SECONDS = envint("LEDGER_EPOCH_SECONDS", 10 if DEMO else 600)
LEDGER_EPOCH_STEP = envint("LEDGER_EPOCH_STEP", 16)
if LEDGER_EPOCH_SECONDS < 1 or not 1 <= LEDGER_EPOCH_STEP <= 4096:
    raise ImproperlyConfigured(
        "GOODOFFICES_LEDGER_EPOCH_SECONDS must be at least 1 and GOODOFFICES_LEDGER_EPOCH_STEP between 1 and 4096"
    )
