"""Reads of reports, statistics, exports and the public pages on a streaming replica (issue 14, item 8).

A city or province runs PostgreSQL with streaming replicas. When ``SERVICEHALL_REPLICA_URL`` is set, the
settings add a second database alias, ``replica``, install :class:`ReplicaRouter` and
:class:`ReadYourWritesMiddleware`. Nothing is routed by guessing from the model: a read goes to the replica only

* inside :func:`reading_from_replica` — which the views that only read (the public pages, the office's
  report, statistics and export pages) enter through the :func:`replica_reads` decorator, for GET and HEAD
  requests only;
* for an app nothing has been written to in that context yet (read-after-write: once a request wrote, say,
  an audit record of its export, its later reads of the audit trail go to the primary, which has it);
* outside a transaction on the primary (what a transaction reads must be what it writes beside);
* not within a few seconds after the same browser's request changed the hall's data (the page a form
  redirects to shows what the form did: :class:`ReadYourWritesMiddleware` marks the browser with a
  short-lived cookie);
* and never for the state of the login and the guards (sessions, accounts, lockouts, second factors, form
  tokens, counters, device keys, a database cache): those are written by the request before or the request
  itself, and a replica a moment behind would log people out or let a form be sent twice.

Every write goes to the primary, inside the context too (a rate-limit counter, a session touch, an audit
record of an export). Outside the context everything goes to the primary, as without a replica. Only the
primary is migrated. Without ``SERVICEHALL_REPLICA_URL`` neither the router nor the middleware is installed
and :func:`replica_reads` changes nothing.

A replica is behind the primary by its replication lag (on one network, milliseconds): a report may miss an
event recorded in that moment. What decides whether the reader may see it is never read there (SEC-1, SEC-5):
the roles (:data:`PRIMARY_ONLY_MODELS`) and the reader's own staff record (whether they are still active) come
from the primary, so a role taken away a moment ago opens no report page on a replica that has not replayed it.

The API's report endpoints (ninja) enter the same context through :func:`replica_context` inside the handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

# Read where they were written: the login's and the guards' state (see the module's text).
PRIMARY_ONLY_APPS = frozenset({
    "sessions", "auth", "accounts", "axes", "django_otp", "otp_totp", "otp_static", "admin", "contenttypes",
    "core",  # one-time form tokens, daily counters, device keys, alerts
    "django_cache",  # Django's database cache, if one is configured
})


# Read on the primary, inside a replica read too: what permission checks decide on (org/permissions.py) —
# a role revoked a moment ago must not act through a replica that is behind (the lag guard; SEC-1, SEC-5).
PRIMARY_ONLY_MODELS = frozenset({"org.staffrole"})
# The acting person's staff record (active or not), read through their login (``user.staff``): on the primary.
_THROUGH_LOGIN = ("org.staff", "auth.user")


# The browser that wrote reads from the primary for this long (the cookie's name and lifetime) — unless all it
# wrote was login state or the audit trail's record of what it read or did (a login, an export: SEC-7), which
# are not changes the person expects to see on the next page.
STICKY_COOKIE = "servicehall_primary"
STICKY_SECONDS = 5
NOT_STICKY_APPS = PRIMARY_ONLY_APPS | {"audit"}


@dataclass
class _Writes:
    apps: set[str] = field(default_factory=set)


_reading: ContextVar[_Writes | None] = ContextVar("servicehall_replica_reading", default=None)
_request: ContextVar[_Writes | None] = ContextVar("servicehall_request_writes", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within: reads may go to the replica (when one is configured), an app's until it is written to."""
    token = _reading.set(_Writes())
    try:
        yield
    finally:
        _reading.reset(token)


View = TypeVar("View", bound=Callable[..., Any])


def replica_context(request: Any, methods: tuple[str, ...] = ("GET", "HEAD")) -> AbstractContextManager[None]:
    """The context a read-only request's reads run in: :func:`reading_from_replica` for a GET or HEAD (or the
    ``methods`` given) when a replica is configured and the browser did not just write, else nothing (all on the
    primary)."""
    if (request.method not in methods or not replica_configured()
            or STICKY_COOKIE in request.COOKIES):
        return nullcontext()
    return reading_from_replica()


def _on_replica(view: View, methods: tuple[str, ...]) -> View:
    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        with replica_context(request, methods):
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def replica_reads(view: View) -> View:
    """A view that only reads: its GET and HEAD requests read from the replica (see the module's text).

    Put it closest to the view (below ``login_required``): the permission checks then read from the replica
    too, the session and the user from the primary (their apps are primary-only)."""
    return _on_replica(view, ("GET", "HEAD"))


def replica_lookup(view: View) -> View:
    """:func:`replica_reads` for a lookup sent as a posted form (PUB-2: its answers — a phone's digits — stay out
    of addresses, histories and logs, SEC-3): its GET, HEAD and POST requests read from the replica."""
    return _on_replica(view, ("GET", "HEAD", "POST"))


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry, installed only with a replica (settings)."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        state = _reading.get()
        app = model._meta.app_label  # type: ignore[attr-defined]
        if state is None or app in state.apps or app in PRIMARY_ONLY_APPS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if model._meta.label_lower in PRIMARY_ONLY_MODELS:  # type: ignore[attr-defined]
            return PRIMARY  # the lag guard: a permission's roles
        instance = hints.get("instance")
        if instance is not None and (model._meta.label_lower,  # type: ignore[attr-defined]
                                     instance._meta.label_lower) == _THROUGH_LOGIN:
            return PRIMARY  # the reader's own staff record through their login (still active?)
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        app = model._meta.app_label  # type: ignore[attr-defined]
        for state in (_reading.get(), _request.get()):
            if state is not None:
                state.apps.add(app)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY


class ReadYourWritesMiddleware:
    """Installed with a replica: a request that wrote the hall's data (not only login state or audit records)
    marks the browser for :data:`STICKY_SECONDS`, and :func:`replica_reads` serves its pages from the primary
    meanwhile — the page a form redirects to shows what the form did, however far the replica is behind."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _request.set(_Writes())
        try:
            response = self.get_response(request)
            wrote = _request.get()
        finally:
            _request.reset(token)
        if wrote is not None and wrote.apps - NOT_STICKY_APPS:
            response.set_cookie(STICKY_COOKIE, "1", max_age=STICKY_SECONDS, httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return response
