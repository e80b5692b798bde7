"""The production server's settings (gunicorn): ``gunicorn -c python:servicehall.gunicorn_conf
servicehall.wsgi`` — what ``servicehall serve`` and deploy/systemd/servicehall-web.service run (issue 14).

Every figure comes from the environment, with defaults for a small server (2 cores):

- ``SERVICEHALL_BIND`` (``127.0.0.1:8000``): where to listen; the reverse proxy forwards to it.
- ``SERVICEHALL_WEB_WORKERS`` (cores + 1) processes, each with ``SERVICEHALL_WEB_THREADS`` (4) threads: at most
  workers × threads requests at once, and as many database connections (PostgreSQL's ``max_connections`` must
  exceed that, plus the worker's and the commands'). Bounded: a burst waits in the listen queue
  (``SERVICEHALL_WEB_BACKLOG``) instead of opening connections without end.
- ``SERVICEHALL_DB_CONN_MAX_AGE`` (60 here): each thread keeps its database connection that many seconds,
  checked before reuse (settings.py turns on the health check).
- ``SERVICEHALL_WEB_TIMEOUT`` (30 s): a request running longer is stopped and its worker restarted.
- ``SERVICEHALL_ACCESS_LOG`` (``-``: standard output; ``off`` for none): one line per request, through the same
  filter as every log record, which masks ID and mobile numbers (SEC-3); the client's address is the one the
  proxy passed in ``X-Forwarded-For``.
"""

from __future__ import annotations

import logging
import os

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None
    if number < 1:
        raise SystemExit(f"{name} must be 1 or more, got {number}")
    return number


# Persistent connections for this bounded server; the threaded development server keeps the default 0.
os.environ.setdefault("SERVICEHALL_DB_CONN_MAX_AGE", "60")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")

wsgi_app = "servicehall.wsgi:application"
bind = [b.strip() for b in os.environ.get("SERVICEHALL_BIND", "127.0.0.1:8000").split(",") if b.strip()]
workers = _int("SERVICEHALL_WEB_WORKERS", (os.cpu_count() or 1) + 1)
threads = _int("SERVICEHALL_WEB_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
backlog = _int("SERVICEHALL_WEB_BACKLOG", 512)
timeout = _int("SERVICEHALL_WEB_TIMEOUT", 30)
graceful_timeout = _int("SERVICEHALL_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# A worker is replaced after this many requests (a slow leak cannot grow without end); jitter staggers them.
max_requests = _int("SERVICEHALL_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max(1, max_requests // 10)
# Requests larger than what any form accepts are refused by the app (feedback/attachments.py); these bound the
# request line and headers.
limit_request_line = 8190
limit_request_fields = 100
proc_name = "servicehall-web"
# No control socket in the home folder (the service's user has none; two servers would share one path).
control_socket_disable = True
# Imported once in the master, then forked: workers share the loaded code, and a broken setting (no secret
# key) stops the start at once instead of in a loop of dying workers.
preload_app = True

_access = os.environ.get("SERVICEHALL_ACCESS_LOG", "-")
accesslog = None if _access.lower() in ("off", "none", "") else _access
errorlog = "-"
loglevel = os.environ.get("SERVICEHALL_WEB_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


class MaskingLogger(Logger):
    """Gunicorn's logger with the personal-data filter on every handler (SEC-3): request lines carry query
    strings, error lines carry whatever failed."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from servicehall.web.masking import PersonalDataFilter

        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                    handler.addFilter(PersonalDataFilter())


logger_class = MaskingLogger


def post_fork(server, worker) -> None:
    """Connections are never shared across the fork: a preloaded app has opened none, but make sure."""
    try:
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
    except Exception:  # noqa: BLE001 - nothing to close
        logging.getLogger(__name__).debug("no connections to close after fork")
