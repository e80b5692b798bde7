"""NV-8: the penalty ladder, calendar and rolling, merged or not."""

import datetime as dt

import pytest

from servicehall.rules.ladders import Counted, ladder


def d(s):
    return dt.date.fromisoformat(s)


def levels(rows):
    return [(s.date.isoformat(), s.rank_in_year, s.rank_in_month, s.level) for s in rows]


def test_nv8_calendar_levels():
    rows = ladder([Counted("S1", d("2026-03-03"), "P1"), Counted("S1", d("2026-04-01"), "P1"),
                   Counted("S1", d("2026-04-20"), "P1")])
    assert levels(rows) == [("2026-03-03", 1, 1, "criticism"),
                            ("2026-04-01", 2, 1, "public_criticism_admonition"),
                            ("2026-04-20", 3, 2, "public_criticism_transfer")]


def test_nv8_merge_same_day_counts_a_post_day_once():
    same_day = [Counted("S1", d("2026-03-03"), "P1", 540), Counted("S1", d("2026-03-03"), "P1", 900)]
    assert levels(ladder(same_day)) == [("2026-03-03", 1, 1, "criticism")]
    assert levels(ladder(same_day, merge_same_day=False)) == [("2026-03-03", 1, 1, "criticism"),
                                                              ("2026-03-03", 2, 2, "public_criticism_transfer")]


def test_nv8_rolling_window_crosses_the_year():
    rows = ladder([Counted("S1", d("2025-12-20"), "P1"), Counted("S1", d("2026-01-10"), "P1")], window="rolling")
    assert levels(rows)[1] == ("2026-01-10", 2, 2, "public_criticism_transfer")
    rows = ladder([Counted("S1", d("2025-12-20"), "P1"), Counted("S1", d("2026-01-10"), "P1")])
    assert levels(rows)[1] == ("2026-01-10", 1, 1, "criticism")


def test_nv8_people_are_counted_apart():
    rows = ladder([Counted("S2", d("2026-03-03"), "P2"), Counted("S1", d("2026-03-04"), "P1")])
    assert [(s.staff, s.level) for s in rows] == [("S1", "criticism"), ("S2", "criticism")]


def test_unknown_window():
    with pytest.raises(ValueError):
        ladder([], window="weekly")
