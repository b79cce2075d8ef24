"""Settings: the only module that reads the environment (12-factor).

Every setting is one line with its development default. A bad value raises
ImproperlyConfigured at start-up rather than misbehaving later. Production mode
(DEBUG off) refuses to start without a real SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production"


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def email_settings(url: str) -> dict[str, object]:
    """Turn EMAIL_URL (smtp://user:pass@host:587?tls=1, console://, locmem://) into settings."""
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(backends)}")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "EMAIL_BACKEND": backends[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": options.get("tls") in {"1", "true"},
        "EMAIL_USE_SSL": parts.scheme == "smtps",
    }


def cache_settings(url: str) -> dict[str, str]:
    """Turn CACHE_URL (locmem://, db://table_name, redis://host:6379/0) into a cache setting."""
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if parts.scheme == "db" and parts.netloc:
        # The table is made by "manage.py createcachetable".
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parts.netloc}
    if parts.scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured("CACHE_URL must be locmem://, db://table_name or redis://host")


DEBUG = envbool("DEBUG", True)
SECRET_KEY = envstr("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Production mode (DEBUG=false) needs SECRET_KEY: at least 50 random characters."
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = envstr("SITE_NAME", "Rights Monitor")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rightsmonitor.core",
    "rightsmonitor.plans",
    "rightsmonitor.accounts",
    "rightsmonitor.reporting",
    "rightsmonitor.assessments",
    "rightsmonitor.indicators",
    "rightsmonitor.recommendations",
    "rightsmonitor.portal",
    "rightsmonitor.api",
    "rightsmonitor.feedback",
    "rightsmonitor.participation",
    "rightsmonitor.home",
]

MIDDLEWARE = [
    # /healthz first: probes need no host check, HTTPS redirect or session (core/health.py).
    "rightsmonitor.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (CSRF reads the form).
    "rightsmonitor.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that it sees every header the others add to an API answer (Vary above all).
    "rightsmonitor.api.conditional.ApiConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rightsmonitor.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that its process_view answers from the cache after every other check has run.
    "rightsmonitor.core.pagecache.ContentChangeMiddleware",
    "rightsmonitor.core.pagecache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "rightsmonitor.urls"
WSGI_APPLICATION = "rightsmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rightsmonitor" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rightsmonitor.core.context_processors.site",
            ],
        },
    },
]

# SQLite (WAL, set on connect in core.apps) by default; PostgreSQL through DATABASE_URL.
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'rightsmonitor.sqlite3'}")
# In production each server thread keeps its connection for a minute (checked before reuse)
# rather than opening one per request.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: compiling a plan took 80 ms of a one-second facet count, and pages are many
    # short queries, for which JIT never pays.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: the web server and the worker wait this many seconds for each other
    # (a big import holds the lock longer; the worker then logs it and tries again).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "portal:home"
INVITATION_VALID_DAYS = envint("INVITATION_VALID_DAYS", 14)

