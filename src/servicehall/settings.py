"""Settings, read from environment variables; SQLite in the data folder by default.

Bad values fail at start with the variable's name (ImproperlyConfigured).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("SERVICEHALL_DATA_DIR", PROJECT_DIR / "data"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


DEBUG = envbool("SERVICEHALL_DEBUG", False)
SECRET_KEY = os.environ.get("SERVICEHALL_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or envbool("SERVICEHALL_INSECURE_DEV_KEY", True):
        SECRET_KEY = "servicehall-development-key-not-for-production-use-0123456789"
    else:
        raise ImproperlyConfigured("SERVICEHALL_SECRET_KEY must be set in production")
ALLOWED_HOSTS = envlist("SERVICEHALL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "servicehall.audit",
    "servicehall.org",
    "servicehall.catalog",
    "servicehall.duty",
    "servicehall.cases",
    "servicehall.tickets",
    "servicehall.feedback",
    "huey.contrib.djhuey",
    "servicehall.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "servicehall.urls"
WSGI_APPLICATION = "servicehall.wsgi.application"

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
                "servicehall.web.context.site",
            ],
        },
    },
]


def database_config() -> dict:
    url = os.environ.get("SERVICEHALL_DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'servicehall.sqlite3'}"
    try:
        # Connections close after each request unless told otherwise: a threaded server must not keep one
        # per finished thread (the load test ran PostgreSQL out of connections with persistent ones).
        config = dj_database_url.parse(url, conn_max_age=envint("SERVICEHALL_DB_CONN_MAX_AGE", 0))
    except Exception as exc:  # noqa: BLE001 - re-raised with the variable's name
        raise ImproperlyConfigured(f"SERVICEHALL_DATABASE_URL is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # Wait for a writer instead of failing at once (several processes share one file).
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                             "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese for everyone, whatever the browser asks for (the hall's language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
try:  # WhiteNoise serves from the apps' folders (finders); it wants the root to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"  # complaint attachments; served only through views that check the viewer
FILE_UPLOAD_HANDLERS = [
    "servicehall.feedback.attachments.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# SEC-3: every handler masks ID numbers and mobile numbers in every record, whoever logged it. Django's own
# loggers lose their default handlers (which would print unmasked) and write through these.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "servicehall.web.masking.PersonalDataFilter"}},
    "formatters": {"django.server": {"()": "django.utils.log.ServerFormatter",
                                     "format": "[{server_time}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server",
                          "filters": ["personal_data"]},
    },
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SERVICEHALL_LOG_LEVEL", "WARNING")},
}

# Alerts: the in-app list; add "servicehall.duty.notify.ConsoleSms" (or a gateway) for SMS.
SERVICEHALL_NOTIFIERS = envlist("SERVICEHALL_NOTIFIERS", ["servicehall.duty.notify.InAppNotifier"])

# The worker (`servicehall worker`): Huey on SQLite by default, Redis when SERVICEHALL_REDIS_URL is set.
_redis = os.environ.get("SERVICEHALL_REDIS_URL", "")
HUEY = {
    "name": "servicehall",
    "immediate": envbool("SERVICEHALL_TASKS_IMMEDIATE", False),
    "consumer": {"workers": 1, "worker_type": "thread", "periodic": True},
}
if _redis:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")})

# The center whose public pages the site shows when the URL names none.
DEFAULT_CENTER = os.environ.get("SERVICEHALL_CENTER", "DEMO")
