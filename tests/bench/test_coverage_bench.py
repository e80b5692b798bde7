"""Benchmark (NV-2..7): coverage for 10,000 posts × 22 working days of synthetic events (about 30 events
per post-day), as post-days per second, against a per-minute pure-Python baseline in the same process.

Targets: ≥ 20× the baseline, and the whole month for 10,000 posts in under 10 s.
"""

from __future__ import annotations

import random
import time

import pytest

from servicehall.rules.coverage import uncovered_runs
from servicehall.rules.coverage_batch import KINDS, batch_runs, from_post_days

from .synthetic import baseline_runs, post_day

pytestmark = pytest.mark.bench

POSTS, DAYS = 10_000, 22
BASELINE_SAMPLE = 1_000
ENGINE_SAMPLE = 20_000


def test_bench_coverage_month_of_10000_posts(bench):
    rng = random.Random(7)
    t0 = time.perf_counter()
    days = [post_day(rng) for _ in range(POSTS * DAYS)]
    n_events = sum(2 * (len(d.a.pauses) + len(d.b.pauses)) + 2 * (len(d.a.present) + len(d.b.present))
                   + len(d.a.absences) + len(d.b.absences) + (1 + 2 * len(d.stand_ins[0].person.present)
                                                               if d.stand_ins else 0) for d in days[:10_000])
    batch = from_post_days(days)
    prepared = time.perf_counter() - t0

    t0 = time.perf_counter()
    for d in days[:BASELINE_SAMPLE]:
        baseline_runs(d)
    base_rate = BASELINE_SAMPLE / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    for d in days[:ENGINE_SAMPLE]:
        uncovered_runs(d, "D")
    engine_rate = ENGINE_SAMPLE / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    rows, starts, ends, kinds = batch_runs(batch)
    month_seconds = time.perf_counter() - t0
    batch_rate = len(days) / month_seconds

    first = rows < 2_000
    got: dict[int, list] = {}
    for r, s, e, k in zip(rows[first], starts[first], ends[first], kinds[first], strict=True):
        got.setdefault(int(r), []).append((int(s), int(e), KINDS[k]))
    for i in range(2_000):
        assert got.get(i, []) == [(r.start, r.end, r.answerable_kind) for r in uncovered_runs(days[i], "D")]

    base = f"{base_rate:,.0f} post-days/s (per minute, pure Python)"
    bench.row("coverage, interval engine (one post-day)", f"{engine_rate:,.0f} post-days/s", baseline=base,
              ratio=engine_rate / base_rate, ok=None)
    bench.row(f"coverage, array engine ({POSTS:,} posts x {DAYS} days)",
              f"{batch_rate:,.0f} post-days/s, month {month_seconds:.2f} s", baseline=base,
              ratio=batch_rate / base_rate, target="≥ 20× baseline, < 10 s",
              ok=batch_rate / base_rate >= 20 and month_seconds < 10,
              note=f"~{n_events / 10_000:.0f} events per post-day, inputs {prepared:.1f} s")
