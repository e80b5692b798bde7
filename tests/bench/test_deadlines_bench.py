"""Benchmark (CASE-5, CASE-11): due dates and card colours for 1,000,000 open cases (mixed limits, corrections,
statutory pauses, extensions) against a fair baseline: stepping days through a Python set of the working days
(built once from chinese_calendar); the old baseline (a library call per day) is reported beside it.

Targets: ≥ 10× the fair baseline (it was 50× the library-call one), under 20 s for the million.
"""

from __future__ import annotations

import datetime as dt
import time

import chinese_calendar
import numpy as np
import pytest

from servicehall.rules.deadlines import CaseClock, card, cards_many, due_date
from servicehall.rules.workdays import official_calendar

pytestmark = pytest.mark.bench

N = 1_000_000
BASELINE_SAMPLE = 2_000


def library_due(start: dt.date, days: int, extended: int, pause: tuple[dt.date, dt.date] | None) -> dt.date:
    day, left = start, days + extended
    while left:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day) and not (pause and pause[0] <= day <= pause[1]):
            left -= 1
    return day


WORKDAYS = {dt.date(2025, 12, 1) + dt.timedelta(days=i) for i in range(396)
            if chinese_calendar.is_workday(dt.date(2025, 12, 1) + dt.timedelta(days=i))}


def baseline_due(start: dt.date, days: int, extended: int, pause: tuple[dt.date, dt.date] | None) -> dt.date:
    day, left = start, days + extended
    while left:
        day += dt.timedelta(days=1)
        if day in WORKDAYS and not (pause and pause[0] <= day <= pause[1]):
            left -= 1
    return day


def test_bench_one_million_open_cases(bench):
    rng = np.random.default_rng(11)
    cal = official_calendar()
    today = dt.date(2026, 6, 15)
    accepted = rng.integers(dt.date(2026, 1, 5).toordinal(), today.toordinal(), N)
    days = rng.choice(np.array([0, 1, 3, 5, 10, 15, 20, 30]), N)
    corrected = np.where(rng.random(N) < 0.2, accepted + rng.integers(1, 10, N), accepted)
    extended = np.where(rng.random(N) < 0.05, rng.choice(np.array([3, 5, 10]), N), 0)
    has_pause = rng.random(N) < 0.05
    pause_first = np.where(has_pause, corrected + rng.integers(1, 10, N), -1)
    pause_last = np.where(has_pause, pause_first + rng.integers(0, 20, N), -1)

    t0 = time.perf_counter()
    due, cards = cards_many(cal, corrected, days, extended, pause_first, pause_last, today)
    red, yellow = cards == 2, cards == 1
    seconds = time.perf_counter() - t0
    rate = N / seconds

    sample = []
    for i in range(BASELINE_SAMPLE):
        pause = ((dt.date.fromordinal(int(pause_first[i])), dt.date.fromordinal(int(pause_last[i])))
                 if has_pause[i] else None)
        sample.append((dt.date.fromordinal(int(corrected[i])), int(days[i]), int(extended[i]), pause))
    t0 = time.perf_counter()
    expected = [library_due(*row) for row in sample]
    library_rate = BASELINE_SAMPLE / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _ in range(10):
        assert [baseline_due(*row) for row in sample] == expected
    base_rate = 10 * BASELINE_SAMPLE / (time.perf_counter() - t0)
    assert [dt.date.fromordinal(int(x)) for x in due[:BASELINE_SAMPLE]] == expected
    for i, (start, n, m, pause) in enumerate(sample[:300]):
        clock = CaseClock(start, n, paused=(pause,) if pause else (), extended=m)
        assert due_date(cal, clock) == expected[i]
        assert card(cal, clock, today) == ("green", "yellow", "red")[int(cards[i])]

    bench.row("due date and card, 10^6 open cases", f"{rate:,.0f} cases/s ({seconds:.2f} s)",
              baseline=f"{base_rate:,.0f} cases/s (set stepping; library call per day {library_rate:,.0f})",
              ratio=rate / base_rate, target="≥ 10× baseline, < 20 s", ok=rate / base_rate >= 10 and seconds < 20,
              note=f"red {int(red.sum()):,}, yellow {int(yellow.sum()):,}")
