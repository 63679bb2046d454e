"""Settings for Factcheck, read from the environment.

Development needs nothing set: SQLite and DEBUG on. Production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL; a missing SECRET_KEY then stops the process at start.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a per-checkout key that is never used with DEBUG off.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# JSON under /api/ (clients read the error), Django's page elsewhere.
CSRF_FAILURE_VIEW = "annotations.api.urls.csrf_failure"
# Longest /api/ URL (path and query) answered; longer ones get a JSON 414. Keep it below
# gunicorn's --limit-request-line (8190 in the Dockerfile and docker-compose.yml).
API_MAX_URL_LENGTH = int(os.environ.get("API_MAX_URL_LENGTH", 4096))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "annotations.middleware.ApiUrlLengthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "annotations.middleware.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that reads the socket instead of asking the
    # server (``factcheck/postgresql/base.py``): one round trip fewer per request.
    DATABASES["default"]["ENGINE"] = "factcheck.postgresql"
# Behind PgBouncer in transaction mode, server-side cursors (used to stream exports) break.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
# PostgreSQL's just-in-time compilation pays off for long analytical queries, not for a web
# app's: the estimated cost of the document list's per-document counts crossed
# ``jit_above_cost`` and compiling took 1.2 s of a 1.3 s request. Off for our connections,
# by a startup parameter (no round trip). ``DATABASE_JIT=1`` leaves the server's setting, for
# a pooler that refuses the ``options`` parameter (turn JIT off on the server there).
if DATABASES["default"]["ENGINE"] == "factcheck.postgresql" and not env_bool(
    "DATABASE_JIT", default=False
):
    connect_options = DATABASES["default"].setdefault("OPTIONS", {})
    connect_options["options"] = f"{connect_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers. Taking the write lock when a transaction starts (IMMEDIATE)
    # makes a second reviewer's save wait for the first instead of failing with "database
    # is locked"; WAL lets pages keep reading meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests get a file too, not Django's shared in-memory database: its table locks fail at
    # once instead of waiting, which the live server thread of the browser tests runs into.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"factcheck-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "factcheck.storage.CompressedManifestStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Request bodies: the largest document we accept, plus room for JSON framing.
FACTCHECK_MAX_DOCUMENT_BYTES = int(os.environ.get("FACTCHECK_MAX_DOCUMENT_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = FACTCHECK_MAX_DOCUMENT_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Seconds between the annotation workspace's checks for others' changes; 0 turns them off.
FACTCHECK_LIVE_REFRESH_SECONDS = float(os.environ.get("FACTCHECK_LIVE_REFRESH_SECONDS", 10))

# Who publishes ClaimReview exports.
FACTCHECK_ORGANIZATION_NAME = os.environ.get("FACTCHECK_ORGANIZATION_NAME", "Factcheck")
FACTCHECK_ORGANIZATION_URL = os.environ.get("FACTCHECK_ORGANIZATION_URL", "https://example.org/")
FACTCHECK_PUBLIC_URL = os.environ.get("FACTCHECK_PUBLIC_URL", "http://127.0.0.1:8000")

# The cache holds the throttle counters, so every process and machine must share it: Redis
# when REDIS_URL is set, else a table in the database (created by `migrate`). Never a
# per-process cache: with several workers each would count on its own.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "factcheck"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "factcheck_cache",  # made by migration 0002_cache_table
            # Culling past MAX_ENTRIES would drop live throttle counters; keep room.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Failed sign-ins allowed per client address and, separately, per username, in a sliding
# window (annotations/login_limits.py): the token login, the login page and the admin's.
FACTCHECK_LOGIN_RATE = os.environ.get("THROTTLE_LOGIN", "20/min")

REST_FRAMEWORK = {
    # Token first, so anonymous requests answer 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "annotations.api.errors.api_exception_handler",
    # JSON bodies only: form encodings cannot carry the nested fields (sources, orders)
    # the schema describes. Token login and document uploads add forms (api/views.py).
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "annotations.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": int(os.environ.get("API_PAGE_SIZE", 100)),
    "DEFAULT_THROTTLE_RATES": {"export": os.environ.get("THROTTLE_EXPORT", "60/min")},
    # Reverse proxies in front that append to X-Forwarded-For. 0: the client address is the
    # connection's (a client cannot pick its own by sending the header).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", 0)),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck API",
    "DESCRIPTION": "Annotate claims in news documents and export them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.postprocess",
    ],
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0 only for a plain-HTTP trial (docker-compose.yml).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 30))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
