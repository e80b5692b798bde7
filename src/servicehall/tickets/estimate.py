"""Where a ticket stands and how long it will wait (Q-7) — the remote ticket's page and its "near" SMS.

People ahead: the tickets waiting for the windows the ticket's item shares that will be called before it — those
moved to the front (Q-7), then the earlier ones. The green channel (Q-2) may still call someone before it, so the
count is what the holder can expect, not a promise.

Estimated wait (:func:`servicehall.rules.queue.estimate_wait`): the mean service time — from the call to the end
of the service — of the last ``RECENT`` (10) finished tickets of today at the windows serving the item; when none
has finished today, the item's mean over the last ``HISTORY_DAYS`` days; else 5 minutes. That per-person time is
divided by the number of those windows open now (at least one) and multiplied by the people ahead.
``tests/bench/test_wait_estimate_bench.py`` compares its error with a fixed 5 minutes a person on the demo's
history.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from servicehall.core import clock
from servicehall.org.models import Post
from servicehall.rules.queue import RECENT, estimate_wait, service_minutes

from .models import Ticket, TicketStatus

HISTORY_DAYS = 30


def ahead_of(ticket: Ticket) -> int:
    """The people waiting before ``ticket`` for its windows (see the module's note)."""
    from .services import _items_sharing_windows

    mine = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, pk__lt=ticket.pk)
    if ticket.front_at is None:
        before = Q(front_at__isnull=False) | (Q(front_at__isnull=True) & mine)
    else:
        before = Q(front_at__lt=ticket.front_at) | (Q(front_at=ticket.front_at) & mine)
    return (Ticket.objects.filter(center_id=ticket.center_id, day=ticket.day, status=TicketStatus.WAITING,
                                  item__in=_items_sharing_windows(ticket.item))
            .filter(before).exclude(pk=ticket.pk).count())


def _minutes(called: dt.datetime | None, finished: dt.datetime | None) -> float:
    return (finished - called).total_seconds() / 60 if called and finished else 0.0


def per_service(ticket: Ticket, now: dt.datetime) -> tuple[float, int]:
    """The minutes one service of the ticket's item takes now, and how many of its windows are open."""
    from .services import window_opening

    center = ticket.center
    windows = sorted(set(Post.objects.filter(items=ticket.item).values_list("window_id", flat=True)))
    done = Ticket.objects.filter(center=center, status=TicketStatus.DONE, called_at__isnull=False,
                                 finished_at__isnull=False, finished_at__lte=now)
    recent = [_minutes(a, b) for a, b in done.filter(day=ticket.day, window_id__in=windows)
              .order_by("-finished_at").values_list("called_at", "finished_at")[:RECENT]]
    history = None
    if not recent:
        past = [_minutes(a, b) for a, b in done.filter(
            item=ticket.item, day__lt=ticket.day, day__gte=ticket.day - dt.timedelta(days=HISTORY_DAYS))
            .order_by("-finished_at").values_list("called_at", "finished_at")[:500]]
        past = [m for m in past if m > 0]
        history = sum(past) / len(past) if past else None
    local = clock.local(center, now)
    minute = local.hour * 60 + local.minute
    from servicehall.org.models import Window

    open_now = sum(1 for w in Window.objects.filter(pk__in=windows)
                   if any(a <= minute < b for a, b in window_opening(center, w, local.date())))
    return service_minutes(recent, history), open_now


def for_ticket(ticket: Ticket, now: dt.datetime, ahead: int | None = None) -> tuple[int, int]:
    """(people ahead, estimated minutes) of a waiting ticket (Q-7); ``ahead`` when the caller counted it."""
    ahead = ahead_of(ticket) if ahead is None else ahead
    if ahead == 0:
        return 0, 0
    minutes, open_windows = per_service(ticket, now)
    return ahead, estimate_wait(ahead, minutes, open_windows)
