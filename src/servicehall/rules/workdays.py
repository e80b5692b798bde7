"""Working-day arithmetic — 工作日计算 (RULES.md CASE-5, NV-1).

A working day (法定工作日) is a day the official State Council arrangement
makes a working day (weekdays that are not holidays, plus makeup days 调休上班日),
adjusted by the center's own rows (extra working days, extra days off) and by
whole years the center's office enters while the official package lags.

A date in a year that neither the official calendar nor the center covers is
an error (:class:`CalendarYearMissing`), never a guess from weekends.

Everything here is pure: plain dates in, plain dates and integers out. A
:class:`WorkCalendar` is built once (prefix counts of working days over day
ordinals) and then answers each question in O(1) or O(log n) without
stepping day by day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = [
    "CalendarYearMissing",
    "WorkCalendar",
    "official_arrangement",
    "official_calendar",
    "is_workday",
    "add_workdays",
    "workdays_between",
    "next_workday",
]


class CalendarYearMissing(LookupError):
    """Raised for a date in a year no calendar covers (CASE-5: never a guess)."""

    def __init__(self, year: int, known: tuple[int, int] | None = None):
        self.year = year
        self.known = known
        span = f" (known years: {known[0]}-{known[1]})" if known else ""
        super().__init__(
            f"no working-day calendar for year {year}{span}: the center office must enter "
            f"the {year} holiday arrangement first (CASE-5)"
        )


@dataclass(frozen=True)
class YearArrangement:
    """One year's arrangement — 放假安排: which weekdays are off, which weekend days work."""

    year: int
    days_off: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]


@lru_cache(maxsize=1)
def official_arrangement() -> dict[int, YearArrangement]:
    """The State Council arrangements shipped by the ``chinesecalendar`` package."""
    from chinese_calendar import constants  # local import keeps module import cheap

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    result: dict[int, YearArrangement] = {}
    for year in sorted(years):
        off = frozenset(d for d in constants.holidays if d.year == year)
        work = frozenset(d for d in constants.workdays if d.year == year)
        result[year] = YearArrangement(year, off, work)
    return result


