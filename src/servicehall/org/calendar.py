"""A center's working-day calendar (CASE-5): official days plus the center's own rows.

Built once per process and center, rebuilt when the center's
``calendar_version`` moves (every calendar write bumps it, so all processes
see a change on their next question).
"""

from __future__ import annotations

import threading
from collections import defaultdict

from servicehall.rules.workdays import WorkCalendar, build_calendar, official_arrangement, official_calendar

from .models import CalendarDay, CalendarYear, Center

_cache: dict[int, tuple[int | None, WorkCalendar]] = {}
_lock = threading.Lock()


def covered_years(center: Center) -> set[int]:
    return set(official_arrangement()) | set(
        CalendarYear.objects.filter(center=center).values_list("year", flat=True))


def get_calendar(center: Center | None) -> WorkCalendar:
    """The working-day calendar for ``center`` (the official one for ``None``)."""
    if center is None:
        return official_calendar()
    version = Center.objects.filter(pk=center.pk).values_list("calendar_version", flat=True).first()
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


def clear_calendar_cache() -> None:
    """Forget every built calendar (tests; a restored database)."""
    with _lock:
        _cache.clear()

