"""Appointment reminders and the no-show block — 预约提醒、爽约限制 (RULES.md Q-8).

Reminders. A booking gets two SMS reminders, each at most once:

- the *day-before* reminder at :data:`DAY_BEFORE_AT` (09:00) hall time on the calendar day before the slot's
  day — the calendar day, not the working day: a slot on the first working day after a holiday is reminded on
  the holiday's last day;
- the *soon* reminder :data:`SOON_BEFORE` (two hours) before the slot starts.

Each reminder is due from its time until the next one's time (the day-before one) or the slot's start (the
soon one): a worker that was stopped sends only the reminder still current, never both at once, and a booking
made after a reminder's time never gets that reminder late.

No-shows. A booking neither cancelled nor checked in when its slot ends is a no-show (at the slot's end).
``limit`` no-shows within :data:`NO_SHOW_WINDOW` (90 days) block new bookings by that ID number for
``block_days`` from the moment of the last of them. The office may lift a block: no-shows up to the lifting
no longer count toward any block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

__all__ = ["DAY_BEFORE_AT", "SOON_BEFORE", "NO_SHOW_WINDOW", "reminder_times", "due_reminder", "block_until"]

DAY_BEFORE_AT = dt.time(9, 0)
SOON_BEFORE = dt.timedelta(hours=2)
NO_SHOW_WINDOW = dt.timedelta(days=90)


def reminder_times(start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The day-before and the soon reminder's times for a slot starting at ``start`` (aware, in hall time)."""
    day_before = dt.datetime.combine(start.date() - dt.timedelta(days=1), DAY_BEFORE_AT, tzinfo=start.tzinfo)
    return day_before, start - SOON_BEFORE


def due_reminder(start: dt.datetime, booked_at: dt.datetime, now: dt.datetime, sent_day: bool, sent_soon: bool
                 ) -> str | None:
    """Which reminder (``"day"`` or ``"soon"``) is due ``now`` for a booking of a slot starting at ``start``, or
    None: due from its time until the next reminder's (or the start), not sent yet, and the booking older than
    its time."""
    day_before, soon = reminder_times(start)
    if not sent_soon and booked_at <= soon <= now < start:
        return "soon"
    if not sent_day and booked_at <= day_before <= now < min(soon, start):
        return "day"
    return None


def block_until(no_shows: Iterable[dt.datetime], lifted: Iterable[dt.datetime], limit: int, block_days: int,
                now: dt.datetime) -> dt.datetime | None:
    """Until when new bookings are blocked ``now`` (None: not blocked), given the no-shows' times (the ends of
    the missed slots) and the times the office lifted a block."""
    if limit < 1:
        return None
    last_lift = max(lifted, default=None)
    times = sorted(t for t in no_shows if t <= now and (last_lift is None or t > last_lift))
    until = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= NO_SHOW_WINDOW:
            end = times[i] + dt.timedelta(days=block_days)
            until = end if until is None or end > until else until
    return until if until is not None and until > now else None
