"""ATT-2: a leave's length counts the working time of the center's calendar and sessions."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.leavetime import leave_workdays, needs_office_filing
from servicehall.rules.workdays import official_calendar

CAL = official_calendar()
SESSIONS = [(8 * 60 + 30, 12 * 60), (14 * 60 + 30, 17 * 60 + 30)]  # 08:30-12:00, 14:30-17:30
moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 20))


def t(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def test_friday_afternoon_to_monday_morning_is_one_working_day():
    # Friday 13 March 2026 after lunch until Monday 16 March at noon: the afternoon and the morning.
    assert leave_workdays(CAL, SESSIONS, t("2026-03-13T12:00"), t("2026-03-16T12:00")) == 1
    assert not needs_office_filing(CAL, SESSIONS, t("2026-03-13T12:00"), t("2026-03-16T12:00"))
    # A whole Friday and the Monday morning is more than one day: on to the office.
    assert leave_workdays(CAL, SESSIONS, t("2026-03-13T08:30"), t("2026-03-16T12:00")) == Fraction(600, 390)
    assert needs_office_filing(CAL, SESSIONS, t("2026-03-13T08:30"), t("2026-03-16T12:00"))


def test_holidays_are_not_counted():
    # National Day 2026: 1-7 October off; 30 September afternoon to 8 October morning is one working day.
    assert leave_workdays(CAL, SESSIONS, t("2026-09-30T12:00"), t("2026-10-08T12:00")) == 1
    assert leave_workdays(CAL, SESSIONS, t("2026-10-02T00:00"), t("2026-10-05T00:00")) == 0


@given(moments, moments, moments)
def test_lengths_add_up(a, b, c):
    start, mid, end = sorted((a, b, c))
    whole = leave_workdays(CAL, SESSIONS, start, end)
    assert leave_workdays(CAL, SESSIONS, start, mid) + leave_workdays(CAL, SESSIONS, mid, end) == whole


@given(moments, moments)
def test_never_more_than_the_working_days_touched(a, b):
    start, end = sorted((a, b))
    n = leave_workdays(CAL, SESSIONS, start, end)
    touched = sum(CAL.is_workday(start.date() + dt.timedelta(days=i))
                  for i in range((end.date() - start.date()).days + 1))
    assert 0 <= n <= touched
    assert leave_workdays(CAL, SESSIONS, end, start) == (0 if end > start else n)


@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 20)))
def test_a_whole_day_weighs_one_on_a_working_day_and_nothing_on_a_day_off(day):
    start = dt.datetime.combine(day, dt.time())
    got = leave_workdays(CAL, SESSIONS, start, start + dt.timedelta(days=1))
    assert got == (1 if CAL.is_workday(day) else 0)
