"""A busy database never loses what a person typed (issue 14, item 5).

A write that meets a database held by another writer waits within a bound — SQLite's busy ``timeout``,
PostgreSQL's ``lock_timeout`` (both ``SERVICEHALL_DB_BUSY_SECONDS``, settings) — and if it still cannot go
ahead, the statement's error is raised as :class:`DatabaseBusy`. That is both a database error (a
transaction rolls back, an import batch stops as for any database error) and a :class:`RuleViolation`
with one problem, "The system is busy, please submit again later", so every page that re-renders its form
with a refused submission's problems (the convention of every form view: catch ``RuleViolation``, render
the form with ``request.POST``) does the same for a busy database: the person's text stays in the form
with the Chinese message above it, and nothing was written. Pages that do not catch it fall back to
:mod:`servicehall.web.busy` (a 503 page echoing the submitted fields in a form to send again), and the
JSON API answers 503 ``database_busy`` with ``Retry-After``.

The conversion is an execute wrapper installed on every database connection (:func:`install`, from the
web app's ``ready``), so no view has to remember it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.utils.translation import gettext_noop as N_

from servicehall.errors import Problem, RuleViolation

BUSY = N_("The system is busy, please submit again later")
# Seconds a client is told to wait before sending again (the API's Retry-After).
RETRY_AFTER = 5
# SQLite: SQLITE_BUSY and SQLITE_LOCKED. PostgreSQL: serialization failure, deadlock, lock timeout.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_PG_BUSY = {"40001", "40P01", "55P03"}


class DatabaseBusy(OperationalError, RuleViolation):  # noqa: N818 - named for what the person is told
    """The database stayed busy past the wait bound: nothing was written; the person sends it again."""

    def __init__(self, detail: str = ""):
        RuleViolation.__init__(self, Problem("__all__", BUSY))
        self.detail = detail


def is_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it wraps) is a database that stayed busy: locked, a lock wait that timed
    out, a deadlock or serialization failure the database broke off."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DatabaseBusy):
            return True
        if getattr(exc, "sqlstate", None) in _PG_BUSY or getattr(exc, "pgcode", None) in _PG_BUSY:
            return True
        if type(exc).__name__ == "OperationalError" and any(s in str(exc).lower() for s in _SQLITE_BUSY):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """The execute wrapper: a busy database's error becomes :class:`DatabaseBusy`."""
    try:
        return execute(sql, params, many, context)
    except OperationalError as exc:
        if isinstance(exc, DatabaseBusy) or not is_busy(exc):
            raise
        raise DatabaseBusy(str(exc)) from exc


def api_busy() -> Any:
    """The JSON API's answer: 503, error code ``database_busy``, ``Retry-After``."""
    from django.http import JsonResponse

    response = JsonResponse({"detail": [{"field": "__all__", "message": BUSY, "code": "database_busy"}]},
                            status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def install(connection: Any, **_kwargs: Any) -> None:
    """Add :func:`wrapper` to a connection (the ``connection_created`` signal; idempotent)."""
    if wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(wrapper)
