"""The director's view (issue 15 item 7): the hall now, today and this month, the last 30 days as trend charts,
and the month's lowest scores with their causes. Read-only; every figure comes from the records the other
parts keep (duty's hall state, the tickets and ratings, red-case violations, complaints, the month's scores)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from servicehall.cases.models import CaseViolation
from servicehall.core import clock
from servicehall.duty.presence import State, hall_state
from servicehall.feedback.models import Complaint
from servicehall.org.models import Center
from servicehall.tickets import stats
from servicehall.tickets.models import Ticket
from servicehall.tickets.services import BAD_LEVELS
from servicehall.tickets.stats import current_wait

from . import scores

TREND_DAYS = 30
LOWEST = 10


@dataclass(frozen=True)
class Hall:
    waiting: int
    recent_wait: float  # the last hour's callers' mean wait, minutes (Q-6)
    open_windows: int
    vacant: int
    paused: int
    windows: int
    vacant_names: tuple[str, ...]
    paused_names: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    """A span's figures: tickets issued, served, mean wait (issue → call, minutes), ratings, poor ratings, red
    cases (turned red in the span), complaints received."""

    tickets: int
    called: int
    mean_wait: float | None
    ratings: int
    poor: int
    red_cases: int
    complaints: int


@dataclass(frozen=True)
class Day:
    day: dt.date
    tickets: int
    called: int
    wait_minutes: float  # the sum of the called tickets' waits
    mean_wait: float | None
    ratings: int
    poor: int
    red_cases: int
    complaints: int


def hall_now(center: Center, now: dt.datetime) -> Hall:
    """The hall at ``now``: tickets waiting today and the last hour's wait (the queue's own figures), and each
    window's most pressing state (duty's hall state)."""
    states = hall_state(center, now)
    on = (State.A, State.B, State.STAND_IN)
    queue = current_wait(center, clock.today(center, now), now)
    return Hall(int(queue["waiting"]), float(queue["recent_wait"]), sum(1 for w in states if w.state in on), sum(1 for w in states if w.state == State.VACANT),
                sum(1 for w in states if w.state == State.PAUSED), len(states),
                tuple(w.window.name for w in states if w.state == State.VACANT),
                tuple(w.window.name for w in states if w.state == State.PAUSED))


def days(center: Center, first: dt.date, last: dt.date) -> list[Day]:
    """Each day of ``first..last`` (a few queries for the whole span)."""
    tz = clock.zone(center)
    tickets: dict[dt.date, int] = defaultdict(int)
    waits: dict[dt.date, list[float]] = defaultdict(list)
    for day, issued, called in Ticket.objects.filter(center=center, day__gte=first, day__lte=last).values_list(
            "day", "issued_at", "called_at"):
        tickets[day] += 1
        if called is not None:
            waits[day].append((called - issued).total_seconds() / 60)
    ratings: dict[dt.date, int] = defaultdict(int)
    poor: dict[dt.date, int] = defaultdict(int)
    for r in stats.ratings_of(center, first, last).select_related("ticket").only("level", "at", "ticket__day"):
        day, level = stats.rating_day(r, center), r.level  # window services and finished cases (EVAL-4)
        ratings[day] += 1
        if level in BAD_LEVELS:
            poor[day] += 1
    red: dict[dt.date, int] = defaultdict(int)
    for day in CaseViolation.objects.filter(center=center, active=True, red_on__gte=first,
                                            red_on__lte=last).values_list("red_on", flat=True):
        red[day] += 1
    complaints: dict[dt.date, int] = defaultdict(int)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    for at in Complaint.objects.filter(center=center, received_at__gte=start, received_at__lt=end).values_list(
            "received_at", flat=True):
        complaints[at.astimezone(tz).date()] += 1
    out = []
    day = first
    while day <= last:
        w = waits.get(day)
        out.append(Day(day, tickets[day], len(w or []), sum(w or []), round(sum(w) / len(w), 1) if w else None, ratings[day], poor[day],
                       red[day], complaints[day]))
        day += dt.timedelta(days=1)
    return out


def total(series: list[Day]) -> Figures:
    """The span's figures from its days; the mean wait is over every called ticket of the span."""
    called = sum(d.called for d in series)
    mean = round(sum(d.wait_minutes for d in series) / called, 1) if called else None
    return Figures(sum(d.tickets for d in series), called, mean, sum(d.ratings for d in series),
                   sum(d.poor for d in series), sum(d.red_cases for d in series), sum(d.complaints for d in series))


def lowest(center: Center, first: dt.date, n: int = LOWEST) -> list[scores.PersonMonth]:
    """The month's ``n`` lowest scores (then by staff code), each with its entries (the causes)."""
    rows = scores.month_scores(center, first)
    return sorted((pm for pm in rows if pm.score.points < 100 or pm.score.deductions),
                  key=lambda pm: (pm.score.points, pm.staff.code))[:n]


def now_local(center: Center, now: dt.datetime | None = None) -> dt.datetime:
    return clock.local(center, now or timezone.now())
