"""Django settings for danso.

Everything that differs between machines comes from environment variables (see README):
DANSO_DATABASE_URL, DANSO_SECRET_KEY, DANSO_DEBUG, DANSO_ALLOWED_HOSTS, DANSO_DATA_DIR.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DANSO_DATA_DIR", Path.cwd())).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use DANSO_SECRET_KEY, else a random key kept beside the data so sessions survive restarts.

    No key is ever stored in the repository.
    """
    if key := os.environ.get("DANSO_SECRET_KEY"):
        return key
    key_file = DATA_DIR / ".danso-secret-key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DANSO_DEBUG", False)
# The agency running this installation, shown in the top bar (e.g. "Chi cục Dân số Đắk Lắk").
AGENCY_NAME = os.environ.get("DANSO_AGENCY_NAME", "").strip()
ALLOWED_HOSTS = os.environ.get("DANSO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DANSO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "danso.orgunits",
    "danso.accounts",
    "danso.audit",
    "danso.register",
    "danso.exchange",
    "danso.statistics",
    "danso.programmes",
    "danso.narratives",
    "danso.analysis",
    "danso.fieldwork",
    "danso.casework",
    "danso.adhoc",
    "danso.indicators",
    "danso.api",
    "danso.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danso.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "danso.web.middleware.ColumnLimitMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danso.urls"
WSGI_APPLICATION = "danso.wsgi.application"

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
                "danso.web.context.branding",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'danso.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DANSO_DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # PostgreSQL's JIT compiles the reports' grouped queries (with correlated subqueries) for
    # longer than they run: a 120,000-person province's first 01-DSH took 3.4 s with it, 1.4 s
    # without.
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DANSO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send the token with partial updates
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Deployment behind HTTPS (README, "Configuration"): each off by default so that a plain
# `danso serve` on a laptop keeps working over http://127.0.0.1.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _env_bool(
    "DANSO_SECURE_COOKIES", False
)
SECURE_SSL_REDIRECT = _env_bool("DANSO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DANSO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DANSO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("DANSO_HSTS_PRELOAD", False)
# The header a TLS-terminating proxy sets to "https", e.g. X-Forwarded-Proto. Set it only
# behind such a proxy: a client could otherwise claim HTTPS itself.
if _proxy_header := os.environ.get("DANSO_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
# Sign-in (a session or a token) for /api/v1/docs and /api/v1/openapi.json.
API_DOCS_REQUIRE_LOGIN = _env_bool("DANSO_API_DOCS_REQUIRE_LOGIN", False)

# Content-Security-Policy (django-csp): the UI runs only its own vendored scripts and styles
# (danso/web/static), so nothing inline and nothing from elsewhere is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Vietnamese whatever the browser asks; the switch in the top bar keeps English for a year.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["danso.formats"]

STATIC_URL = "static/"
# Static files are served from the apps' folders by WhiteNoise; a deployment behind another web
# server can set DANSO_STATIC_ROOT and run `danso manage collectstatic`.
STATIC_ROOT = os.environ.get("DANSO_STATIC_ROOT") or None
# Uploaded files (activity photos and documents) live beside the data and are served only
# through views that check the user's scope, never as public static files.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/tep/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Long jobs (imports, whole-province reports) run in a worker that takes them from the database
# itself, so no extra server is needed: `danso serve` starts one (docs/architecture.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job that has not beaten for this long is taken for dead (danso/heartbeat.py).
DANSO_JOB_STALE_SECONDS = float(os.environ.get("DANSO_JOB_STALE_SECONDS", "30"))
# Shared by the web server and the worker processes: import progress is written here, outside
# the import's own transaction, so the page can show it while the rows are being written.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "var" / "cache"),
    }
}

# The API's lists: limit (at most 10,000) and offset bounded (danso/api/pagination.py).
NINJA_PAGINATION_CLASS = "danso.api.pagination.BoundedLimitOffset"

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANSO_LOG_LEVEL", "WARNING")},
}
