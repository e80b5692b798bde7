"""Settings, read from environment variables; SQLite in the data folder by default.

Bad values fail at start with the variable's name (ImproperlyConfigured).
"""

from __future__ import annotations

import datetime as dt
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
# The key published in the repository signs nothing outside development: it is used only with debugging on or
# when SERVICEHALL_INSECURE_DEV_KEY says so (make demo, make test and the test suite set it). Anywhere else the
# system refuses to start without a key of its own (issue 14, item 2).
DEVELOPMENT_KEY = "servicehall-development-key-not-for-production-use-0123456789"
DEVELOPMENT = DEBUG or envbool("SERVICEHALL_INSECURE_DEV_KEY", False)
SECRET_KEY = os.environ.get("SERVICEHALL_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured(
            "SERVICEHALL_SECRET_KEY must be set: a long random string, e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (for development only, "
            "SERVICEHALL_DEBUG=true or SERVICEHALL_INSECURE_DEV_KEY=true use the published development key)")
    SECRET_KEY = DEVELOPMENT_KEY
elif not DEVELOPMENT and (SECRET_KEY == DEVELOPMENT_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SERVICEHALL_SECRET_KEY must be a random string of 50 characters or more, "
                               "not the published development key")
ALLOWED_HOSTS = envlist("SERVICEHALL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
# The site's public address (https://hall.example.gov.cn), put before links sent by SMS (EVAL-4's rating link).
SERVICEHALL_PUBLIC_URL = os.environ.get("SERVICEHALL_PUBLIC_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "servicehall.core",
    "servicehall.audit",
    "servicehall.accounts",
    "servicehall.org",
    "servicehall.catalog",
    "servicehall.duty",
    "servicehall.cases",
    "servicehall.tickets",
    "servicehall.feedback",
    "servicehall.assessment",
    "huey.contrib.djhuey",
    "servicehall.web",
    "csp",
    "ninja",  # the API docs page from the package's own static files, not a CDN (the CSP allows no other origin)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "servicehall.audit.context.ClientAddressMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "servicehall.accounts.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a lockout noted during the login into the locked-out page (SEC-6).
    "axes.middleware.AxesMiddleware",
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


def database_config() -> dj_database_url.DBConfig:
    url = os.environ.get("SERVICEHALL_DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'servicehall.sqlite3'}"
    try:
        # Connections close after each request unless told otherwise: a threaded server must not keep one
        # per finished thread (the load test ran PostgreSQL out of connections with persistent ones).
        # The production server (servicehall/gunicorn_conf.py: bounded workers and threads) keeps them for
        # SERVICEHALL_DB_CONN_MAX_AGE seconds (default 60 there), checked before each request reuses one.
        config = dj_database_url.parse(url, conn_max_age=envint("SERVICEHALL_DB_CONN_MAX_AGE", 0),
                                       conn_health_checks=True)
    except Exception as exc:  # noqa: BLE001 - re-raised with the variable's name
        raise ImproperlyConfigured(f"SERVICEHALL_DATABASE_URL is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # Wait for a writer instead of failing at once (several processes share one file). SEC-4: a committed
        # write survives a power cut (WAL with synchronous=FULL syncs the log at every commit).
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                             "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"}
    return config


DATABASES = {"default": database_config()}

# -- a streaming replica for reads (issue 14, item 8) ------------------------------------------------------
# With SERVICEHALL_REPLICA_URL (a PostgreSQL hot standby of the primary), the report, statistics, export and
# public pages read from it; writes, and reads after a write, stay on the primary (servicehall.core.dbrouter).
# In tests the alias mirrors the primary's test database: Django only renames it (TEST MIRROR keeps the host
# and port), so a streaming replica serves the test database that the primary creates and it replays.
_replica_url = os.environ.get("SERVICEHALL_REPLICA_URL", "")
if _replica_url:
    try:
        _replica = dj_database_url.parse(_replica_url)
    except Exception as exc:  # noqa: BLE001 - re-raised with the variable's name
        raise ImproperlyConfigured(f"SERVICEHALL_REPLICA_URL is not a database URL: {exc}") from exc
    if "postgresql" not in _replica["ENGINE"] or _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("SERVICEHALL_REPLICA_URL must name a PostgreSQL replica of a PostgreSQL "
                                   "SERVICEHALL_DATABASE_URL")
    # Connections kept and checked as the primary's are.
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        if _key in DATABASES["default"]:
            _replica[_key] = DATABASES["default"][_key]
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["servicehall.core.dbrouter.ReplicaRouter"]
    # A browser that just wrote reads from the primary for a few seconds (inside the others; axes stays last).
    MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
                      "servicehall.core.dbrouter.ReadYourWritesMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # SEC-6: 3 of 4 character classes; not one of the last 5 (the validator also keeps the history).
    {"NAME": "servicehall.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "servicehall.accounts.validators.PasswordHistoryValidator",
     "OPTIONS": {"count": envint("SERVICEHALL_PASSWORD_HISTORY", 5)}},
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

# -- accounts (SEC-6) -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "servicehall.accounts.backends.LockoutBackend",  # refuses a locked-out name before anything else
    "servicehall.accounts.backends.StaffBackend",  # refuses an inactive account or staff record
]
# Sessions end after idle minutes, and at most this many hours after the login (a working day).
SESSION_IDLE_MINUTES = envint("SERVICEHALL_SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = envint("SERVICEHALL_SESSION_MAX_HOURS", 10)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1 or SESSION_MAX_HOURS > 24:
    raise ImproperlyConfigured("SERVICEHALL_SESSION_IDLE_MINUTES must be 1 or more and "
                               "SERVICEHALL_SESSION_MAX_HOURS between 1 and 24")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Passwords are changed every so many days (a center's policy may say fewer).
PASSWORD_MAX_AGE_DAYS = envint("SERVICEHALL_PASSWORD_MAX_AGE_DAYS", 90)
# Login lockout (django-axes): LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_MINUTES lock the
# user name for LOCKOUT_MINUTES, from any address (a hall's clerks often share one address, so the
# address alone does not lock unless SERVICEHALL_LOCKOUT_BY_ADDRESS is set).
LOGIN_FAILURE_LIMIT = envint("SERVICEHALL_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_MINUTES = envint("SERVICEHALL_LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOCKOUT_MINUTES = envint("SERVICEHALL_LOCKOUT_MINUTES", 30)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_FAILURE_WINDOW_MINUTES < 1 or LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("SERVICEHALL_LOGIN_FAILURE_LIMIT, _WINDOW_MINUTES and SERVICEHALL_LOCKOUT_MINUTES "
                               "must be 1 or more")
AXES_ENABLED = envbool("SERVICEHALL_LOCKOUT", True)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = (["username", "ip_address"] if envbool("SERVICEHALL_LOCKOUT_BY_ADDRESS", False)
                           else ["username"])
AXES_HANDLER = "servicehall.accounts.lockout.WindowedLockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the failures' times: the window is counted from them
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts are in the audit trail (SEC-7), not kept twice
AXES_RESET_ON_SUCCESS = False  # a sliding window: a success in between does not forgive failures
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock lasts LOCKOUT_MINUTES, not longer
AXES_LOCKOUT_CALLABLE = "servicehall.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "servicehall.audit.context.address_of"
AXES_VERBOSE = False
# Axes warns when the address is not a lockout parameter; locking by name from any address is intended.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: use the connection's address).
SERVICEHALL_PROXY_COUNT = envint("SERVICEHALL_PROXY_COUNT", 0)
# Second factor (TOTP) for the three administrators (三员分立) when set; a center's policy may require it too.
OTP_REQUIRED_FOR_ADMINS = envbool("SERVICEHALL_OTP_FOR_ADMINS", False)
OTP_TOTP_ISSUER = "servicehall"

# -- audit (SEC-7) --------------------------------------------------------------
SERVICEHALL_AUDIT_RETENTION_DAYS = envint("SERVICEHALL_AUDIT_RETENTION_DAYS", 180)
if SERVICEHALL_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("SERVICEHALL_AUDIT_RETENTION_DAYS must be 180 or more (SEC-7), got "
                               f"{SERVICEHALL_AUDIT_RETENTION_DAYS}")
CSRF_COOKIE_HTTPONLY = False
# A form refused for its security token says so in Chinese, with a way back (issue 13, item 3).
CSRF_FAILURE_VIEW = "servicehall.web.errors.csrf_failure"

# -- deployment: HTTPS behind a reverse proxy (deploy/, README "Install on a Debian server"; issue 14) --------
# SERVICEHALL_HTTPS=true says the site is served over HTTPS (TLS ends at the proxy): cookies are sent only over
# HTTPS, plain HTTP is redirected (except the health endpoint, which monitoring may probe on the local port) and
# browsers are told to keep to HTTPS (HSTS) for SERVICEHALL_HSTS_SECONDS. Behind SERVICEHALL_PROXY_COUNT proxies
# the nearest one's X-Forwarded-Proto says whether the request came over HTTPS (the proxy must set it, never
# pass on the client's: deploy/nginx/servicehall.conf does).
HTTPS = envbool("SERVICEHALL_HTTPS", False)
if SERVICEHALL_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = envbool("SERVICEHALL_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SERVICEHALL_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SERVICEHALL_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SERVICEHALL_HSTS_PRELOAD", False)
# Origins (scheme and host) whose forms are accepted besides the site's own, e.g. https://zwfw.example.gov.cn
# when the proxy passes another Host header.
CSRF_TRUSTED_ORIGINS = envlist("SERVICEHALL_CSRF_TRUSTED_ORIGINS", [])
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"SERVICEHALL_HSTS_SECONDS must be 0 or more, got {SECURE_HSTS_SECONDS}")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("https://", "http://")):
        raise ImproperlyConfigured("SERVICEHALL_CSRF_TRUSTED_ORIGINS must list origins with their scheme, "
                                   f"e.g. https://zwfw.example.gov.cn, got {_origin!r}")

# Content-Security-Policy on every page (django-csp): scripts and styles only from the site's own static files —
# no inline script, no inline style, no script or style attribute — images from the site (and the empty data:
# icon), nothing framed, forms posted only to the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# The health endpoint /healthz (for the proxy and monitoring): the worker's last heartbeat must be younger than
# this many seconds and the data folder's disk must have this many megabytes free.
HEALTH_WORKER_MAX_AGE_SECONDS = envint("SERVICEHALL_HEALTH_WORKER_MAX_AGE", 300)
HEALTH_MIN_FREE_MB = envint("SERVICEHALL_HEALTH_MIN_FREE_MB", 500)

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
        # The worker: given a handler here, Huey adds no unfiltered one of its own.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SERVICEHALL_LOG_LEVEL", "WARNING")},
}

# Alerts: the in-app list; add "servicehall.core.notify.ConsoleSms" (or a gateway) for SMS.
SERVICEHALL_NOTIFIERS = envlist("SERVICEHALL_NOTIFIERS", ["servicehall.core.notify.InAppNotifier"])

# SMS (issue 16): every message is an outgoing row sent by the worker through this backend (an empty value
# switches SMS off); at most so many messages a minute and an hour to one number (README: "SMS and the
# provincial push").
SERVICEHALL_SMS_BACKEND = os.environ.get("SERVICEHALL_SMS_BACKEND", "servicehall.core.sms.FileBackend")
SERVICEHALL_SMS_URL = os.environ.get("SERVICEHALL_SMS_URL", "")
SERVICEHALL_SMS_KEY = os.environ.get("SERVICEHALL_SMS_KEY", "")
SERVICEHALL_SMS_SECRET = os.environ.get("SERVICEHALL_SMS_SECRET", "")
SERVICEHALL_SMS_TIMEOUT = envint("SERVICEHALL_SMS_TIMEOUT", 10)
SERVICEHALL_SMS_PER_MINUTE = envint("SERVICEHALL_SMS_PER_MINUTE", 3)
SERVICEHALL_SMS_PER_HOUR = envint("SERVICEHALL_SMS_PER_HOUR", 20)
# The provincial push of ratings (好差评): one JSON file per rating under DATA_DIR/push by default.
SERVICEHALL_PUSH_SENDER = os.environ.get("SERVICEHALL_PUSH_SENDER", "servicehall.core.push.FileSender")
SERVICEHALL_PUSH_URL = os.environ.get("SERVICEHALL_PUSH_URL", "")
SERVICEHALL_PUSH_KEY = os.environ.get("SERVICEHALL_PUSH_KEY", "")
SERVICEHALL_PUSH_SECRET = os.environ.get("SERVICEHALL_PUSH_SECRET", "")
SERVICEHALL_PUSH_TIMEOUT = envint("SERVICEHALL_PUSH_TIMEOUT", 10)
# Both go through the outbox: a failed attempt waits BACKOFF × 2^(attempts-1) seconds; after MAX_ATTEMPTS the
# message is a dead letter the office can send again.
SERVICEHALL_OUTBOX_MAX_ATTEMPTS = envint("SERVICEHALL_OUTBOX_MAX_ATTEMPTS", 8)
SERVICEHALL_OUTBOX_BACKOFF_SECONDS = envint("SERVICEHALL_OUTBOX_BACKOFF_SECONDS", 60)

# The worker (`servicehall worker`): Huey on SQLite by default, Redis when SERVICEHALL_REDIS_URL is set.
_redis = os.environ.get("SERVICEHALL_REDIS_URL", "")
HUEY = {
    "name": "servicehall",
    # The schedule's hours are the hall's (TIME_ZONE, which Django makes the process's local zone): the daily
    # card refresh at 00:02 and the backup at 02:30 run then in Beijing time, not eight hours later as UTC.
    "utc": False,
    "immediate": envbool("SERVICEHALL_TASKS_IMMEDIATE", False),
    "consumer": {"workers": 1, "worker_type": "thread", "periodic": True},
}
if _redis:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")})

# -- backups (SEC-3, SEC-4) -------------------------------------------------------------------------
# `servicehall backup` and the worker's daily backup write encrypted archives (core/backup.py); without a key
# nothing is backed up and the system administrators are told every day. Make a key: `servicehall backup --new-key`.
SERVICEHALL_BACKUP_KEY = os.environ.get("SERVICEHALL_BACKUP_KEY", "")
SERVICEHALL_BACKUP_DIR = Path(os.environ.get("SERVICEHALL_BACKUP_DIR", "") or DATA_DIR / "backups")
SERVICEHALL_BACKUP_KEEP = envint("SERVICEHALL_BACKUP_KEEP", 30)
if SERVICEHALL_BACKUP_KEEP < 1:
    raise ImproperlyConfigured(f"SERVICEHALL_BACKUP_KEEP must be 1 or more, got {SERVICEHALL_BACKUP_KEEP}")

# The cache (rate limits of the public forms and lookups): in Redis when SERVICEHALL_REDIS_URL is set, shared by
# every app process and machine; otherwise in each process's memory (development, one process).
if _redis:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis,
                          "KEY_PREFIX": "servicehall"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The center whose public pages the site shows when the URL names none.
DEFAULT_CENTER = os.environ.get("SERVICEHALL_CENTER", "DEMO")

# -- a busy database (issue 14, item 5; servicehall.busy, servicehall.web.busy) ------------------------
# A write waits at most this long for another writer (SQLite's busy timeout, PostgreSQL's lock_timeout);
# then the person is asked to send it again with everything they typed kept (503 on the API), never a 500.
DATABASE_BUSY_SECONDS = envint("SERVICEHALL_DB_BUSY_SECONDS", 20)
if DATABASE_BUSY_SECONDS < 1:
    raise ImproperlyConfigured("SERVICEHALL_DB_BUSY_SECONDS must be 1 or more")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = DATABASE_BUSY_SECONDS
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c lock_timeout={DATABASE_BUSY_SECONDS * 1000}".strip()
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                  "servicehall.web.busy.BusyDatabaseMiddleware")
