"""Time in the center's own zone — the zone decides what "a day" is (ARCHITECTURE).

The one reading of "the local datetime / the local date / today" every app uses. ``where`` is a zone name
(``"Asia/Shanghai"``) or anything with a ``.timezone`` zone name (a center), so the base app need not know
the org app.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone


class Zoned(Protocol):
    @property
    def timezone(self) -> str: ...


Where = str | Zoned


def zone(where: Where) -> ZoneInfo:
    """The zone of ``where``: a zone name or an object with a ``.timezone`` name."""
    return ZoneInfo(where if isinstance(where, str) else where.timezone)


def local(where: Where, when: dt.datetime) -> dt.datetime:
    """``when`` (aware) as the wall clock of ``where`` reads it."""
    return when.astimezone(zone(where))


def local_date(where: Where, when: dt.datetime) -> dt.date:
    """The day ``when`` falls on in ``where``'s zone."""
    return local(where, when).date()


def today(where: Where, now: dt.datetime | None = None) -> dt.date:
    """Today in ``where``'s zone (``now`` defaults to the current time)."""
    return local_date(where, now or timezone.now())
