"""The daily digest of alerts (issue 17 item 3): each person who was alerted today — the office, window heads,
department leaders, the director, whoever the apps told — gets one alert at the center's ``digest_hour`` (hall
time) listing the day's alerts by kind, counts and items, muted kinds included (that is where they go).

Decided: a digest is sent only on days that have something to say (at least one alert to that person that day,
working day or not); a quiet day sends nothing — an empty digest every day would teach people to ignore it. It
is sent once per person and day (key ``digest:<YYYYMMDD>``): the worker's tick may run every few minutes after
the hour, or again after a restart, and nobody is told twice. Withdrawn alerts are listed as withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from servicehall.core import clock
from servicehall.core.models import Notification, NotificationState
from servicehall.core.notify import KINDS, kind_name, send

from .models import Center, Staff

ITEMS_PER_KIND = 5


def digest_text(day: dt.date, rows: list[Notification]) -> str:
    """The digest of ``rows`` (one person's alerts of ``day``), by kind in the registry's order."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for n in rows:
        by_kind[n.kind].append(n)
    order = [k for k in KINDS if k in by_kind] + sorted(k for k in by_kind if k not in KINDS)
    counts = "、".join(f"{kind_name(k)} {len(by_kind[k])} 条" for k in order)
    parts = [f"{day:%m-%d} 提醒汇总：{counts}。"]
    for k in order:
        items = by_kind[k]
        shown = "；".join(("（已撤回）" if n.state == NotificationState.WITHDRAWN else "") + n.text[:80]
                         for n in items[:ITEMS_PER_KIND])
        more = f"；另 {len(items) - ITEMS_PER_KIND} 条" if len(items) > ITEMS_PER_KIND else ""
        parts.append(f"【{kind_name(k)}】{shown}{more}")
    text = "\n".join(parts)
    return text if len(text) <= 1000 else text[:997] + "……"


def send_digests(center: Center, now: dt.datetime | None = None) -> int:
    """Send today's digests of ``center`` if its digest hour has come; how many people were sent one (those
    already sent one today are not counted again: the key is the day's)."""
    now = now or timezone.now()
    local = clock.local(center, now)
    if local.hour < center.policy.digest_hour:
        return 0
    day = local.date()
    key = f"digest:{day:%Y%m%d}"
    start = dt.datetime.combine(day, dt.time(), tzinfo=clock.zone(center))
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=clock.zone(center))
    done = set(Notification.objects.filter(center=center, key=key).values_list("recipient_id", flat=True))
    mine: dict[int, list[Notification]] = defaultdict(list)
    for n in (Notification.objects.filter(center=center, created_at__gte=start, created_at__lt=end)
              .exclude(key__startswith="digest:").exclude(recipient_id__in=done).order_by("created_at", "pk")):
        mine[n.recipient_id].append(n)
    people = Staff.objects.filter(pk__in=list(mine), active=True).order_by("code")
    for person in people:
        send(center, [person], key, digest_text(day, mine[person.pk]))
    return len(people)


def tick(now: dt.datetime | None = None) -> int:
    """The worker's digest tick: every center whose digest hour has come today."""
    now = now or timezone.now()
    return sum(send_digests(center, now) for center in Center.objects.select_related("policy"))
