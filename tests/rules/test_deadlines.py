"""CASE-5, CASE-6, CASE-11, CASE-13: the case clock across holidays and makeup days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.deadlines import CaseClock, card, due_date, due_dates_many, used_workdays
from servicehall.rules.workdays import CalendarYearMissing, official_calendar

CAL = official_calendar()


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@pytest.mark.parametrize("accepted,days,due", [
    # National Day 2026 (Oct 1-7 off, Sat Oct 10 a makeup working day)
    ("2026-09-29", 5, "2026-10-12"),
    ("2026-09-30", 1, "2026-10-08"),
    ("2026-10-09", 1, "2026-10-10"),
    # Spring Festival 2026 (Feb 15-23 off, Sat Feb 14 and Sat Feb 28 makeup days)
    ("2026-02-13", 1, "2026-02-14"),
    ("2026-02-13", 2, "2026-02-24"),
    ("2026-02-27", 1, "2026-02-28"),
    # National Day and Mid-Autumn 2025 (Oct 1-8 off, Sun Sep 28 and Sat Oct 11 makeup days)
    ("2025-09-26", 1, "2025-09-28"),
    ("2025-09-30", 2, "2025-10-10"),
    ("2025-10-10", 1, "2025-10-11"),
    # Spring Festival 2025 (Jan 28-Feb 4 off, Sun Jan 26 and Sat Feb 8 makeup days)
    ("2025-01-24", 1, "2025-01-26"),
    ("2025-01-27", 1, "2025-02-05"),
    ("2025-02-07", 1, "2025-02-08"),
    # 即办件: due the same day, even on a holiday
    ("2026-10-01", 0, "2026-10-01"),
])
def test_case5_due_dates_across_holidays_and_makeup_days(accepted, days, due):
    assert due_date(CAL, CaseClock(d(accepted), days)) == d(due)


def test_scenario_examples():
    assert due_date(CAL, CaseClock(d("2026-09-29"), 5)) == d("2026-10-12")
    assert due_date(CAL, CaseClock(d("2026-02-10"), 10, corrected=d("2026-02-13"))) == d("2026-03-05")
    assert due_date(CAL, CaseClock(d("2026-04-01"), 5, paused=((d("2026-04-03"), d("2026-04-08")),))) == d("2026-04-14")
    assert due_date(CAL, CaseClock(d("2026-04-28"), 5, extended=3)) == d("2026-05-12")


def test_case5_correction_restarts_the_clock():
    before = due_date(CAL, CaseClock(d("2026-03-02"), 5))
    after = due_date(CAL, CaseClock(d("2026-03-02"), 5, corrected=d("2026-03-06")))
    assert (before, after) == (d("2026-03-09"), d("2026-03-13"))


def test_case5_uncovered_year_is_an_error():
    with pytest.raises(CalendarYearMissing, match="2027"):
        due_date(CAL, CaseClock(d("2026-12-20"), 20))


def test_case11_cards():
    clock = CaseClock(d("2026-03-02"), 5)  # due 2026-03-09
    assert card(CAL, clock, d("2026-03-03")) == "green"   # 1 of 5 used
    assert card(CAL, clock, d("2026-03-06")) == "yellow"  # 4 of 5 = 80 %
    assert card(CAL, clock, d("2026-03-09")) == "yellow"
    assert card(CAL, clock, d("2026-03-10")) == "red"
    assert used_workdays(CAL, clock, d("2026-03-08")) == 4  # the weekend uses nothing
    assert card(CAL, CaseClock(d("2026-03-02"), 0), d("2026-03-02")) == "yellow"
    assert card(CAL, CaseClock(d("2026-03-02"), 0), d("2026-03-03")) == "red"


dates = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31))


@given(dates, st.integers(0, 60), st.integers(0, 20))
def test_property_due_date_is_a_working_day(accepted, days, extended):
    due = due_date(CAL, CaseClock(accepted, days, extended=extended))
    if days + extended > 0:
        assert CAL.is_workday(due) and due > accepted


@given(dates, st.integers(0, 60), st.integers(0, 60))
def test_property_longer_limit_never_earlier(accepted, a, b):
    lo, hi = sorted((a, b))
    assert due_date(CAL, CaseClock(accepted, lo)) <= due_date(CAL, CaseClock(accepted, hi))


@given(dates, st.integers(1, 40), st.integers(0, 10), st.integers(0, 30))
def test_property_a_pause_never_brings_the_due_date_forward(accepted, days, offset, length):
    first = accepted + dt.timedelta(days=offset)
    plain = due_date(CAL, CaseClock(accepted, days))
    paused = due_date(CAL, CaseClock(accepted, days, paused=((first, first + dt.timedelta(days=length)),)))
    assert paused >= plain and CAL.is_workday(paused)


@given(st.lists(st.tuples(dates, st.integers(0, 40), st.integers(0, 5), st.integers(-1, 20), st.integers(0, 15)),
                min_size=1, max_size=30))
def test_property_vectorised_equals_scalar(rows):
    starts, days, ext, pf, pl, expected = [], [], [], [], [], []
    for accepted, n, m, off, length in rows:
        span = () if off < 0 else ((accepted + dt.timedelta(days=off), accepted + dt.timedelta(days=off + length)),)
        starts.append(accepted.toordinal()), days.append(n), ext.append(m)
        pf.append(span[0][0].toordinal() if span else -1), pl.append(span[0][1].toordinal() if span else -1)
        expected.append(due_date(CAL, CaseClock(accepted, n, paused=span, extended=m)))
    got = due_dates_many(CAL, np.array(starts), np.array(days), np.array(ext), np.array(pf), np.array(pl))
    assert [dt.date.fromordinal(int(x)) for x in got] == expected


@given(st.lists(st.tuples(dates, st.integers(0, 30), st.integers(0, 5), st.integers(-1, 10), st.integers(0, 10)),
                min_size=1, max_size=20), st.integers(0, 80))
def test_property_vectorised_cards_equal_scalar(rows, days_later):
    from servicehall.rules.deadlines import cards_many

    today = rows[0][0] + dt.timedelta(days=days_later)
    cols = [[], [], [], [], []]
    clocks = []
    for accepted, n, m, off, length in rows:
        span = () if off < 0 else ((accepted + dt.timedelta(days=off), accepted + dt.timedelta(days=off + length)),)
        for col, value in zip(cols, (accepted.toordinal(), n, m, span[0][0].toordinal() if span else -1,
                                     span[0][1].toordinal() if span else -1), strict=True):
            col.append(value)
        clocks.append(CaseClock(accepted, n, paused=span, extended=m))
    _due, codes = cards_many(CAL, *(np.array(c) for c in cols), today)
    assert [("green", "yellow", "red")[c] for c in codes] == [card(CAL, c, today) for c in clocks]
