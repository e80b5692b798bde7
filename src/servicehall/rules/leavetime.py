"""How long a leave is in working time — 请假天数 (RULES.md ATT-2).

ATT-2 routes a leave by its length: up to one day the department's leader approves; two days or more is
also filed with the center office. The length counts working time, not calendar time: only the opening
sessions of the center's working days, each working day weighing one. A leave from Friday afternoon to
Monday morning therefore is one working day (the afternoon and the morning), not three calendar days.

Pure: local wall-clock datetimes (the center's zone), sessions as minutes of the day, a
:class:`~servicehall.rules.workdays.WorkCalendar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

from .workdays import WorkCalendar

__all__ = ["leave_workdays", "needs_office_filing"]

Session = tuple[int, int]  # minutes of the day, [start, end)


def _minute(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def leave_workdays(cal: WorkCalendar, sessions: Sequence[Session], start: dt.datetime, end: dt.datetime) -> Fraction:
    """Working days in [start, end): opening minutes of working days covered, over one day's opening minutes.

    ``start`` and ``end`` are local wall-clock times (naive, or aware in the center's zone: only their date and
    clock time are read). A span ending before it starts is empty. Raises ``CalendarYearMissing`` for a day in
    a year no calendar covers.
    """
    daily = sum(max(0, b - a) for a, b in sessions)
    if daily == 0 or end <= start:
        return Fraction(0)
    covered = 0
    day = start.date()
    while day <= end.date():
        if cal.is_workday(day):
            lo = _minute(start) if day == start.date() else 0
            hi = _minute(end) if day == end.date() else 24 * 60
            covered += sum(max(0, min(b, hi) - max(a, lo)) for a, b in sessions)
        day += dt.timedelta(days=1)
    return Fraction(covered, daily)


def needs_office_filing(cal: WorkCalendar, sessions: Sequence[Session], start: dt.datetime, end: dt.datetime) -> bool:
    """ATT-2: more than one working day of leave goes on to the center office; one day or less stops at the
    department's leader."""
    return leave_workdays(cal, sessions, start, end) > 1
