"""A center's working-day calendar (CASE-5): official days plus the center's own rows.

Built once per process and center, rebuilt when the center's
``calendar_version`` moves (every calendar write bumps it, so all processes
see a change on their next question).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router

from servicehall.rules.workdays import WorkCalendar, build_calendar, official_arrangement, official_calendar

from .models import CalendarDay, CalendarYear, Center

_cache: dict[int, tuple[int | None, WorkCalendar]] = {}
_lock = threading.Lock()
# Calendars held for a bulk read (:func:`held`): center pk → calendar, asked of the database once.
_held: ContextVar[dict[int, WorkCalendar] | None] = ContextVar("servicehall_calendar_held", default=None)


def covered_years(center: Center) -> set[int]:
    return set(official_arrangement()) | set(
        CalendarYear.objects.filter(center=center).values_list("year", flat=True))


def _version(center_pk: int) -> int | None:
    """The center's ``calendar_version`` now: one plain statement, asked on every write that reads the calendar
    (a clock punch among them — issue 14 item 7)."""
    # on the database the router reads the center from (a public page inside a replica read reads the standby)
    db = connections[router.db_for_read(Center)]
    q = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {q('calendar_version')} FROM {q(Center._meta.db_table)} WHERE id = %s", [center_pk])
        row = cursor.fetchone()
    return None if row is None else row[0]


def version_sql(center_pk: int) -> tuple[str, list[int]]:
    """:func:`_version` as a scalar subquery, for a caller that folds it into a statement of its own."""
    q = connections[router.db_for_read(Center)].ops.quote_name
    return f"SELECT {q('calendar_version')} FROM {q(Center._meta.db_table)} WHERE id = %s", [center_pk]


def get_calendar(center: Center | None) -> WorkCalendar:
    """The working-day calendar for ``center`` (the official one for ``None``)."""
    if center is None:
        return official_calendar()
    pinned = _held.get()
    if pinned is not None and center.pk in pinned:
        return pinned[center.pk]
    return calendar_at(center, _version(center.pk))


def calendar_at(center: Center, version: int | None) -> WorkCalendar:
    """The calendar of ``center`` at ``calendar_version`` ``version``, read by the caller with a statement it made
    anyway (a terminal's punch: with its repeat check, issue 14 item 7); built again only when it moved."""
    hit = _cache.get(center.pk)
    if hit and hit[0] == version:
        return hit[1]
    entered = set(CalendarYear.objects.filter(center=center).values_list("year", flat=True))
    year_rows: dict[int, list] = defaultdict(list)
    overrides = {}
    official = set(official_arrangement())
    for day, workday in CalendarDay.objects.filter(center=center).values_list("date", "workday"):
        if day.year in entered and day.year not in official:
            year_rows[day.year].append((day, workday))
        else:
            overrides[day] = workday
    for year in entered - official:
        year_rows.setdefault(year, [])
    calendar = build_calendar(year_rows, overrides)
    with _lock:
        _cache[center.pk] = (version, calendar)
    return calendar


@contextmanager
def held(center: Center, version: int | None = None) -> Iterator[WorkCalendar]:
    """Within the block, :func:`get_calendar` answers for ``center`` without asking the database whether the
    calendar changed: for a bulk check of many records (an import's events) that reads only. ``version``: the
    center's ``calendar_version`` as the caller just read it (:func:`version_sql`), not asked again."""
    calendar = get_calendar(center) if version is None else calendar_at(center, version)
    token = _held.set({**(_held.get() or {}), center.pk: calendar})
    try:
        yield calendar
    finally:
        _held.reset(token)


def clear_calendar_cache() -> None:
    """Forget every built calendar (tests; a restored database)."""
    with _lock:
        _cache.clear()