# Two-factor: available to everyone; required for administrators and coordinators by default
# in production (DEBUG off) and optional in development so the demo logins work at once.
REQUIRE_2FA_FOR_STAFF = envbool("REQUIRE_2FA_FOR_STAFF", not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME

# Login throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = envbool("LOGIN_THROTTLING", True)
# Password-reset requests per client address and hour (each may send an e-mail).
PASSWORD_RESETS_PER_HOUR = envint("PASSWORD_RESETS_PER_HOUR", 5)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "rightsmonitor" / "locale"]
# Django has no number and date formats for Kazakh; ours are in core/formats/kk.
FORMAT_MODULE_PATH = ["rightsmonitor.core.formats"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "rightsmonitor" / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded and generated files (evidence, assessment files, imports, feedback attachments) on
# S3-compatible storage when MEDIA_S3_BUCKET is set (several hosts, no shared disk). The
# bucket stays private: files are read through the application, which checks who may see them.
# Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 itself.
MEDIA_S3_BUCKET = envstr("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": envstr("MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("MEDIA_S3_REGION", "") or None,
            "location": envstr("MEDIA_S3_PREFIX", "").strip("/"),
            # Names are made unique as on disk, never overwritten.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PLAN_IMPORT_MAX_BYTES = envint("PLAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Any request body: the largest upload (the UN's recommendations index, 1 GB) and its form.
MAX_REQUEST_BYTES = envint("MAX_REQUEST_BYTES", 1024**3 + 1024**2)
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
REMINDER_DAYS = [int(d) for d in envlist("REMINDER_DAYS", "30,7,1")]

_email = email_settings(envstr("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Rights Monitor <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers; production values switch on with DEBUG off.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
)
# The web forms' rate limits (core/ratelimit.py) count per client address: behind a proxy, the
# last one it appended to X-Forwarded-For. On with BEHIND_PROXY unless said otherwise.
TRUST_X_FORWARDED_FOR = envbool("TRUST_X_FORWARDED_FOR", SECURE_PROXY_SSL_HEADER is not None)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The licence the open data (/data/) is published under, named on the data page and in every
# JSON download: "CC BY 4.0", "CC BY-SA 4.0", "CC0 1.0", "ODbL 1.0" get a link; any other text
# is shown as written.
OPEN_DATA_LICENCE = envstr("OPEN_DATA_LICENCE", "CC BY 4.0")

# API rate limits ("600/minute", "10/second"; empty: none), counted in the default cache.
API_RATE_ANON = envstr("API_RATE_ANON", "600/minute")  # per address
API_RATE_USER = envstr("API_RATE_USER", "1200/minute")  # per user signed in with a session
API_RATE_TOKEN = envstr("API_RATE_TOKEN", "1200/minute")  # per API token
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "rightsmonitor.api.schema.ApiSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rightsmonitor.api.pagination.CountedOncePagination",
    "PAGE_SIZE": 100,
    # The token first: a request that carries one is judged by it (and needs no CSRF token).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rightsmonitor.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    # The rates are the API_RATE_* settings above, read at each request.
    "DEFAULT_THROTTLE_CLASSES": [
        "rightsmonitor.api.throttling.AnonThrottle",
        "rightsmonitor.api.throttling.UserThrottle",
        "rightsmonitor.api.throttling.TokenThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rights Monitor API",
    "DESCRIPTION": "National human rights action plans: plans, sections, actions, agencies and "
    "legal instruments, indicators and recommendations (read); progress reports, their review "
    "workflow, the monitoring status of actions and links of recommendations to actions (read "
    "and write, with a session or an API token). Conditional GET with ETag; rate-limited.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/favicon.svg",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportStateEnum": "rightsmonitor.reporting.workflow.ReportState",
        "ReportKindEnum": "rightsmonitor.reporting.models.ProgressReport.Kind",
        "ImplementationStatusEnum": "rightsmonitor.reporting.models.ImplementationStatus",
        # An action's status as shown: the statuses and "not_assessed" (no verdict yet).
        "ActionStatusEnum": "rightsmonitor.reporting.queries.STATUSES",
        "TransitionNameEnum": "rightsmonitor.reporting.workflow.TRANSITION_NAMES",
    },
}

# The default cache is per process unless CACHE_URL names a shared one (the API's rate limits
# count there); "progress" is shared by the web server and the worker (a long import reports
# how far it has got there, see recommendations/progress.py).
CACHES = {
    "default": cache_settings(envstr("CACHE_URL", "locmem://")),
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": envstr("PROGRESS_CACHE_DIR", str(BASE_DIR / "var" / "progress")),
    },
}

# Public pages and facet counts are kept in the default cache for anonymous readers until public
# content changes (rightsmonitor/core/pagecache.py), at most this long; 0 turns that off. Saves in
# these apps move the content's generation on. On by default only with a shared cache: with one
# per process, a change made by the background worker or another server process would not be
# seen by the others' caches.
SHARED_CACHE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 600 if SHARED_CACHE else 0)
# Sessions are read from the shared cache and written through to the database, so every server
# process knows a sign-in at once and an emptied cache signs nobody out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
# After a change of public content the background worker makes the main pages again
# (portal/warming.py), PUBLIC_CACHE_WARM_DELAY seconds later (a burst of edits costs one run),
# for at most PUBLIC_CACHE_WARM_SECONDS (0: never).
PUBLIC_CACHE_WARM_SECONDS = envint("PUBLIC_CACHE_WARM_SECONDS", 120)
# Each server process keeps its hottest cached pages, and the generation, this many seconds
# (no round trip to Redis on a hit): another process's change reaches anonymous readers at most
# this much later. 0: always ask the shared cache.
PUBLIC_CACHE_LOCAL_SECONDS = envint("PUBLIC_CACHE_LOCAL_SECONDS", 1)
PUBLIC_CACHE_WARM_DELAY = envint("PUBLIC_CACHE_WARM_DELAY", 10)
PUBLIC_CONTENT_APPS = frozenset(
    {
        "plans",
        "reporting",
        "assessments",
        "indicators",
        "recommendations",
        "participation",
        "portal",
        "accounts",
    }
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The background worker (manage.py worker, core/worker.py): a worker silent this many seconds is
# taken for dead and the task it ran is queued again, until it has been started
# TASK_MAX_ATTEMPTS times; /healthz reports the worker down after HEALTH_WORKER_MAX_AGE seconds
# without a heartbeat.
WORKER_LOST_AFTER = envint("WORKER_LOST_AFTER", 120)
TASK_MAX_ATTEMPTS = envint("TASK_MAX_ATTEMPTS", 3)
HEALTH_WORKER_MAX_AGE = envint("HEALTH_WORKER_MAX_AGE", 120)

# --- feedback ---
# The confidential feedback channel (rightsmonitor/feedback, docs/decisions/0008). Its content is
# encrypted with FEEDBACK_KEYS: comma-separated Fernet keys, the first encrypts and all decrypt,
# so a rotation puts a new key first, runs "manage.py rotate_feedback_keys", then drops the old.
# Without keys, development derives one from SECRET_KEY; production ("check --deploy") refuses.
FEEDBACK_KEYS = envlist("FEEDBACK_KEYS", "")
FEEDBACK_DEVELOPMENT_KEY = not FEEDBACK_KEYS and DEBUG
if FEEDBACK_DEVELOPMENT_KEY:
    FEEDBACK_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(f"rightsmonitor-feedback:{SECRET_KEY}".encode()).digest()
        ).decode()
    ]
