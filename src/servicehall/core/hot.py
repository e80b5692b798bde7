"""Per-process copies of the settings a hot path reads on every request (issue 14: tickets at a city's rate) —
a device by its token, a service item, a window's opening — kept until any of them changes.

Every save or delete of a watched model (:func:`watch`) writes a new random :class:`~.models.CacheGeneration`
value in the writer's own transaction. A hot path calls :func:`check` once per request — one statement that can
carry the request's own reads beside the generation (``check(ahead=(sql, params))``) — and when the generation has
moved, every copy of this process is dropped before it is used again. So a change (a device retired, its token
rotated, an item withdrawn, opening hours shortened) takes effect in every process on its next request, exactly
when it is committed, while the steady state reads nothing. Writes that bypass the model's signals
(``QuerySet.update``) call :func:`bump` themselves.

Copies are shared by the threads of a process: treat them as read-only. A copy read inside a transaction that has
changed a watched setting is kept only once that transaction commits (what it read may otherwise vanish with a
rollback); one read inside a transaction that changed none (a bulk load issuing a day of tickets in one
transaction) reads only what others committed, and is kept at once.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import CacheGeneration

T = TypeVar("T")

_lock = threading.Lock()
_generation: str | None = None  # None: not read yet in this process (or dropped)
_copies: dict[Any, Any] = {}
_local = threading.local()  # .bumped: this thread's open transaction wrote a new generation; .seen: its last read
_MISSING = object()


def bump() -> None:
    """A watched setting changed: every process drops its copies on its next :func:`check` (from the commit on)."""
    value = uuid.uuid4().hex
    if connection.in_atomic_block:
        _local.bumped = True
        transaction.on_commit(_committed)  # from the commit on, what this thread reads is everyone's again
    if not CacheGeneration.objects.filter(pk=1).update(value=value):
        CacheGeneration.objects.update_or_create(pk=1, defaults={"value": value})


def _committed() -> None:
    _local.bumped = False


def check(**reads: tuple[str, list[Any]]) -> dict[str, Any]:
    """Read the generation and drop every copy if it moved since they were made — one statement, which also
    evaluates ``reads``: scalar SQL subqueries with their parameters (``ahead=("SELECT COUNT(*) …", [...])``),
    so a hot path's own read costs nothing more. Returns the ``reads`` values."""
    global _generation
    table = connection.ops.quote_name(CacheGeneration._meta.db_table)
    sql = ", ".join(["value", *(f"({sub})" for sub, _params in reads.values())])
    params = [p for _sub, ps in reads.values() for p in ps]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM {table} WHERE id = 1", params)
        row = cursor.fetchone()
        if row is None:  # a database where nothing watched was saved yet: start its generation, then read it
            try:
                CacheGeneration.objects.get_or_create(pk=1, defaults={"value": uuid.uuid4().hex})
            except IntegrityError:
                pass  # another process started it
            cursor.execute(f"SELECT {sql} FROM {table} WHERE id = 1", params)
            row = cursor.fetchone()
    in_transaction = connection.in_atomic_block
    if not in_transaction:
        _local.bumped = False
    # What this thread read: its copies are trusted only while the process holds this very generation, so a
    # thread that read an older one and set it back (threads race here) never hands a newer reader stale copies.
    _local.seen = row[0]
    with _lock:
        if row[0] != _generation:
            _copies.clear()
            # A generation this thread's own open transaction wrote may still roll back: copies are not labelled
            # with it (another thread could label stale copies with it otherwise).
            _generation = None if in_transaction and getattr(_local, "bumped", False) else row[0]
    return dict(zip(reads, row[1:], strict=True))


def current() -> bool:
    """Whether this process has read the generation (copies made before that are not trusted)."""
    return _generation is not None


def get(key: Any, load: Callable[[], T]) -> T:
    """The copy of ``key``, made by ``load()`` when missing (after reading the generation once per process)."""
    if _generation is None:
        check()
    made_in = getattr(_local, "seen", None)
    if made_in is not None and made_in == _generation:
        hit = _copies.get(key, _MISSING)
        if hit is not _MISSING:
            return hit
    value = load()

    def keep() -> None:
        with _lock:
            if made_in is not None and _generation == made_in:  # not when the generation moved meanwhile
                _copies[key] = value

    if connection.in_atomic_block and getattr(_local, "bumped", False):
        transaction.on_commit(keep)  # read after this transaction changed a watched setting: kept once it commits
    else:
        keep()
    return value


def forget(key: Any) -> None:
    """Drop one copy in this process (the others see the generation move)."""
    with _lock:
        _copies.pop(key, None)


def clear() -> None:
    """Drop every copy and forget the generation (tests; a restored database)."""
    global _generation
    with _lock:
        _copies.clear()
        _generation = None
    _local.seen = None
    _local.bumped = False  # a test's rolled-back write must not leave this thread's copies off for the next


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures loading
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    bump()


def watch(*watched: type[models.Model]) -> None:
    """Bump the generation whenever one of these models (or one of its many-to-many tables) is saved or deleted."""
    for model in watched:
        post_save.connect(_changed, sender=model, dispatch_uid=f"hot-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"hot-delete-{model._meta.label}")
        for field in model._meta.many_to_many:
            through = getattr(field.remote_field, "through", None)
            if through is None:
                continue
            m2m_changed.connect(_changed, sender=through, dispatch_uid=f"hot-m2m-{through._meta.label}")
