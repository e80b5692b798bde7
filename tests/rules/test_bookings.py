"""Q-8: reminder times and the no-show block, as pure rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.bookings import NO_SHOW_WINDOW, block_until, due_reminder, reminder_times

TZ = dt.timezone(dt.timedelta(hours=8))
starts = st.datetimes(min_value=dt.datetime(2026, 1, 2), max_value=dt.datetime(2026, 12, 30)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ))
offsets = st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))


def at(*a) -> dt.datetime:
    return dt.datetime(*a, tzinfo=TZ)


def test_the_day_before_is_the_calendar_day_before_even_a_holiday():
    # 2026-10-08 is the first working day after 国庆: the reminder goes on 10-07, a holiday, at 09:00
    assert reminder_times(at(2026, 10, 8, 10)) == (at(2026, 10, 7, 9), at(2026, 10, 8, 8))
    # a Monday slot: Sunday 09:00
    assert reminder_times(at(2026, 3, 2, 9))[0] == at(2026, 3, 1, 9)


@given(starts, offsets)
def test_simulated_ticks_send_each_reminder_at_most_once_and_never_stale(start, booked_before):
    """Ticks every five minutes from the booking to past the start: at most one of each, none before its time
    or after the start, none whose time came before the booking."""
    booked = start - abs(booked_before) - dt.timedelta(minutes=1)
    day, soon = reminder_times(start)
    sent: dict[str, dt.datetime] = {}
    now = booked
    while now <= start + dt.timedelta(hours=1):
        which = due_reminder(start, booked, now, "day" in sent, "soon" in sent)
        if which is not None:
            assert which not in sent
            sent[which] = now
        now += dt.timedelta(minutes=5)
    for which, when in sent.items():
        time = day if which == "day" else soon
        assert booked <= time <= when < start
    if booked <= soon:  # booked before the soon time: the soon reminder always goes
        assert "soon" in sent
    if "day" in sent:
        assert sent["day"] < soon


@given(st.lists(offsets, max_size=6), st.integers(min_value=1, max_value=4),
       st.integers(min_value=1, max_value=200))
def test_a_block_needs_limit_no_shows_within_90_days(offs, limit, days):
    now = at(2026, 6, 1, 12)
    times = sorted(now + o for o in offs)
    until = block_until(times, [], limit, days, now)
    past = [t for t in times if t <= now]
    if until is not None:
        assert now < until
        # the block comes from `limit` past no-shows within 90 days, ending block_days after the last of them
        assert any(until == past[i] + dt.timedelta(days=days) and past[i] - past[i - limit + 1] <= NO_SHOW_WINDOW
                   for i in range(limit - 1, len(past)))
    if len(past) < limit:
        assert until is None
    # a lift after every no-show clears it
    assert block_until(times, [now], limit, days, now) is None


def test_block_examples():
    a, b = at(2026, 3, 2, 11), at(2026, 4, 1, 11)
    assert block_until([a, b], [], 2, 90, at(2026, 4, 2)) == b + dt.timedelta(days=90)
    assert block_until([a, b], [], 3, 90, at(2026, 4, 2)) is None
    assert block_until([a, at(2026, 9, 1, 11)], [], 2, 90, at(2026, 9, 2)) is None  # 183 days apart
    assert block_until([a, b], [], 2, 90, b + dt.timedelta(days=90)) is None  # over
    assert block_until([a, b], [at(2026, 4, 1, 12)], 2, 90, at(2026, 4, 2)) is None  # lifted
    later = at(2026, 4, 20, 11)
    assert block_until([a, b, later], [at(2026, 4, 1, 12)], 2, 90, at(2026, 4, 21)) is None  # one since the lift
