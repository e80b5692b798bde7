"""Benchmark (issue: foundation, CASE-5): add_workdays over 10^6 random (date, n) pairs against a
baseline that steps day by day with chinese_calendar.is_workday, measured in the same run.

Run with ``make bench``. The baseline is timed on a sample (it manages a few hundred pairs per
second) and compared as a rate; figures are ratios, since the machine is shared and noisy.
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


def baseline_add(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def test_bench_add_workdays_vs_day_stepping():
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
    expected = [baseline_add(s, n) for s, n in sample]
    base_rate = BASELINE_SAMPLE / (time.perf_counter() - t0)

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
    print(
        f"\nadd_workdays, {N_PAIRS:,} pairs: calendar build {build * 1000:.0f} ms\n"
        f"  baseline (day stepping, chinese_calendar.is_workday): {base_rate:,.0f} pairs/s\n"
        f"  scalar WorkCalendar.add_workdays:    {scalar_rate:,.0f} pairs/s  = {scalar_rate / base_rate:,.0f}x baseline\n"
        f"  vectorised add_workdays_many (10^6): {vector_rate:,.0f} pairs/s  = {vector_rate / base_rate:,.0f}x baseline"
        f"  ({vector_seconds * 1000:.0f} ms)"
    )
    assert scalar_rate / base_rate >= 50
    assert vector_rate / base_rate >= 50
