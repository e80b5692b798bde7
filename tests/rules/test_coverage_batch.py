"""The array engine gives exactly the runs of the per-post-day engine and of a per-minute reading."""

import random

import numpy as np
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


LENGTHS = st.one_of(st.integers(1, 40), st.sampled_from([4, 5, 6, 14, 15, 16, 29, 30, 31]))  # the graces' edges
SESSION_SETS = [[(540, 720), (870, 1050)], [(540, 720), (720, 900)], [(480, 1080)],
                [(540, 550), (600, 615), (870, 1050)]]


@st.composite
def _runs_in_sessions(draw, sessions):
    """Runs of one post-day as the array engine gives them: sorted, not overlapping, inside the (merged) sessions,
    adjoining runs with different answerable parties."""
    from servicehall.rules.coverage import Run, normalise

    runs = []
    for s, e in normalise(sessions):
        at = s if draw(st.booleans()) else draw(st.integers(s, e - 1))
        kind = draw(st.sampled_from(KINDS))
        while at < e and len(runs) < 8:
            end = min(e, at + draw(LENGTHS))
            runs.append(Run(at, end, kind, kind, ""))
            kind = draw(st.sampled_from([k for k in KINDS if k != kind]))
            at = end if draw(st.booleans()) else end + draw(st.integers(1, 60))
    return runs


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from(SESSION_SETS), st.sampled_from([0, 5, 15, 30]))
def test_nv11_late_openings_as_columns_equal_the_rules(data, sessions, grace):
    from servicehall.rules.coverage import late_stretches, normalise, split_late_openings
    from servicehall.rules.coverage_batch import late_openings

    days = [data.draw(_runs_in_sessions(sessions)) for _ in range(data.draw(st.integers(1, 4)))]
    rows = np.array([i for i, runs in enumerate(days) for _r in runs], dtype=np.int64)
    start = np.array([r.start for runs in days for r in runs], dtype=np.int64)
    end = np.array([r.end for runs in days for r in runs], dtype=np.int64)
    late, first, stretch_end = late_openings(rows, start, end, normalise(sessions), grace)
    flat = [(i, r) for i, runs in enumerate(days) for r in runs]
    expected_late, expected_stretches = [], []
    for i, runs in enumerate(days):
        _kept, late_runs = split_late_openings(runs, sessions, grace)
        expected_late += [r in late_runs for r in runs]
        expected_stretches += [(i, r.start, r.answerable_kind, e) for r, e in late_stretches(late_runs)]
    assert late.tolist() == expected_late
    got = [(flat[f][0], flat[f][1].start, flat[f][1].answerable_kind, e)
           for f, e in zip(first.tolist(), stretch_end.tolist(), strict=True)]
    assert sorted(got) == sorted(expected_stretches)
