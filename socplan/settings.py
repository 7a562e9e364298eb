"""Django settings, read from the environment (Healthchecks style: SQLite by default, PostgreSQL in production).

Environment:
  DATABASE_URL     default sqlite:///<SOCPLAN_DATA_DIR>/socplan.sqlite3
  SOCPLAN_DATA_DIR default $XDG_DATA_HOME/socplan, i.e. ~/.local/share/socplan (created on first run); holds the
                   SQLite file, the local secret key, media and collected static files. Never inside the package.
  SECRET_KEY       default: generated once (at the first start) and stored in <SOCPLAN_DATA_DIR>/secret_key (0600)
  REDIS_URL        when set, the shared cache (rate limits, API throttling) is Redis; else the database cache
  SOCPLAN_API_ANON_RATE  requests per address of anonymous API clients (default 600/minute)
  SOCPLAN_PROXY_COUNT    reverse proxies in front (client address from X-Forwarded-For for lockout and limits)
  DEBUG            "1"/"true" to enable (default off)
  ALLOWED_HOSTS    comma-separated (default localhost,127.0.0.1,[::1],testserver)
  SOCPLAN_TLS      "1" when served behind TLS: secure cookies, HSTS, SSL redirect
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def data_dir(environ=os.environ) -> Path:
    """SOCPLAN_DATA_DIR, else the user's data home: $XDG_DATA_HOME/socplan or ~/.local/share/socplan."""
    if environ.get("SOCPLAN_DATA_DIR"):
        return Path(environ["SOCPLAN_DATA_DIR"]).expanduser().resolve()
    xdg = environ.get("XDG_DATA_HOME", "")
    home = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return (home / "socplan").resolve()


DATA_DIR = data_dir()
if DATA_DIR == BASE_DIR or BASE_DIR in DATA_DIR.parents:
    raise ImproperlyConfigured(f"SOCPLAN_DATA_DIR {DATA_DIR} lies inside the socplan package; choose another folder.")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else the key generated at the first start into the data directory."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # two processes starting at once: one writes
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it (a new key is generated) or set SECRET_KEY.")
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_tables2",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "socplan.core",
    "socplan.accounts",
    "socplan.notices",
    "socplan.attachments",
    "socplan.territory",
    "socplan.registry",
    "socplan.planning",
    "socplan.network",
    "socplan.evaluation",
    "socplan.finance",
    "socplan.availability",
    "socplan.catalogue",
    "socplan.documents",
    "socplan.inbox",
    "socplan.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "socplan.core.middleware.SecurityHeadersMiddleware",
    # Last: turns a login refused by the lockout backend into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socplan.urls"
WSGI_APPLICATION = "socplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socplan.core.context_processors.navigation",
                "socplan.inbox.context_processors.inbox_counts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'socplan.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Lockout first (django-axes, see socplan/accounts/backends.py); object permissions from the scope layer
