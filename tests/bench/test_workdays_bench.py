"""Benchmark (CASE-5): add_workdays over 10^6 random (date, n) pairs against a fair baseline measured in the
same run: stepping day by day through a Python set of the working days (built once from chinese_calendar).
The old baseline (a chinese_calendar.is_workday call per day) is reported beside it (issue 14, item 9).

Run with ``make bench``. Baselines are timed on a sample and compared as rates; figures are ratios, since the
machine is shared and noisy.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import chinese_calendar
import numpy as np
import pytest

from servicehall.rules.workdays import official_calendar

pytestmark = pytest.mark.bench

N_PAIRS = 1_000_000
BASELINE_SAMPLE = 2_000
SCALAR_SAMPLE = 200_000


def library_add(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def working_day_set(first: dt.date, last: dt.date) -> set[dt.date]:
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return {d for d in days if chinese_calendar.is_workday(d)}


def baseline_add(workdays: set[dt.date], start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if day in workdays:
            n -= 1
    return day


def test_bench_add_workdays_vs_day_stepping(bench):
    rng = random.Random(42)
    first, last = dt.date(2005, 1, 1).toordinal(), dt.date(2026, 9, 1).toordinal()
    starts = np.array([rng.randint(first, last) for _ in range(N_PAIRS)], dtype=np.int64)
    ns = np.array([rng.choice((0, 1, 3, 5, 10, 15, 20, 30, 60)) for _ in range(N_PAIRS)], dtype=np.int64)

    t0 = time.perf_counter()
    cal = official_calendar.__wrapped__()  # include the one-time build in the figure
    build = time.perf_counter() - t0

    sample = [(dt.date.fromordinal(int(s)), int(n)) for s, n in zip(starts[:BASELINE_SAMPLE], ns[:BASELINE_SAMPLE],
                                                                 strict=True)]
    t0 = time.perf_counter()
    expected_library = [library_add(s, n) for s, n in sample]
    library_rate = BASELINE_SAMPLE / (time.perf_counter() - t0)

    workdays = working_day_set(dt.date(2004, 12, 1), dt.date(2026, 12, 31))
    t0 = time.perf_counter()
    expected = [baseline_add(workdays, s, n) for s, n in sample * 10]
    base_rate = 10 * BASELINE_SAMPLE / (time.perf_counter() - t0)
    assert expected[:BASELINE_SAMPLE] == expected_library
    expected = expected_library

    scalar = [(dt.date.fromordinal(int(s)), int(n)) for s, n in zip(starts[:SCALAR_SAMPLE], ns[:SCALAR_SAMPLE],
                                                                 strict=True)]
    t0 = time.perf_counter()
    got_scalar = [cal.add_workdays(s, n) for s, n in scalar]
    scalar_rate = SCALAR_SAMPLE / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    out = cal.add_workdays_many(starts, ns)
    vector_seconds = time.perf_counter() - t0
    vector_rate = N_PAIRS / vector_seconds

    assert got_scalar[:BASELINE_SAMPLE] == expected
    assert [dt.date.fromordinal(int(o)) for o in out[:BASELINE_SAMPLE]] == expected
    base = f"{base_rate:,.0f} pairs/s (set stepping; library call per day {library_rate:,.0f})"
    bench.row("add_workdays, scalar WorkCalendar", f"{scalar_rate:,.0f} pairs/s", baseline=base,
              ratio=scalar_rate / base_rate, target="≥ 3× baseline", ok=scalar_rate / base_rate >= 3,
              note=f"calendar build {build * 1000:.0f} ms")
    bench.row("add_workdays, vectorised 10^6 pairs", f"{vector_rate:,.0f} pairs/s ({vector_seconds * 1000:.0f} ms)",
              baseline=base, ratio=vector_rate / base_rate, target="≥ 20× baseline",
              ok=vector_rate / base_rate >= 20)