for _key in FEEDBACK_KEYS:
    try:
        _valid_key = len(base64.urlsafe_b64decode(_key.encode())) == 32
    except ValueError:
        _valid_key = False
    if not _valid_key:
        raise ImproperlyConfigured(
            "FEEDBACK_KEYS must be Fernet keys (32 bytes in URL-safe base64), separated by "
            'commas; make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        )
FEEDBACK_RETENTION_DAYS = envint("FEEDBACK_RETENTION_DAYS", 365)  # closed cases are then deleted
FEEDBACK_MAX_ATTACHMENT_BYTES = envint("FEEDBACK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
FEEDBACK_SUBMISSIONS_PER_HOUR = envint("FEEDBACK_SUBMISSIONS_PER_HOUR", 5)  # per address
FEEDBACK_FAILED_CHECKS_PER_HOUR = envint("FEEDBACK_FAILED_CHECKS_PER_HOUR", 10)  # per address

# --- participation ---
# Civil society comments, shadow ratings, consultations (rightsmonitor/participation).
PARTICIPATION_COMMENT_MAX_CHARS = envint("PARTICIPATION_COMMENT_MAX_CHARS", 5000)
PARTICIPATION_COMMENTS_PER_HOUR = envint("PARTICIPATION_COMMENTS_PER_HOUR", 10)  # per member
# Organisation applications per client address and hour:
PARTICIPATION_APPLICATIONS_PER_HOUR = envint("PARTICIPATION_APPLICATIONS_PER_HOUR", 5)

# Logs go to the standard error stream (the process manager keeps them), as text or, with
# LOG_FORMAT=json, one JSON object per line (core/logs.py).
LOG_FORMAT = envstr("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "rightsmonitor.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Errors go to Sentry (or a service that speaks its protocol: GlitchTip, Bugsink) when
# SENTRY_DSN is set. No personal data and no request bodies: feedback is confidential.
SENTRY_DSN = envstr("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    try:
        _traces = float(envstr("SENTRY_TRACES_SAMPLE_RATE", "0"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1"
        ) from exc
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=envstr("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=_traces,
        # Who, what they sent, and the local variables (decrypted feedback may be among them)
        # stay here; the default deny-list scrubs cookies and tokens from headers.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        max_request_body_size="never",
    )
