"""What the ticket issue path keeps per process (issue 14: tickets at a city's rate; Q-1, SEC-5): a device by its
token, the device's account, a service item, an item's ticket hours of a day. Kept by :mod:`servicehall.core.hot`
until one of the models below is saved or deleted anywhere, then read again — a retired device, a rotated token,
a withdrawn item or shortened hours take effect on the next request of every process."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from servicehall.audit.services import Actor, system_actor
from servicehall.catalog.models import ServiceItem
from servicehall.core import hot
from servicehall.core.models import Device
from servicehall.org.models import (
    CalendarDay,
    CalendarYear,
    Center,
    Department,
    ExtendedSession,
    Policy,
    Post,
    Window,
)

from .models import QueueLimit

# Every model whose rows the copies below are made of (a device's center and policy, an item's department, the
# posts that serve it and their windows, the regular and extended sessions, the calendar).
WATCHED = (Device, ServiceItem, Department, Center, Policy, Window, Post, ExtendedSession, CalendarDay, CalendarYear,
           QueueLimit)


def watch() -> None:
    hot.watch(*WATCHED)


def device_by_token(token: str) -> Device | None:
    """The active device holding ``token`` (SEC-5), with its center and policy; a refused token is not kept."""
    key = ("device-token", Device.hash_token(token))
    device = hot.get(key, lambda: Device.objects.filter(token_hash=key[1], active=True)
                     .select_related("center", "center__policy").first())
    if device is None:
        hot.forget(key)
    return device


def device_still_valid(device: Device) -> bool:
    """Whether ``device`` is as the database has it now — active, same token, kind, window and center (SEC-5).
    Call it after :func:`servicehall.core.hot.check`: then a copy that matches is current."""
    now = hot.get(("device", device.pk), lambda: Device.objects.filter(pk=device.pk).values_list(
        "token_hash", "active", "kind", "window_id", "center_id").first())
    return now == (device.token_hash, device.active, device.kind, device.window_id, device.center_id)


def device_actor(device: Device) -> Actor:
    """The actor of a device's writes — as :func:`servicehall.duty.services.device_actor`, its account kept."""
    key = ("system-user", "device")
    user = hot.get(key, lambda: get_user_model().objects.filter(username="_device").first())
    if user is None:
        # The first device write of a new center makes the account inside its transaction. It is not kept here:
        # a refused ticket rolls it back, and a copy of a row that is gone failed every later ticket of this
        # process on a foreign key (a 500 at the kiosk). The next request reads it, committed, and keeps it.
        hot.forget(key)
        user = system_actor("device").user
    return Actor(user=user, label=f"device:{device.code}", device=device)


@dataclass(frozen=True)
class ItemInfo:
    """A service item as the issue path needs it: the item (with its department), whether a post serves it (Q-1),
    and the items sharing its windows (who counts as ahead); its daily cap and waiting alarm (Q-7, 0: none)."""

    item: ServiceItem
    served: bool
    sharing: tuple[int, ...]
    daily_cap: int = 0
    alarm_at: int = 0


def item_info(center: Center, code: str) -> ItemInfo | None:
    def load() -> ItemInfo | None:
        item = ServiceItem.objects.filter(center=center, code=code, active=True).select_related("department").first()
        if item is None:
            return None
        # Two plain reads (the windows of the posts serving it, then the items of the posts at those windows):
        # one query joining items, posts and a sub-select of the same took seconds on PostgreSQL's planner.
        windows = list(Post.objects.filter(items=item).values_list("window_id", flat=True))
        sharing = tuple(sorted(set(Post.items.through.objects.filter(post__window_id__in=windows)
                                   .values_list("serviceitem_id", flat=True))))
        limit = QueueLimit.objects.filter(item=item).values_list("daily_cap", "alarm_at").first() or (0, 0)
        return ItemInfo(item, bool(windows), sharing or (item.pk,), *limit)

    return hot.get(("item", center.pk, code), load)


@dataclass(frozen=True)
class Hours:
    """An item's ticket hours of one day (Q-1, Q-7, NV-9, ATT-4): the regular sessions (minutes of the day) and
    the extended sessions naming a window that serves it (times of the day)."""

    regular: tuple[tuple[int, int], ...]
    extended: tuple[tuple[dt.time, dt.time], ...]

    def issuing(self, at: dt.datetime) -> bool:
        """As ``services.issuing_now``: within a regular session, or within an extended one."""
        minute = at.hour * 60 + at.minute
        if any(a <= minute < b for a, b in self.regular):
            return True
        t = at.time()
        return any(start <= t < end for start, end in self.extended)


def hours(center: Center, item: ServiceItem, day: dt.date) -> Hours:
    from .services import regular_sessions

    def load() -> Hours:
        # The center read afresh: the caller's may be a copy from before the change that made this miss (a
        # device's center with the old opening sessions would be kept under the new generation otherwise).
        fresh = Center.objects.select_related("policy").get(pk=center.pk)
        extended = ExtendedSession.objects.filter(center=center, date=day, windows__posts__items=item)
        return Hours(tuple(regular_sessions(fresh, day)),
                     tuple(sorted(set(extended.values_list("start", "end")))))

    return hot.get(("hours", center.pk, item.pk, day), load)
