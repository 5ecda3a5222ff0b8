"""Base settings, shared by every environment. Every value that differs between machines comes from the
environment; docs/environment.md lists them all."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "js_lib_leaflet",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tierslieux.core",
    "tierslieux.accounts",
    "tierslieux.geo",
    "tierslieux.geo.diagnostic",
    "tierslieux.places",
    "tierslieux.places.contributions",
    "tierslieux.calls",
    "tierslieux.selection",
    "tierslieux.followup",
    "tierslieux.network",
    "tierslieux.observatory",
    "tierslieux.api",
    "tierslieux.alerts",
    "tierslieux.news",
    "tierslieux.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "tierslieux.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tierslieux.accounts.middleware.StaffSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tierslieux.core.middleware.ServiceErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tierslieux.core.context_processors.platform",
            ],
        },
    },
]

# Embedded SQLite by default; DATABASE_URL=postgres://… switches to PostgreSQL (production).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-up confirmation and password-reset links stay valid this long (seconds).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Private uploads (application attachments…) are never served by the web server directly.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: every message goes through SMTP (tierslieux.core.emails), after commit, by a background task.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# Emails go through an outbox (tierslieux.core.emails): retried with backoff, abandoned after this many attempts.
EMAIL_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("EMAIL_OUTBOX_MAX_ATTEMPTS", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tiers-Lieux <ne-pas-repondre@tiers-lieux.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where vulnerabilities are reported: shown on the legal page and in /.well-known/security.txt (RFC 9116).
SECURITY_CONTACT_EMAIL = os.environ.get("SECURITY_CONTACT_EMAIL", "securite@tiers-lieux.example")

# Background work: Django's tasks API, stored in the database and run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Maps: tiles are the only resource fetched from the internet, by the visitor's browser. The outline layer
# served by the platform keeps the map readable without them (MAP_TILES_URL="" disables tiles).
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>, '
    "fond OpenStreetMap France",
)

# Optional address geocoder of the place forms (tierslieux/geo/geocoding.py): the search endpoint of the Base
# Adresse Nationale, e.g. https://api-adresse.data.gouv.fr/search/ ; empty (the default) turns it off.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))

# Territorial diagnostics (docs/coverage.md): a commune is a white zone when no place is within
# COVERAGE_WHITE_ZONE_KM (straight line); distances × COVERAGE_DETOUR_FACTOR give the approximate road distance.
COVERAGE_WHITE_ZONE_KM = float(os.environ.get("COVERAGE_WHITE_ZONE_KM", "10"))
COVERAGE_DETOUR_FACTOR = float(os.environ.get("COVERAGE_DETOUR_FACTOR", "1.3"))
# Commune classification thresholds (tierslieux/geo/classification.py): a dict of overrides, e.g.
# {"small_town_from": 2500}; empty keeps the documented defaults.
GEO_CLASSIFICATION: dict = {}

# Demo accounts are created only by `manage.py load_demo`, which refuses to run unless this is on (dev only).
DEMO_ACCOUNTS = False

SESSION_COOKIE_HTTPONLY = True
# Scripts never read the CSRF cookie: htmx sends the token from <meta name="csrf-token"> (core/platform.js).
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
DSFR_MARK_OPTIONAL_FIELDS = True

# Follow-up of the laureates (docs/followup.md): the grantor named in the SCDL open data of the agreements
# (nomAttribuant, idAttribuant: its SIRET, 14 digits). Set FOLLOWUP_GRANTOR_SIRET in production.
FOLLOWUP_GRANTOR_NAME = os.environ.get(
    "FOLLOWUP_GRANTOR_NAME", "Agence nationale de la cohésion des territoires"
)
FOLLOWUP_GRANTOR_SIRET = os.environ.get("FOLLOWUP_GRANTOR_SIRET", "")
# Network (docs/network.md): per-account limits of offers and needs, sizes of uploads, the ICS import.
NETWORK_MAX_OPEN_LISTINGS = int(os.environ.get("NETWORK_MAX_OPEN_LISTINGS", "20"))
NETWORK_MAX_LISTINGS_PER_DAY = int(os.environ.get("NETWORK_MAX_LISTINGS_PER_DAY", "10"))
NETWORK_MAX_MESSAGES_PER_HOUR = int(os.environ.get("NETWORK_MAX_MESSAGES_PER_HOUR", "10"))
NETWORK_IMAGE_MAX_BYTES = int(os.environ.get("NETWORK_IMAGE_MAX_BYTES", str(2 * 1024 * 1024)))
NETWORK_RESOURCE_MAX_BYTES = int(os.environ.get("NETWORK_RESOURCE_MAX_BYTES", str(10 * 1024 * 1024)))
NETWORK_ICS_TIMEOUT = float(os.environ.get("NETWORK_ICS_TIMEOUT", "10"))
NETWORK_ICS_MAX_BYTES = int(os.environ.get("NETWORK_ICS_MAX_BYTES", str(2 * 1024 * 1024)))
# Calendar URLs that resolve to private or loopback addresses are refused (SSRF); only tests allow them.
NETWORK_ICS_ALLOW_PRIVATE = False
# Project places created inside an application wait for moderation; per-account limits (programme staff are not
# limited): at most PROJECT_PLACES_MAX_PENDING waiting at once, PROJECT_PLACES_MAX_PER_ACCOUNT in all.
PROJECT_PLACES_MAX_PENDING = int(os.environ.get("PROJECT_PLACES_MAX_PENDING", "2"))
PROJECT_PLACES_MAX_PER_ACCOUNT = int(os.environ.get("PROJECT_PLACES_MAX_PER_ACCOUNT", "5"))
# --- Security (docs/security.md) ----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Client IP: REMOTE_ADDR unless a trusted reverse proxy sets a header (e.g. HTTP_X_FORWARDED_FOR);
# TRUSTED_PROXY_COUNT proxies append to it, so the client is that many entries from the right.
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))


# --- Production: observability, cache, storage (docs/deployment.md, docs/environment.md) ---------------------
# Every request gets an id (X-Request-ID from the load balancer when it is a plain token, otherwise a new one),
# returned in the response headers and written in every log line; LOG_FORMAT=json for one JSON object a line.
MIDDLEWARE.insert(0, "tierslieux.core.observability.RequestIdMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "tierslieux.core.observability.ApiGZipMiddleware",
)
MIDDLEWARE.append("tierslieux.core.observability.DatabaseUnavailableMiddleware")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING["filters"] = {"request_id": {"()": "tierslieux.core.observability.RequestIdFilter"}}
LOGGING["formatters"] = {
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
LOGGING["loggers"]["apscheduler"] = {"level": "WARNING"}
LOGGING["handlers"]["console"].update(
    {"filters": ["request_id"], "formatter": "json" if LOG_FORMAT == "json" else "text"}
)

# Optional error reporting (Sentry or any server speaking its protocol, e.g. GlitchTip): off unless SENTRY_DSN.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))

# One cache shared by every process (rate limits, lockout-related counters, cached reads): the database by
# default (`manage.py createcachetable`), Redis with CACHE_URL=redis://… (needs the `redis` package).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tierslieux_cache",
            # Culling at Django's default 300 entries would let a flood of addresses evict rate-limit counters.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    ),
    # This process's memory (core/cache.py): rendered public pages, API answers, large computed inputs.
    "local": {
        "BACKEND": "tierslieux.core.cache.ProcessMemoryCache",
        "LOCATION": "tierslieux-local",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("LOCAL_CACHE_ENTRIES", "2000"))},
    },
    "local-data": {
        "BACKEND": "tierslieux.core.cache.ProcessMemoryCache",
        "LOCATION": "tierslieux-local-data",
        "OPTIONS": {"MAX_ENTRIES": 32},
    },
}
# How often a process reads the shared namespace versions of core/cache.py (its own changes: at once).
CACHE_VERSION_SECONDS = float(os.environ.get("CACHE_VERSION_SECONDS", "1"))

# Public pages cached in CACHES["default"] (seconds; 0 turns page caching off). Changes invalidate at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

# Uploaded files: local disk by default (MEDIA_ROOT, PRIVATE_MEDIA_ROOT); STORAGE_BACKEND=s3 puts them in an
# S3-compatible object storage (django-storages, boto3), private files under their own prefix, never public:
# they are read only by the permission-checked views.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND == "s3":
    _s3 = {
        "bucket_name": os.environ.get("S3_BUCKET", ""),
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION", "") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "media"},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    }
else:
    STORAGES["private"] = {"BACKEND": "tierslieux.core.storage.PrivateFileSystemStorage"}

# Health (/sante/): a check is "degraded" past these ages (seconds).
HEALTH_TASK_MAX_AGE = int(os.environ.get("HEALTH_TASK_MAX_AGE", "300"))
HEALTH_OUTBOX_MAX_AGE = int(os.environ.get("HEALTH_OUTBOX_MAX_AGE", "900"))
HEALTH_SCHEDULER_MAX_AGE = int(os.environ.get("HEALTH_SCHEDULER_MAX_AGE", "120"))
# A task left "running" by a worker that died is marked failed (and retried when it may be) after this long.
TASK_STALE_SECONDS = int(os.environ.get("TASK_STALE_SECONDS", "1800"))
# The atlas's in-memory index is rebuilt by a background thread of each process after a change (requests keep
# the previous one meanwhile); False rebuilds it in the next request instead (tests).
ATLAS_INDEX_BACKGROUND = env_bool("ATLAS_INDEX_BACKGROUND", True)

# Login throttling (django-axes, failures stored in the database): an account or a client IP is locked out
# after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME; administrators unlock in the admin (Axes).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "8"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tierslieux.core.clientip.axes_client_ip"
AXES_USERNAME_CALLABLE = "tierslieux.accounts.throttling.axes_username"
AXES_LOCKOUT_CALLABLE = "tierslieux.accounts.throttling.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2", "token"]

# Sign-up and password reset: at most this many requests per hour per client IP and per address.
SIGNUP_RATE_PER_HOUR = int(os.environ.get("SIGNUP_RATE_PER_HOUR", "5"))
PASSWORD_RESET_RATE_PER_HOUR = int(os.environ.get("PASSWORD_RESET_RATE_PER_HOUR", "5"))

# Second factor (django-otp, TOTP + recovery codes) for programme staff and administrators; their sessions
# end after STAFF_SESSION_IDLE_SECONDS without a request.
OTP_TOTP_ISSUER = "Tiers-Lieux"
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(2 * 3600)))

# Uploads: a request body over UPLOAD_MAX_REQUEST_SIZE is refused (413) before it is read; a file over
# UPLOAD_MAX_FILE_SIZE is refused while it streams in. CLAMAV_SOCKET (a clamd Unix socket path or host:port)
# adds an antivirus scan of every private upload.
UPLOAD_MAX_FILE_SIZE = int(os.environ.get("UPLOAD_MAX_FILE_SIZE", str(10 * 1024 * 1024)))
UPLOAD_MAX_REQUEST_SIZE = int(
    os.environ.get("UPLOAD_MAX_REQUEST_SIZE", str(UPLOAD_MAX_FILE_SIZE + 512 * 1024))
)
FILE_UPLOAD_HANDLERS = [
    "tierslieux.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CLAMAV_SOCKET = os.environ.get("CLAMAV_SOCKET", "")
CLAMAV_TIMEOUT = int(os.environ.get("CLAMAV_TIMEOUT", "30"))


def _tiles_source(url: str) -> list[str]:
    """The CSP source of the map tiles: scheme and host of MAP_TILES_URL ({s} subdomains as a wildcard)."""
    parts = urlsplit(url.replace("{s}.", "x."))
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc.replace("x.", "*.", 1) if "{s}." in url else parts.netloc
    return [f"{parts.scheme}://{host}"]


# Content-Security-Policy (django-csp): scripts and styles only from the platform, inline ones only with
# the page's nonce; no framing unless a view allows it (tierslieux.core.security.embeddable).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_tiles_source(MAP_TILES_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/securite/csp/",  # tierslieux.core.views.csp_report
    }
}
# X-Frame-Options stays DENY (older browsers); an embeddable view is exempted from it.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}
# Email alerts (tierslieux/alerts, docs/news.md): the mailbox of the `mailto:` of List-Unsubscribe (default
# desinscription@<domain of DEFAULT_FROM_EMAIL>), how far back a run looks for items committed late, batch size.
ALERTS_UNSUBSCRIBE_MAILTO = os.environ.get("ALERTS_UNSUBSCRIBE_MAILTO", "")
ALERTS_LOOKBACK_MINUTES = int(os.environ.get("ALERTS_LOOKBACK_MINUTES", "60"))
ALERTS_BATCH_SIZE = int(os.environ.get("ALERTS_BATCH_SIZE", "200"))
# News comments (tierslieux/news): minimum seconds between showing the form and posting it (anti-spam).
NEWS_COMMENT_MIN_SECONDS = int(os.environ.get("NEWS_COMMENT_MIN_SECONDS", "3"))

# Observatory (docs/observatory.md): who may frame an embedded chart (CSP frame-ancestors of its embed route
# only): the platform and any site served over HTTPS by default; a space-separated list of origins to restrict.
OBSERVATORY_EMBED_ANCESTORS = os.environ.get("OBSERVATORY_EMBED_ANCESTORS", "'self' https:").split()
# Forms: django-dsfr's rendering with one convention for optional fields (tierslieux/core/forms.py).
FORM_RENDERER = "tierslieux.core.forms.FormRenderer"
