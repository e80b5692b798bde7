"""CASE-5: working-day arithmetic over the official calendar and a center's own days."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehall.rules.workdays import (
    CalendarYearMissing,
    WorkCalendar,
    build_calendar,
    official_arrangement,
    official_calendar,
)

CAL = official_calendar()
dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 6, 30))
counts = st.integers(min_value=0, max_value=120)


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def span(a: str, b: str) -> list[dt.date]:
    first, last = d(a), d(b)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# The State Council arrangements, written out here independently of the package.
HOLIDAYS = {
    2025: span("2025-01-01", "2025-01-01") + span("2025-01-28", "2025-02-04") + span("2025-04-04", "2025-04-06")
    + span("2025-05-01", "2025-05-05") + span("2025-05-31", "2025-06-02") + span("2025-10-01", "2025-10-08"),
    2026: span("2026-01-01", "2026-01-03") + span("2026-02-15", "2026-02-23") + span("2026-04-04", "2026-04-06")
    + span("2026-05-01", "2026-05-05") + span("2026-06-19", "2026-06-21") + span("2026-09-25", "2026-09-27")
    + span("2026-10-01", "2026-10-07"),
}
MAKEUP = {
    2025: [d("2025-01-26"), d("2025-02-08"), d("2025-04-27"), d("2025-09-28"), d("2025-10-11")],
    2026: [d("2026-01-04"), d("2026-02-14"), d("2026-02-28"), d("2026-05-09"), d("2026-09-20"), d("2026-10-10")],
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_case5_every_official_holiday_is_a_day_off(year):
    for day in HOLIDAYS[year]:
        assert not CAL.is_workday(day), day


@pytest.mark.parametrize("year", [2025, 2026])
def test_case5_every_makeup_day_is_a_working_day(year):
    for day in MAKEUP[year]:
        assert day.weekday() >= 5
        assert CAL.is_workday(day), day


@pytest.mark.parametrize("year", [2025, 2026])
def test_case5_the_rest_of_the_year_follows_the_week(year):
    special = set(HOLIDAYS[year]) | set(MAKEUP[year])
    for day in span(f"{year}-01-01", f"{year}-12-31"):
        if day not in special:
            assert CAL.is_workday(day) == (day.weekday() < 5), day


def test_case5_scenario_examples():
    assert CAL.add_workdays(d("2026-09-29"), 5) == d("2026-10-12")
    assert CAL.workdays_between(d("2026-09-29"), d("2026-10-12")) == 5
    assert CAL.is_workday(d("2026-10-10"))


def test_case5_start_day_not_counted_and_zero_is_same_day():
    assert CAL.add_workdays(d("2026-03-02"), 1) == d("2026-03-03")
    assert CAL.add_workdays(d("2026-03-07"), 0) == d("2026-03-07")  # 即办件: due the same day
    assert CAL.next_workday(d("2026-02-13")) == d("2026-02-14")  # makeup Saturday before Spring Festival
    assert CAL.next_workday(d("2026-02-14")) == d("2026-02-24")


def test_case5_uncovered_year_is_an_error_naming_it():
    with pytest.raises(CalendarYearMissing, match="2027"):
        CAL.is_workday(d("2027-01-04"))
    with pytest.raises(CalendarYearMissing, match="2027"):
        CAL.add_workdays(d("2026-12-20"), 20)
    with pytest.raises(CalendarYearMissing, match="2003"):
        CAL.workdays_between(d("2003-12-30"), d("2004-01-05"))


def test_case5_entered_year_covers_2027_and_overrides_apply():
    cal = build_calendar({2027: [(d("2027-01-01"), False), (d("2027-02-20"), True)]},
                         {d("2026-12-31"): False})
    assert not cal.is_workday(d("2027-01-01"))
    assert cal.is_workday(d("2027-02-20"))  # a makeup Saturday
    assert not cal.is_workday(d("2026-12-31"))  # the center's own day off
    # Thursday 2026-12-31 off, Friday 2027-01-01 off: Monday the 4th is the first working day.
    assert cal.add_workdays(d("2026-12-30"), 1) == d("2027-01-04")


def test_case5_a_hole_between_years_is_an_error():
    years = dict(official_arrangement())
    years[2028] = years[2026].__class__(2028, frozenset(), frozenset())
    cal = WorkCalendar(years)
    with pytest.raises(CalendarYearMissing, match="2027"):
        cal.add_workdays(d("2026-12-28"), 30)
    assert cal.is_workday(d("2028-03-01"))


@given(dates, counts)
def test_case5_between_undoes_add(start, n):
    assert CAL.workdays_between(start, CAL.add_workdays(start, n)) == n


@given(dates, counts)
def test_case5_due_date_is_a_working_day_unless_on_the_spot(start, n):
    due = CAL.add_workdays(start, n)
    assert due >= start
    if n > 0:
        assert CAL.is_workday(due)
        assert due > start


@given(dates, counts, counts)
def test_case5_add_is_monotonic_in_n(start, n, m):
    a, b = sorted((n, m))
    assert CAL.add_workdays(start, a) <= CAL.add_workdays(start, b)


@given(dates, dates)
def test_case5_between_is_monotonic_and_antisymmetric(a, b):
    assert CAL.workdays_between(a, b) == -CAL.workdays_between(b, a)
    if a <= b:
        assert CAL.workdays_between(a, b) >= 0


@settings(max_examples=60)
@given(dates, st.integers(min_value=0, max_value=40))
def test_case5_matches_stepping_with_the_official_package(start, n):
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    assert CAL.add_workdays(start, n) == day


@given(st.lists(st.tuples(dates, counts), min_size=1, max_size=50))
def test_case5_vectorised_add_matches_scalar(pairs):
    import numpy as np

    starts = np.array([p[0].toordinal() for p in pairs])
    ns = np.array([p[1] for p in pairs])
    out = CAL.add_workdays_many(starts, ns)
    assert [dt.date.fromordinal(int(o)) for o in out] == [CAL.add_workdays(s, n) for s, n in pairs]


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        CAL.add_workdays(d("2026-03-02"), -1)
