"""The case clock — 限时办结 (RULES.md CASE-5, CASE-6, CASE-11, CASE-13).

- Day 1 is the first working day after acceptance; a case is due at the end
  of its Nth working day (the acceptance day is not counted). On-the-spot
  items (即办件, N = 0) are due the same day.
- After a correction (补正) the limit counts afresh from the correction date.
- Working days inside statutory special procedures (hearing, expert review,
  testing, public notice — 行政许可法 第四十五条) are not counted.
- An extension (延期) adds M counted working days after the current due date.
- Early warning (CASE-11): yellow once ``yellow_at`` percent of the limit is
  used, red when overdue.

All arithmetic goes through :class:`~servicehall.rules.workdays.WorkCalendar`,
so a date in a year nobody has entered is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .workdays import WorkCalendar

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = ["CaseClock", "due_date", "paused_workdays", "card", "used_workdays", "due_dates_many", "cards_many",
           "RETURN_WORKDAYS", "default_return_by", "return_by_fault"]

DatePair = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class CaseClock:
    """The facts a due date depends on."""

    accepted: dt.date
    days: int
    corrected: dt.date | None = None
    paused: tuple[DatePair, ...] = ()
    extended: int = 0

    @property
    def start(self) -> dt.date:
        return self.corrected or self.accepted


def paused_workdays(cal: WorkCalendar, first: dt.date, last: dt.date, paused: Sequence[DatePair]) -> int:
    """Working days in (first, last] that lie in a paused span (spans inclusive, may overlap)."""
    days: set[dt.date] = set()
    for s, e in paused:
        lo, hi = max(s, first + dt.timedelta(days=1)), min(e, last)
        if lo <= hi:
            days.update(cal.workdays_in(lo, hi))
    return len(days)


def _advance(cal: WorkCalendar, start: dt.date, n: int, paused: Sequence[DatePair]) -> dt.date:
    """The Nth counted working day after ``start``, paused working days not counted."""
    if n == 0:
        return start
    k = 0
    while True:
        candidate = cal.add_workdays(start, n + k)
        skipped = paused_workdays(cal, start, candidate, paused)
        if skipped == k:
            return candidate
        k = skipped


def due_date(cal: WorkCalendar, clock: CaseClock) -> dt.date:
    """When the case is due (CASE-5, CASE-6, CASE-13)."""
    if clock.days < 0 or clock.extended < 0:
        raise ValueError("limits and extensions are whole numbers of working days, 0 or more")
    for s, e in clock.paused:
        if e < s:
            raise ValueError(f"paused span {s.isoformat()}:{e.isoformat()} ends before it starts")
    due = _advance(cal, clock.start, clock.days, clock.paused)
    if clock.extended:
        due = _advance(cal, due, clock.extended, clock.paused)
    return due


def used_workdays(cal: WorkCalendar, clock: CaseClock, today: dt.date) -> int:
    """Counted working days used by ``today`` (inclusive), paused days not counted."""
    if today <= clock.start:
        return 0
    return cal.workdays_between(clock.start, today) - paused_workdays(cal, clock.start, today, clock.paused)


def card(cal: WorkCalendar, clock: CaseClock, today: dt.date, yellow_at: int = 80) -> str:
    """``green``, ``yellow`` (≥ yellow_at % of the limit used) or ``red`` (overdue) — CASE-11."""
    due = due_date(cal, clock)
    if today > due:
        return "red"
    limit = clock.days + clock.extended
    if limit == 0:
        return "yellow" if today == due else "green"
    return "yellow" if used_workdays(cal, clock, today) * 100 >= yellow_at * limit else "green"


def due_dates_many(cal: WorkCalendar, start_ordinals: ArrayLike, days: ArrayLike, extended: ArrayLike,
                   pause_first: ArrayLike | None = None, pause_last: ArrayLike | None = None) -> np.ndarray:
    """Vectorised due dates for many open cases (one paused span each at most), as day ordinals.

    ``start_ordinals`` is the acceptance or correction day; ``pause_first``/``pause_last`` are
    ordinals of the paused span (inclusive) or -1. Raises :class:`CalendarYearMissing` like the
    scalar path.
    """
    import numpy as np

    n = np.asarray(days, dtype=np.int64) + np.asarray(extended, dtype=np.int64)
    starts = np.asarray(start_ordinals, dtype=np.int64)
    if pause_first is None:
        return cal.add_workdays_many(starts, n)
    due = cal.add_workdays_many(starts, n)
    # the paused cases (few) are worked out again until the working days their pause skips settle
    paused = np.nonzero(np.asarray(pause_first, dtype=np.int64) >= 0)[0]
    if paused.size == 0:
        return due
    pf = np.asarray(pause_first, dtype=np.int64)[paused]
    pl = np.asarray(pause_last, dtype=np.int64)[paused]
    s, m, d = starts[paused], n[paused], due[paused]
    k = np.zeros_like(m)
    for _ in range(64):
        lo = np.maximum(pf, s + 1)
        hi = np.minimum(pl, d)
        live = lo <= hi
        skipped = np.where(live, cal.workdays_count_many(np.where(live, lo - 1, s), np.where(live, hi, s)), 0)
        if np.array_equal(skipped, k):
            due[paused] = d
            return due
        k = skipped
        d = cal.add_workdays_many(s, np.where(m > 0, m + k, 0))
    raise RuntimeError("due dates did not settle")  # cannot happen: skipped days only grow and are bounded


def cards_many(cal: WorkCalendar, start_ordinals: ArrayLike, days: ArrayLike, extended: ArrayLike,
               pause_first: ArrayLike, pause_last: ArrayLike, today: dt.date,
               yellow_at: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`due_date` and :func:`card` for many open cases: (due ordinals, card codes).

    Card codes: 0 green, 1 yellow, 2 red (CASE-11).
    """
    import numpy as np

    starts = np.asarray(start_ordinals, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    extended = np.asarray(extended, dtype=np.int64)
    pf = np.asarray(pause_first, dtype=np.int64)
    pl = np.asarray(pause_last, dtype=np.int64)
    due = due_dates_many(cal, starts, days, extended, pf, pl)
    t = today.toordinal()
    elapsed = np.where(t > starts, cal.workdays_count_many(np.minimum(starts, t), np.full(starts.size, t)), 0)
    lo, hi = np.maximum(pf, starts + 1), np.minimum(pl, t)
    live = (pf >= 0) & (lo <= hi)
    used = elapsed - np.where(live, cal.workdays_count_many(np.where(live, lo - 1, starts),
                                                              np.where(live, hi, starts)), 0)
    limit = days + extended
    red = t > due
    yellow = ~red & np.where(limit > 0, used * 100 >= yellow_at * limit, t == due)
    return due, np.where(red, 2, np.where(yellow, 1, 0)).astype(np.int8)


# -- the one-time notice's return date (CASE-3, CASE-5) ------------------------------------------------------
# The seeds fix no period for the applicant's corrections; the notice names a day (补正期限) so the applicant
# knows when to come back. The clerk sets it; unset, it is this many working days after the notice.
RETURN_WORKDAYS = 5


def default_return_by(cal: WorkCalendar, issued_on: dt.date, n: int = RETURN_WORKDAYS) -> dt.date:
    """The Nth working day after the notice's day (the notice's day not counted, as in CASE-5)."""
    return cal.add_workdays(issued_on, n)


def return_by_fault(cal: WorkCalendar, issued_on: dt.date, day: dt.date) -> str:
    """Why ``day`` cannot be a notice's return date: ``"past"`` when it is not after the notice's day,
    ``"not_workday"`` when the center is closed that day; ``""`` when it can."""
    if day <= issued_on:
        return "past"
    if not cal.is_workday(day):
        return "not_workday"
    return ""