# (django-rules, socplan/accounts/rules.py); then Django's own users and model permissions.
AUTHENTICATION_BACKENDS = [
    "socplan.accounts.backends.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "socplan.accounts.backends.ModelBackend",  # Django's, refusing a user name with a NUL before the database
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): 5 failed logins for one username from one address lock that pair out
# for 15 minutes; a successful login resets the count. Attempts are kept in the database (shared by all
# web workers). Behind a reverse proxy set SOCPLAN_PROXY_COUNT to the number of proxies in front.
AXES_FAILURE_LIMIT = int(os.environ.get("SOCPLAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SOCPLAN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
SOCPLAN_PROXY_COUNT = int(os.environ.get("SOCPLAN_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = SOCPLAN_PROXY_COUNT or None
# The lockout key is stored: control characters (NUL) replaced, cut to the column's length.
AXES_USERNAME_CALLABLE = "socplan.accounts.backends.lockout_username"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Language and formats: Czech first, English available.
LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", _("čeština")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["socplan.formats"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Security. Behind TLS (SOCPLAN_TLS=1) cookies are secure and HSTS is sent.
TLS = env_bool("SOCPLAN_TLS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
SECURE_SSL_REDIRECT = TLS
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_HSTS_PRELOAD = TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TLS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "socplan.core.pagination.PageSizePagination",  # ?page_size=N, at most 1000
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    # Anonymous API clients: a rate per address, counted in the shared cache (socplan/core/throttling.py).
    # The public catalogue API has its own, higher rate (SOCPLAN_CATALOGUE_API_RATE, catalogue/api.py).
    "DEFAULT_THROTTLE_CLASSES": ["socplan.core.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("SOCPLAN_API_ANON_RATE", "600/minute")},
    "NUM_PROXIES": SOCPLAN_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "socplan API",
    "DESCRIPTION": "Plánování, síť a financování sociálních služeb — veřejné a interní API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # writes to a versioned record: If-Match, 412, 428 and the ETag header (socplan/core/api_locking.py)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "socplan.core.api_locking.schema_preconditions"],
    # Several apps have fields named kind/source/status with different choice sets: name them explicitly.
    "ENUM_NAME_OVERRIDES": {
        "PlanKindEnum": "socplan.planning.models.PlanKind",
        "PlanStatusEnum": "socplan.planning.models.PlanStatus",
        "RecordSourceEnum": "socplan.core.models.Source",
        "JobStatusEnum": "socplan.core.models.Job.Status",
        "DevelopmentRequestStateEnum": "socplan.network.models.RequestState",
        "ReportStateEnum": "socplan.finance.models.ReportState",
        "AllocationStateEnum": "socplan.finance.models.AllocationState",
    },
}

# Background jobs: Django's tasks API (backport) with a database-backed worker, so the default needs
# no extra server. Run `socplan db_worker` beside the web server; tests run tasks immediately.
# E-mail (notifications): SMTP from the environment; without EMAIL_HOST the console backend prints them.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "socplan <socplan@localhost>")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))  # EMAIL_BACKEND=…filebased…
# The address of the site in e-mails (links to the page and to unsubscribe).
SOCPLAN_BASE_URL = os.environ.get("SOCPLAN_BASE_URL", "http://127.0.0.1:8000")
# Reminders go this many days before a deadline (comment periods, milestones, reports).
SOCPLAN_REMIND_DAYS = int(os.environ.get("SOCPLAN_REMIND_DAYS", "7"))
# Attachments: the largest accepted file.
SOCPLAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("SOCPLAN_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# Attachments are stored here (never under a URL the web server serves: downloads go through the scope check).
SOCPLAN_ATTACHMENT_DIR = DATA_DIR / "attachments"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SOCPLAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# The shared cache: what every web worker must see alike (the public comment rate limit, API throttling).
# Redis when REDIS_URL is set; otherwise a table in the database (created after `migrate`, socplan/core/cache_table.py).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": "socplan"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "socplan_cache",
                          "OPTIONS": {"MAX_ENTRIES": 100000}}}

# Public comments on a plan: at most PLANNING_COMMENT_RATE per address in 10 minutes (shared cache).
PLANNING_COMMENT_RATE = int(os.environ.get("SOCPLAN_COMMENT_RATE", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 400, …) is one line without a traceback; 5xx keep theirs (socplan/core/log.py).
    "filters": {"client_errors_one_line": {"()": "socplan.core.log.ClientErrorsOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # django.security.<Exception> (DisallowedHost, a bad multipart body, …) answers 400: one line too. A logger's
    # filter does not apply to its children, so each of Django's security loggers is named.
    "loggers": {name: {"filters": ["client_errors_one_line"]}
                for name in ("django.request", "django.security", "django.security.DisallowedHost",
                             "django.security.DisallowedRedirect", "django.security.SuspiciousOperation",
                             "django.security.SuspiciousFileOperation", "django.security.SuspiciousMultipartForm",
                             "django.security.SuspiciousSession", "django.security.RequestDataTooBig",
                             "django.security.TooManyFieldsSent", "django.security.TooManyFilesSent",
                             "django.security.csrf")},
}
