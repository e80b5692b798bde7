"""ASM-4 competition ranks and yearly means; CMP-5 and ASM-3 award-eligibility judgements (pure rules)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.ranking import (
    competition_ranks,
    department_loses_award,
    person_loses_award,
    yearly_mean,
)

scores = st.lists(st.tuples(st.text(min_size=1, max_size=3), st.integers(0, 200).map(lambda n: n / 2)), max_size=30)


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    got = competition_ranks([("a", 90.0), ("b", 100.0), ("c", 90.0), ("d", 80.0)])
    assert got == [(1, "b", 100.0), (2, "a", 90.0), (2, "c", 90.0), (4, "d", 80.0)]


@given(scores)
def test_a_rank_is_one_plus_how_many_did_strictly_better(values):
    ranked = competition_ranks(values)
    assert len(ranked) == len(values)
    for rank, _key, value in ranked:
        assert rank == 1 + sum(1 for _k, v in values if v > value)
    assert [v for _r, _k, v in ranked] == sorted((v for _k, v in values), reverse=True)


@given(st.lists(st.one_of(st.none(), st.integers(0, 200).map(float)), max_size=12))
def test_the_yearly_figure_is_the_mean_of_the_months_it_had(months):
    got = yearly_mean(months)
    have = [m for m in months if m is not None]
    if not have:
        assert got is None
    else:
        assert min(have) - 0.05 <= got <= max(have) + 0.05
        assert got == round(sum(have) / len(have), 1)


def test_cmp5_only_a_no_awards_outcome_in_the_year_takes_a_persons_eligibility():
    assert person_loses_award("no_awards", dt.date(2026, 3, 1), 2026)
    assert not person_loses_award("no_awards", dt.date(2025, 12, 31), 2026)
    assert not person_loses_award("admonition", dt.date(2026, 3, 1), 2026)


@given(st.sampled_from(["open", "answered", "confirmed", "dismissed"]), st.booleans(), st.integers(2024, 2028))
def test_asm3_only_a_confirmed_media_finding_of_the_year_takes_a_departments_eligibility(state, media, year):
    assert department_loses_award(state, media, dt.date(year, 6, 1), 2026) == (
        state == "confirmed" and media and year == 2026)
