"""CASE-3 with CASE-5: the day a one-time notice asks the applicant back by — by default the Nth working day
after the notice (holidays skipped, makeup working days counted); a day the clerk names must be a working day
after the notice's day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.deadlines import RETURN_WORKDAYS, default_return_by, return_by_fault
from servicehall.rules.workdays import CalendarYearMissing, official_calendar

CAL = official_calendar()
FIRST, LAST = CAL.span
DAYS = st.dates(min_value=dt.date(FIRST, 1, 1), max_value=dt.date(LAST, 11, 30))


@pytest.mark.parametrize("issued,due", [
    ("2026-09-29", "2026-10-12"),  # National Day 2026: Oct 1-7 off, Sat Oct 10 a makeup working day
    ("2026-02-13", "2026-02-27"),  # Spring Festival 2026: Sat Feb 14 a makeup day, Feb 15-23 off
    ("2026-10-01", "2026-10-13"),  # issued on a holiday (a center's extended-hours day): counts from there
])
def test_the_default_skips_holidays_and_counts_makeup_days(issued, due):
    assert default_return_by(CAL, dt.date.fromisoformat(issued)) == dt.date.fromisoformat(due)


@given(DAYS)
def test_the_default_is_always_an_acceptable_return_date(issued):
    day = default_return_by(CAL, issued)
    assert return_by_fault(CAL, issued, day) == ""
    assert CAL.workdays_between(issued, day) == RETURN_WORKDAYS


@given(DAYS, st.integers(min_value=-30, max_value=30))
def test_a_named_day_is_accepted_exactly_when_it_is_a_later_working_day(issued, offset):
    day = issued + dt.timedelta(days=offset)
    if not CAL.covers(day.year):
        return
    fault = return_by_fault(CAL, issued, day)
    assert (fault == "") == (day > issued and CAL.is_workday(day))
    assert fault in ("", "past", "not_workday")
    if offset <= 0:
        assert fault == "past"  # the notice's own day is no return date: the applicant needs time


def test_a_year_nobody_entered_is_an_error_not_a_guess():
    with pytest.raises(CalendarYearMissing):
        return_by_fault(CAL, dt.date(LAST, 12, 30), dt.date(LAST + 1, 1, 5))