class WorkCalendar:
    """Working days over a contiguous range of years, with prefix counts.

    ``years`` maps each covered year to its arrangement; ``overrides`` maps
    single dates to True (working) or False (day off) and wins over the year's
    arrangement (per-center extra days). Years in the span that are not in
    ``years`` are holes: any question touching them raises
    :class:`CalendarYearMissing` naming the year.
    """

    __slots__ = ("_first_year", "_last_year", "_covered", "_base", "_work", "_prefix", "_prefix_arr")

    def __init__(
        self,
        years: Mapping[int, YearArrangement],
        overrides: Mapping[dt.date, bool] | None = None,
    ):
        overrides = dict(overrides or {})
        covered = set(years)
        if not covered:
            raise ValueError("a WorkCalendar needs at least one covered year")
        self._first_year = min(covered)
        self._last_year = max(covered)
        self._covered = frozenset(covered)
        start = dt.date(self._first_year, 1, 1)
        end = dt.date(self._last_year, 12, 31)
        self._base = start.toordinal()
        n_days = end.toordinal() - self._base + 1
        work = bytearray(n_days)
        for year, arr in years.items():
            first = dt.date(year, 1, 1).toordinal() - self._base
            last = dt.date(year, 12, 31).toordinal() - self._base
            wd = dt.date(year, 1, 1).weekday()
            for i in range(first, last + 1):
                work[i] = 1 if wd < 5 else 0
                wd = (wd + 1) % 7
            for day in arr.days_off:
                work[day.toordinal() - self._base] = 0
            for day in arr.makeup_workdays:
                work[day.toordinal() - self._base] = 1
        for day, is_work in overrides.items():
            # An override alone does not cover a year: the rest of that year is unknown.
            if day.year in covered:
                work[day.toordinal() - self._base] = 1 if is_work else 0
        self._work = bytes(work)
        # prefix[i] = number of working days among the first i+1 days of the span
        prefix: list[int] = []
        total = 0
        for flag in self._work:
            total += flag
            prefix.append(total)
        self._prefix = prefix
        self._prefix_arr: np.ndarray | None = None  # numpy copy, built on first vectorised use

    # -- coverage -------------------------------------------------------
    @property
    def years(self) -> frozenset[int]:
        return self._covered

    @property
    def span(self) -> tuple[int, int]:
        return (self._first_year, self._last_year)

    def covers(self, year: int) -> bool:
        return year in self._covered

    def _check_year(self, year: int) -> None:
        if year not in self._covered:
            raise CalendarYearMissing(year, self.span)

    def _check_years(self, first: int, last: int) -> None:
        for year in range(first, last + 1):
            self._check_year(year)

    def _index(self, day: dt.date) -> int:
        self._check_year(day.year)
        return day.toordinal() - self._base

    # -- questions --------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        """Is ``day`` a legal working day (NV-1, CASE-5)?"""
        return self._work[self._index(day)] == 1

    def workdays_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in the half-open range (first, last] (CASE-5).

        Negative when ``last`` is before ``first``.
        """
        if last < first:
            return -self.workdays_between(last, first)
        self._check_years(first.year, last.year)
        return self._prefix[last.toordinal() - self._base] - self._prefix[first.toordinal() - self._base]

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The Nth working day after ``start`` — the start day is not counted (CASE-5).

        ``n == 0`` (即办件) returns ``start`` itself.
        """
        if n < 0:
            raise ValueError(f"n must be zero or more, got {n}")
        i = self._index(start)
        if n == 0:
            return start
        target = self._prefix[i] + n
        j = bisect.bisect_left(self._prefix, target, lo=i + 1)
        if j >= len(self._prefix):
            raise CalendarYearMissing(self._last_year + 1, self.span)
        result = dt.date.fromordinal(self._base + j)
        self._check_years(start.year, result.year)
        return result

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_workdays(day, 1)

    def workday_on_or_after(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the next one."""
        return day if self.is_workday(day) else self.next_workday(day)

    def workdays_in(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The working days in the closed range [first, last], in order."""
        self._check_years(first.year, last.year)
        lo = first.toordinal() - self._base
        hi = last.toordinal() - self._base
        return [dt.date.fromordinal(self._base + i) for i in range(lo, hi + 1) if self._work[i]]

    # -- vectorised (benchmarks, bulk recomputation) ------------------------
    def add_workdays_many(self, start_ordinals: ArrayLike, ns: ArrayLike) -> np.ndarray:
        """Vectorised :meth:`add_workdays` over NumPy arrays of day ordinals and counts.

        Returns an array of result ordinals. Raises :class:`CalendarYearMissing`
        when any start or result falls outside the covered years.
        """
        import numpy as np

        if self._prefix_arr is None:
            self._prefix_arr = np.asarray(self._prefix, dtype=np.int64)
        prefix = self._prefix_arr
        starts = np.asarray(start_ordinals, dtype=np.int64) - self._base
        ns = np.asarray(ns, dtype=np.int64)
        if starts.size == 0:
            return starts
        if starts.min() < 0 or starts.max() >= prefix.size:
            bad = int(starts.min() if starts.min() < 0 else starts.max())
            raise CalendarYearMissing(dt.date.fromordinal(self._base + bad).year, self.span)
        if ns.min() < 0:
            raise ValueError("n must be zero or more")
        targets = prefix[starts] + ns
        idx = np.searchsorted(prefix, targets, side="left")
        idx = np.where(ns == 0, starts, idx)
        if idx.max() >= prefix.size:
            raise CalendarYearMissing(self._last_year + 1, self.span)
        if len(self._covered) != self._last_year - self._first_year + 1:
            for ordinal in (starts, idx):
                years = {dt.date.fromordinal(self._base + int(o)).year for o in np.unique(ordinal)}
                for year in sorted(years):
                    self._check_year(year)
        return idx + self._base

    def workdays_count_many(self, first_ordinals: ArrayLike, last_ordinals: ArrayLike) -> np.ndarray:
        """Vectorised :meth:`workdays_between`: working days in (first, last] for arrays of ordinals."""
        import numpy as np

        if self._prefix_arr is None:
            self._prefix_arr = np.asarray(self._prefix, dtype=np.int64)
        lo = np.asarray(first_ordinals, dtype=np.int64) - self._base
        hi = np.asarray(last_ordinals, dtype=np.int64) - self._base
        if lo.size and (min(lo.min(), hi.min()) < 0 or max(lo.max(), hi.max()) >= self._prefix_arr.size):
            raise CalendarYearMissing(self._last_year + 1, self.span)
        counts: np.ndarray = self._prefix_arr[hi] - self._prefix_arr[lo]
        return counts


def arrangement_from_rows(year: int, rows: Iterable[tuple[dt.date, bool]]) -> YearArrangement:
    """A whole year entered by the center office: weekday default plus listed exceptions."""
    off: set[dt.date] = set()
    work: set[dt.date] = set()
    for day, is_work in rows:
        if day.year != year:
            raise ValueError(f"{day.isoformat()} is not in year {year}")
        (work if is_work else off).add(day)
    return YearArrangement(year, frozenset(off), frozenset(work))


def build_calendar(
    entered_years: Mapping[int, Iterable[tuple[dt.date, bool]]] | None = None,
    overrides: Mapping[dt.date, bool] | None = None,
) -> WorkCalendar:
    """Official years, plus whole years a center entered, plus single-day overrides.

    A year the center entered replaces the official one for that center only
    when the official package does not cover it; for covered years the rows
    act as overrides.
    """
    years = dict(official_arrangement())
    extra = dict(overrides or {})
    for year, rows in (entered_years or {}).items():
        rows = list(rows)
        if year in years:
            extra.update(dict(rows))
        else:
            years[year] = arrangement_from_rows(year, rows)
    return WorkCalendar(years, extra)


@lru_cache(maxsize=1)
def official_calendar() -> WorkCalendar:
    """The calendar of the official arrangement alone (no center rows)."""
    return WorkCalendar(official_arrangement())


def is_workday(day: dt.date, calendar: WorkCalendar | None = None) -> bool:
    """Module-level shortcut over the official calendar (or the one given)."""
    return (calendar or official_calendar()).is_workday(day)


def add_workdays(start: dt.date, n: int, calendar: WorkCalendar | None = None) -> dt.date:
    """Module-level shortcut: the Nth working day after ``start`` (CASE-5)."""
    return (calendar or official_calendar()).add_workdays(start, n)


def workdays_between(first: dt.date, last: dt.date, calendar: WorkCalendar | None = None) -> int:
    """Module-level shortcut: working days in (first, last] (CASE-5)."""
    return (calendar or official_calendar()).workdays_between(first, last)


def next_workday(day: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """Module-level shortcut: the first working day after ``day``."""
    return (calendar or official_calendar()).next_workday(day)
