"""Who is called next — 叫号 (RULES.md Q-1, Q-2, Q-3).

The green channel (绿色通道) puts priority tickets first at their windows;
so that nobody else starves, a normal ticket that has waited
``starve_minutes`` or more is called before any priority ticket. Within one
class the earliest ticket goes first; an appointment checked in inside its
slot counts as priority. A ticket the office or the guide desk moved to the front (Q-7, with a reason) goes
before all others, the earliest moved first.

Estimated wait (Q-7), :func:`estimate_wait`: the mean service time (call to finish) of the last
``RECENT`` finished tickets at the item's windows today — else the item's historical mean, else
``FALLBACK_MINUTES`` — divided by the number of the item's windows open now (at least one), times the people
ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Waiting", "pick_next", "PRIORITY_GROUPS", "estimate_wait", "service_minutes", "RECENT", "FALLBACK_MINUTES"]

# the elderly (60+), the disabled, the seriously ill, and groups the center lists.
PRIORITY_GROUPS = ("elderly", "disabled", "ill", "listed", "appointment")


@dataclass(frozen=True)
class Waiting:
    """A ticket as the dispatcher sees it."""

    key: int
    issued_at: dt.datetime
    priority: str = ""  # one of PRIORITY_GROUPS, or "" for none
    front_at: dt.datetime | None = None  # moved to the front


def pick_next(waiting: Iterable[Waiting], now: dt.datetime, starve_minutes: int = 30) -> Waiting | None:
    """The next ticket to call (Q-2): priority first, unless a normal ticket has waited too long."""
    tickets = sorted(waiting, key=lambda w: (w.issued_at, w.key))
    if not tickets:
        return None
    fronted = sorted((w for w in tickets if w.front_at is not None), key=lambda w: (w.front_at, w.issued_at, w.key))
    if fronted:  # moved to the front with a reason
        return fronted[0]
    normal = [w for w in tickets if not w.priority]
    priority = [w for w in tickets if w.priority]
    if normal and (now - normal[0].issued_at) >= dt.timedelta(minutes=starve_minutes):
        return normal[0]
    return priority[0] if priority else normal[0]


RECENT = 10  # the last finished services a wait is estimated from
FALLBACK_MINUTES = 5.0  # a service's minutes when neither today nor the item's history has one


def service_minutes(recent: Iterable[float], history: float | None) -> float:
    """The minutes one service takes (Q-7): the mean of the ``recent`` service times (call to finish) of today at
    the item's windows, else the item's historical mean, else ``FALLBACK_MINUTES``. Non-positive times are
    ignored."""
    times = [m for m in recent if m > 0]
    if times:
        return sum(times) / len(times)
    if history is not None and history > 0:
        return history
    return FALLBACK_MINUTES


def estimate_wait(ahead: int, per_service: float, open_windows: int) -> int:
    """Estimated minutes until a ticket is called (Q-7): ``per_service`` minutes per person, served by
    ``open_windows`` windows at once (at least one), times the people ``ahead``; whole minutes, rounded up."""
    if ahead <= 0:
        return 0
    minutes = ahead * per_service / max(1, open_windows)
    return int(-(-minutes // 1))
