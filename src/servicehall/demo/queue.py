"""Demo queue: two weeks of served tickets with ratings (a few poor ones), today's queue so far, one kiosk and one
rating pad registered, and appointment slots for the coming days (Q-1..4, EVAL-1..3)."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, system_actor
from servicehall.duty import services as duty
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, ExtendedSession, Post
from servicehall.tickets import services as q
from servicehall.tickets.appointments import open_slot
from servicehall.tickets.models import AppointmentSlot, Ticket


@transaction.atomic
def load_queue(center: Center, days: int = 10, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    tz = ZoneInfo(center.timezone)
    today = now.astimezone(tz).date()
    cal = get_calendar(center)
    base = system_actor("demo")
    posts = list(Post.objects.filter(center=center, a__active=True).select_related("a", "window")
                 .prefetch_related("items")[:12])
    workdays = [d for d in (today - dt.timedelta(days=i) for i in range(days * 2, -1, -1))
                if cal.covers(d.year) and cal.is_workday(d)][-days:]
    made = 0
    for day in workdays:
        if Ticket.objects.filter(center=center, day=day).exists():
            continue
        rng = random.Random(f"queue-{center.code}-{day}")
        for post in posts:
            clerk = Actor(user=base.user, label=f"{post.a.name}（演示数据）", staff=post.a, system=True)
            items = list(post.items.all())
            t = dt.datetime.combine(day, dt.time(8, 35), tzinfo=tz)
            free = t
            for _ in range(rng.randint(6, 14)):
                t += dt.timedelta(minutes=rng.expovariate(1 / 14))
                if t.time() >= dt.time(11, 50) or t > now:
                    break
                ticket = q.issue_ticket(base, center, rng.choice(items).code, now=t)
                made += 1
                call = max(t, free) + dt.timedelta(minutes=rng.randint(0, 3))
                if call > now:
                    continue
                ticket.status, ticket.window, ticket.staff, ticket.called_at = "called", post.window, post.a, call
                ticket.save(update_fields=["status", "window", "staff", "called_at"])
                q.start(clerk, ticket, now=call)
                free = call + dt.timedelta(minutes=rng.expovariate(1 / 7) + 1)
                if free > now:
                    continue
                q.finish(clerk, ticket, now=free)
                level = rng.choices([5, 4, 3, 2, 1], weights=[70, 20, 6, 3, 1])[0]
                q.rate(base, ticket, level, now=free + dt.timedelta(seconds=30))
    made += _remote_ticket(center, posts, today, now)
    for offset in range(1, 8):
        day = today + dt.timedelta(days=offset)
        if posts and cal.covers(day.year) and not AppointmentSlot.objects.filter(center=center, date=day).exists():
            item = list(posts[0].items.all())[0]
            if cal.is_workday(day):
                _extended(center, posts[0], day, dt.time(12), dt.time(13))
                open_slot(base, center, item.code, day, dt.time(10), dt.time(11), capacity=4)
                open_slot(base, center, item.code, day, dt.time(12), dt.time(13), capacity=2, extended=True)
            elif day.weekday() == 5:
                _extended(center, posts[0], day, dt.time(9), dt.time(12))
                open_slot(base, center, item.code, day, dt.time(9), dt.time(12), capacity=6, extended=True)
    from .bookings import load_bookings

    load_bookings(center, today, now)  # a few bookings and one no-show
    return made


def _remote_ticket(center: Center, posts: list[Post], today: dt.date, now: dt.datetime) -> int:
    """Q-7: one ticket taken from a phone waiting today (when the hall issues tickets now), so its page and the
    office's queue settings show one; the demo's number is not a real one."""
    from servicehall.errors import RuleViolation

    if not posts or Ticket.objects.filter(center=center, day=today, channel="remote").exists():
        return 0
    try:
        q.take_remote_ticket(center, list(posts[0].items.all())[0].code, "13800000000", now=now)
    except RuleViolation:  # outside ticket hours: none today
        return 0
    return 1


def _extended(center: Center, post: Post, day: dt.date, start: dt.time, end: dt.time) -> None:
    """The demo's extended session (ATT-4) for the first post's window, unless the demo data already has one."""
    session = ExtendedSession.objects.filter(center=center, date=day, start=start).first()
    windows = {w.code for w in session.windows.all()} | {post.window.code} if session else {post.window.code}
    duty.save_extended_session(system_actor("demo"), center, day, start, session.end if session else end,
                               sorted(windows))


def register_devices(center: Center) -> dict[str, str]:
    """A kiosk, a rating pad and a window workstation (签到/签退) with fresh tokens (shown once, like the office
    would see them on the devices page) — the pad and workstation at the window where the demo's ``window``
    login is A, so the clerk signs in at their own window (else the first window)."""
    from servicehall.duty import services as duty

    office = system_actor("demo")
    _k, kiosk = duty.register_device(office, center, "KIOSK1", "一楼自助取号机", kind="kiosk")
    own = (Post.objects.filter(center=center, a__user__username="window").select_related("window")
           .order_by("window__sort", "window__code").first())
    first_window = own.window if own is not None else center.windows.order_by("sort", "code").first()
    assert first_window is not None, "the demo center has windows"
    _p, pad = duty.register_device(office, center, "PAD01", f"{first_window.name}评价器", kind="pad",
                                   window=first_window)
    _w, workstation = duty.register_device(office, center, "WS01", f"{first_window.name}工作站", kind="workstation",
                                           window=first_window)
    return {"kiosk": kiosk, "pad": pad, "workstation": workstation, "window": first_window.name}
