"""Settings shared by every profile (test, demo, production).

Everything that differs between machines comes from the environment: DATABASE_URL (an SQLite
file under var/ by default), SECRET_KEY, ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("LIAISON_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "config.admin_site.LiaisonAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",
    "liaison.core",
    "liaison.organization",
    "liaison.accounts",
    "liaison.stations",
    "liaison.deputies",
    "liaison.demo",
    "liaison.receptions",
    "liaison.cases",
    "liaison.exchange",
    "liaison.portal",
    "liaison.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "liaison.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "liaison.accounts.middleware.SessionTimeoutMiddleware",
    "liaison.accounts.middleware.DenialAuditMiddleware",
    "liaison.accounts.middleware.PasswordChangeRequiredMiddleware",
    # Axes must come last: it turns a lockout raised during authentication into a response.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.accounts.context_processors.staff_navigation",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    """The default database: DATABASE_URL, or an SQLite file in WAL mode.

    SQLite settings follow STACK.md: WAL with synchronous=NORMAL, a busy timeout, and
    IMMEDIATE transactions so that concurrent writers queue instead of failing with
    "database is locked". Both databases keep connections open (CONN_MAX_AGE).
    """
    url = os.environ.get("DATABASE_URL", "")
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = sqlite_options()
        return config
    default_sqlite.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": sqlite_options(),
    }


def sqlite_options() -> dict[str, object]:
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
        ),
    }


DATABASES = {"default": database_from_env(VAR_DIR / "liaison.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login lockout (SECURITY.md S8): 5 failures for one username, or from one address, lock that
# username or address for 15 minutes; unknown usernames are counted like known ones, so the
# answer never tells whether an account exists.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "liaison.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

# A staff session ends 8 hours after sign-in, or after 30 minutes without a request (S9).
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_IDLE_TIMEOUT = 60 * 30
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# API bearer tokens live this long; a revoked or expired token is a 401 (SECURITY.md S10).
API_TOKEN_TTL = timedelta(hours=12)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("简体中文")),
    ("zh-hant", _("繁體中文")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Security headers (SECURITY.md S12). The CSP forbids inline script and eval: every script is a
# static file of ours.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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

# Request bodies: a huge JSON body is refused before it is parsed (SECURITY.md S13).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Axes logs usernames and addresses on every failure; usernames may be phone numbers,
        # which must not reach the logs (SECURITY.md S20).
        "axes": {"level": "ERROR"},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 100

# Background jobs (imports, exports): finished ones and their files are deleted after this long;
# one "running" for longer than JOB_STUCK_AFTER lost its worker and is marked failed.
JOB_RETENTION = timedelta(days=30)
JOB_STUCK_AFTER = timedelta(hours=6)

# The notification outbox's senders per channel (liaison.core.notify): the console sender logs
# "sent sms #id" without the number; a deployment points sms/wechat at its gateway's sender.
NOTIFICATION_SENDERS = {
    "sms": "liaison.core.notify.ConsoleSender",
    "wechat": "liaison.core.notify.ConsoleSender",
    "in_app": "liaison.core.notify.InAppSender",
}

# Cases (liaison.cases). Attachments live in this private directory (no URL serves it; downloads
# go through a permission-checking view).
CASE_FILES_DIR = Path(os.environ.get("LIAISON_CASE_FILES_DIR", VAR_DIR / "case_files"))
# Days after closure until a case's personal data is anonymised (SECURITY.md S25; the
# personal-information notice residents read states it).
LIAISON_CASE_RETENTION_DAYS = int(os.environ.get("LIAISON_CASE_RETENTION_DAYS", 730))
# Days an answer waits for the resident's rating before the case closes as unrated.
LIAISON_CASE_AUTO_CLOSE_DAYS = int(os.environ.get("LIAISON_CASE_AUTO_CLOSE_DAYS", 15))
# Working days past a referral's deadline at which the department's lead handler, then the
# office (督办), are told; the handler is told on the first overdue day.
LIAISON_REFERRAL_LADDER = (2, 5)
