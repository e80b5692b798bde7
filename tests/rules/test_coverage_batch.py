"""The array engine gives exactly the runs of the per-post-day engine and of a per-minute reading."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from servicehall.rules.coverage import uncovered_runs
from servicehall.rules.coverage_batch import KINDS, batch_runs, from_post_days

from ..bench.synthetic import baseline_runs, post_day


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_batch_equals_interval_engine_and_per_minute_baseline(seed):
    rng = random.Random(seed)
    days = [post_day(rng) for _ in range(60)]
    rows, starts, ends, kinds = batch_runs(from_post_days(days))
    got: dict[int, list] = {}
    for r, s, e, k in zip(rows, starts, ends, kinds, strict=True):
        got.setdefault(int(r), []).append((int(s), int(e), KINDS[k]))
    for i, day in enumerate(days):
        engine = [(r.start, r.end, r.answerable_kind) for r in uncovered_runs(day, "D")]
        assert got.get(i, []) == engine
        assert baseline_runs(day) == engine
