"""The daily digest of alerts (issue 17 item 3): each person who was alerted — the office, window heads,
department leaders, the director, whoever the apps told — gets one alert at the center's ``digest_hour`` (hall
time) listing by kind, with counts and items, the alerts since that person's last digest (or, for a first digest
or after days without one, since the day before at the digest hour), muted kinds included (that is where they
go). An alert sent after a digest is in the next one: none falls between two digests or is listed twice, also
when the office moves the digest hour.

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


def digest_text(day: dt.date, rows: list[Notification], since: dt.datetime | None = None) -> str:
    """The digest of ``rows`` (one person's alerts up to ``day``'s digest hour, from ``since``), by kind in the
    registry's order, as lines: the day's line, then per kind a line with its count and its items one a line (the
    page breaks the lines)."""
    parts = [f"{day:%m-%d} 提醒汇总" + (f"（{since:%m-%d %H:%M} 以来）：" if since is not None else "：")]
    for kind, items in by_kind(rows):
        parts.append(f"{kind_name(kind)} {len(items)} 条：")
        parts.extend(f"· {_item(n)}" for n in items[:ITEMS_PER_KIND])
        if len(items) > ITEMS_PER_KIND:
            parts.append(f"· 另 {len(items) - ITEMS_PER_KIND} 条")
    text = "\n".join(parts)
    return text if len(text) <= 1000 else text[:997] + "……"


def _item(n: Notification) -> str:
    return ("（已撤回）" if n.state == NotificationState.WITHDRAWN else "") + n.text[:80]


def by_kind(rows: list[Notification]) -> list[tuple[str, list[Notification]]]:
    """``rows`` by kind, in the registry's order (unknown kinds last, by name)."""
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for n in rows:
        grouped[n.kind].append(n)
    order = [k for k in KINDS if k in grouped] + sorted(k for k in grouped if k not in KINDS)
    return [(k, grouped[k]) for k in order]


LOOKBACK = dt.timedelta(days=2)  # a digest looks back to the person's last one at most this far


def _first(center: Center, day: dt.date) -> dt.datetime:
    """Where ``day``'s digest starts without a recent one before it: the day before at the digest hour."""
    return dt.datetime.combine(day - dt.timedelta(days=1), dt.time(center.policy.digest_hour),
                               tzinfo=clock.zone(center))


def _last_digests(center: Center, before: dt.datetime, recipients: list[int] | None = None) -> dict[int, dt.datetime]:
    """Each person's last digest sent before ``before`` (within :data:`LOOKBACK`)."""
    rows = Notification.objects.filter(center=center, key__startswith="digest:", created_at__lt=before,
                                       created_at__gte=before - LOOKBACK)
    if recipients is not None:
        rows = rows.filter(recipient_id__in=recipients)
    last: dict[int, dt.datetime] = {}
    for rid, at in rows.values_list("recipient_id", "created_at"):
        if rid is not None and (rid not in last or at > last[rid]):
            last[rid] = at
    return last


def digest_lists(digest: Notification) -> list[dict]:
    """A digest as the alerts page lists it (issue 17 item 3): per kind its name, count and items (the alerts
    of that day, each with its link), read from the rows — empty when the digest's day cannot be read."""
    stamp = digest.key.partition(":")[2]
    try:
        day = dt.datetime.strptime(stamp, "%Y%m%d").date()
    except ValueError:
        return []
    end = digest.created_at
    start = _last_digests(digest.center, end, [digest.recipient_id]).get(digest.recipient_id,
                                                                        _first(digest.center, day))
    rows = list(Notification.objects.filter(center_id=digest.center_id, recipient_id=digest.recipient_id,
                                            created_at__gte=start, created_at__lt=end)
                .exclude(key__startswith="digest:").order_by("created_at", "pk"))
    return [{"kind": kind_name(k), "count": len(items), "items": items[:ITEMS_PER_KIND],
             "more": max(0, len(items) - ITEMS_PER_KIND)} for k, items in by_kind(rows)]


def send_digests(center: Center, now: dt.datetime | None = None) -> int:
    """Send today's digests of ``center`` if its digest hour has come; how many people were sent one (those
    already sent one today are not counted again: the key is the day's)."""
    now = now or timezone.now()
    local = clock.local(center, now)
    if local.hour < center.policy.digest_hour:
        return 0
    day = local.date()
    key = f"digest:{day:%Y%m%d}"
    first = _first(center, day)
    done = set(Notification.objects.filter(center=center, key=key).values_list("recipient_id", flat=True))
    last = _last_digests(center, now)
    mine: dict[int, list[Notification]] = defaultdict(list)
    for n in (Notification.objects.filter(center=center, created_at__gte=min([first, *last.values()]),
                                          created_at__lt=now)
              .exclude(key__startswith="digest:").exclude(recipient_id__in=done).order_by("created_at", "pk")):
        if n.recipient_id is not None and n.created_at >= last.get(n.recipient_id, first):
            mine[n.recipient_id].append(n)
    people = Staff.objects.filter(pk__in=list(mine), active=True).order_by("code")
    for person in people:
        since = last.get(person.pk, first)
        send(center, [person], key, digest_text(day, mine[person.pk], since.astimezone(clock.zone(center))))
    return len(people)


def tick(now: dt.datetime | None = None) -> int:
    """The worker's digest tick: every center whose digest hour has come today."""
    now = now or timezone.now()
    return sum(send_digests(center, now) for center in Center.objects.select_related("policy"))
