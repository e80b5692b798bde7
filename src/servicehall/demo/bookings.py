"""Demo bookings (Q-8): a few bookings in the coming slots, and one missed last week — a no-show the office
sees on its no-shows page."""

from __future__ import annotations

import datetime as dt

from servicehall.audit.services import system_actor
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Post
from servicehall.rules.identity import id_check_char
from servicehall.tickets import appointments as ap
from servicehall.tickets import reminders
from servicehall.tickets.models import Appointment, AppointmentSlot

# ID numbers of the demo's county code (data.DEMO_REGION), which no real county has.
PEOPLE = [("刘晓燕", "13907971201", "36079919850312004"), ("陈建国", "13907971202", "36079919720608003"),
          ("黄丽", "13907971203", "36079919930921002")]


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


def load_bookings(center: Center, today: dt.date, now: dt.datetime) -> int:
    """Bookings for the first coming slot and one no-show on the last working day before today; once."""
    if Appointment.objects.filter(slot__center=center).exists():
        return 0
    base = system_actor("demo")
    made = 0
    coming = (AppointmentSlot.objects.filter(center=center, date__gt=today, extended=False)
              .order_by("date", "start").first())
    if coming is not None:
        for name, phone, first17 in PEOPLE[:2]:
            ap.book(base, coming, name, phone, _id(first17), now=now)
            made += 1
    post = Post.objects.filter(center=center, a__active=True).prefetch_related("items").first()
    cal = get_calendar(center)
    day = today - dt.timedelta(days=1)
    while cal.covers(day.year) and not cal.is_workday(day):
        day -= dt.timedelta(days=1)
    items = list(post.items.all()) if post is not None else []
    if items and cal.covers(day.year):
        slot = ap.open_slot(base, center, items[0].code, day, dt.time(10), dt.time(11), capacity=2)
        name, phone, first17 = PEOPLE[2]
        ap.book(base, slot, name, phone, _id(first17),
                now=dt.datetime.combine(day - dt.timedelta(days=2), dt.time(15), tzinfo=now.tzinfo))
        made += 1
        reminders.derive_no_shows(center, now)  # never checked in: a no-show at the slot's end
    return made
