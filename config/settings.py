"""Settings for Case Assessment, all read from the environment (see README: "Configuration").

Defaults are safe for development: SQLite in the project folder, DEBUG off unless set.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Without SECRET_KEY, a development key for tests and management commands; config/wsgi.py refuses to serve with it
# unless DEBUG is on, and check --deploy warns of it (security.W009).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-change-me"  # noqa: S105 (refused in production)
SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.admin_site.AdministratorsAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "rules",
    "csp",
    "axes",
    "accounts",
    "pdus",
    "inspections",
    "cases",
    "reports",
    "config.apps.ConfigConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long cache lifetime; every page and API answer is no-store.
    "config.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body: a chunked body without Content-Length is refused (411), never read as empty.
    "config.middleware.LengthRequiredMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a browser that was signed in, so the sign-in page can tell an expired session from signing out.
    "accounts.middleware.SignedInCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user on every history row, whichever view or admin page wrote it.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Answers a sign-in refused by django-axes (too many failures) with the sign-in page and 429; last, as axes asks.
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
                "inspections.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a connection for a minute rather than opening one per request; checked before reuse after an error.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the API throttle counts, which every worker and app host must share: production sets REDIS_URL
# (or CACHE_URL, which wins) to the one Redis beside PostgreSQL; `check --deploy` refuses a per-process cache
# (config/shared_state.py). Development and tests keep the in-process default.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {"default": env.cache("CACHE_URL", default=REDIS_URL or "locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
# Django's model backend, reading the user's roles with the user for the navigation.
# axes first: it refuses a locked-out username or address before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "inspections.backends.MembershipBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # cases.views.case_pages.start: by what the user works on
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)

# Sample import: the most cases a sample may have (reading a file stops there), and how long a checked file's
# preview waits for the lead to confirm it before it is deleted (previews are kept in the database, not the session).
SAMPLE_MAX_ROWS = env.int("SAMPLE_MAX_ROWS", default=2000)
SAMPLE_PREVIEW_MAX_AGE = timedelta(hours=env.int("SAMPLE_PREVIEW_HOURS", default=24))
# Small numbers (reports.disclosure): a rate over fewer cases than this is not shown to anyone without case-level
# access to every case behind it (national viewers); survey response counts below the survey's minimum are not shown
# to anyone, in pages, exports and the API alike.
SMALL_NUMBERS_MINIMUM_CASES = env.int("SMALL_NUMBERS_MINIMUM_CASES", default=3)
SURVEY_MINIMUM_COUNT = env.int("SURVEY_MINIMUM_COUNT", default=5)
SESSION_ENGINE = "accounts.sessions"  # database sessions that refuse malformed keys (a 500 otherwise)

# Sign-in throttling (django-axes, see accounts/throttling.py and docs/security.md): failures counted in the
# database by username and, separately, by address; API token failures by address.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = "accounts.throttling.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip_address"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password1", "new_password2"]
# How many proxies (load balancers) stand before the app and append to X-Forwarded-For; 0 when clients reach
# gunicorn directly. The client's address is the one the outermost trusted proxy saw.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Security: production sets these through the environment (see README).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# With HSTS on, its subdomains and preloading too, as GOV.UK services are asked to (check --deploy W005, W021);
# either can be turned off on its own.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, images and fonts from this site only; no inline script or style (GOV.UK's js-enabled snippet is
# static/js/enabled.js), no plugins, no framing, forms post here only.
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
    },
}
# Powerful browser features the service never uses, switched off for it and anything it might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), "
    "usb=(), fullscreen=(self)"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ThrottledTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the API's browsable documentation is /api/docs/, a GOV.UK page.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, refused over API_MAX_BODY_BYTES (413) and beyond api.parsers.MAX_DEPTH levels of nesting (400).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    # Counted in the default cache (CACHE_URL): Redis in production, so every worker shares the counts.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerUserThrottle", "api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="2000/hour"),
        "token": env.str("API_THROTTLE_TOKEN", default="1000/hour"),
    },
}
# The largest API body read (bytes); larger ones are refused with 413 before they are read. Django's own limit for
# forms (DATA_UPLOAD_MAX_MEMORY_SIZE) is the same 2.5 MB: a case's evidence at its longest fits in either.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 (a model name)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Case Assessment API",
    "DESCRIPTION": "Inspection judgements and aggregates for probation PDU inspections.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InspectionStatusEnum": "inspections.models.Inspection.Status",
        "CaseStatusEnum": "cases.models.InspectedCase.Status",
        "RatingEnum": "reports.api.RATINGS",
    },
    # A <slug:...> path segment (a case kind) takes what Django's slug converter matches, as long as the field.
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 50}},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
