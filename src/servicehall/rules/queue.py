"""Who is called next — 叫号 (RULES.md Q-1, Q-2, Q-3).

The green channel (绿色通道) puts priority tickets first at their windows;
so that nobody else starves, a normal ticket that has waited
``starve_minutes`` or more is called before any priority ticket. Within one
class the earliest ticket goes first; an appointment checked in inside its
slot counts as priority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Waiting", "pick_next", "PRIORITY_GROUPS"]

# the elderly (60+), the disabled, the seriously ill, and groups the center lists.
PRIORITY_GROUPS = ("elderly", "disabled", "ill", "listed", "appointment")


@dataclass(frozen=True)
class Waiting:
    """A ticket as the dispatcher sees it."""

    key: int
    issued_at: dt.datetime
    priority: str = ""  # one of PRIORITY_GROUPS, or "" for none


def pick_next(waiting: Iterable[Waiting], now: dt.datetime, starve_minutes: int = 30) -> Waiting | None:
    """The next ticket to call (Q-2): priority first, unless a normal ticket has waited too long."""
    tickets = sorted(waiting, key=lambda w: (w.issued_at, w.key))
    if not tickets:
        return None
    normal = [w for w in tickets if not w.priority]
    priority = [w for w in tickets if w.priority]
    if normal and (now - normal[0].issued_at) >= dt.timedelta(minutes=starve_minutes):
        return normal[0]
    return priority[0] if priority else normal[0]
