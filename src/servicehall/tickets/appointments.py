"""Appointments (Q-3) and extended sessions (ATT-4): slots, bookings, check-in into a priority ticket."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, record, snapshot
from servicehall.catalog.models import ServiceItem
from servicehall.errors import Problem, RuleViolation, check_phone
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, ExtendedSession, Post
from servicehall.org.permissions import Target, authorize

from . import services as q
from .models import Appointment, AppointmentSlot, Ticket

CHECK_IN_EARLY = dt.timedelta(minutes=15)


@transaction.atomic
def open_slot(actor, center: Center, item_code: str, day: dt.date, start: dt.time, end: dt.time, capacity: int = 4,
              extended: bool = False) -> AppointmentSlot:
    """The office opens bookable time; outside a working day only as an extended session (ATT-4)."""
    actor = Actor.of(actor)
    authorize(actor, "queue.slots", Target(center))
    problems = []
    item = ServiceItem.objects.filter(center=center, code=item_code, active=True).first()
    if item is None:
        problems.append(Problem.of("item", "unknown service item %(item_code)s", item_code=f"{item_code!r}"))
    elif not Post.objects.filter(items=item).exists():
        problems.append(Problem("item", "no window serves this item"))
    if end <= start:
        problems.append(Problem("end", "a slot ends after it starts"))
    if capacity < 1:
        problems.append(Problem("capacity", "at least one place"))
    cal = get_calendar(center)
    if not cal.covers(day.year):
        problems.append(Problem.of("date", "no working-day calendar for year %(day_year)s (CASE-5)", day_year=day.year))
    elif not cal.is_workday(day) and not extended:
        problems.append(Problem.of("date", "%(day_isoformat)s is not a working day: open it as an extended session (ATT-4)", day_isoformat=day.isoformat()))
    if extended and item is not None and end > start and not ExtendedSession.objects.filter(
            center=center, date=day, start__lte=start, end__gte=end, windows__posts__items=item).exists():
        # ATT-4: an extended slot lies inside an extended session of a window serving the item, so its check-in
        # gets a ticket and that window calls it; any other window stays closed.
        problems.append(Problem.of("extended", "no extended session on %(day)s covers %(start)s-%(end)s at a window serving %(item_name)s: the office opens the extended session for named windows first (ATT-4)", day=day.isoformat(), start=f"{start:%H:%M}", end=f"{end:%H:%M}", item_name=item.name))
    if problems:
        raise RuleViolation(problems)
    assert item is not None  # refused above otherwise
    slot = AppointmentSlot.objects.create(center=center, item=item, date=day, start=start, end=end, capacity=capacity,
                                          extended=extended)
    record(actor, "slot.open", slot, None, snapshot(slot))
    return slot


@transaction.atomic
def book(actor, slot: AppointmentSlot, name: str, phone: str, now: dt.datetime | None = None) -> Appointment:
    """预约 (Q-3): a place in the slot while places are left; the booking code is shown once to the applicant."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    slot = AppointmentSlot.objects.select_for_update().get(pk=slot.pk)
    problems = []
    if not name.strip():
        problems.append(Problem("name", "the applicant's name is required"))
    phone = check_phone(phone, problems)
    tz = ZoneInfo(slot.center.timezone)
    if dt.datetime.combine(slot.date, slot.end, tzinfo=tz) <= now:
        problems.append(Problem("slot", "this slot is over"))
    if slot.appointments.filter(cancelled=False).count() >= slot.capacity:
        problems.append(Problem("slot", "this slot is fully booked"))
    if problems:
        raise RuleViolation(problems)
    code = f"{secrets.randbelow(10**6):06d}"
    while Appointment.objects.filter(code=code).exists():
        code = f"{secrets.randbelow(10**6):06d}"
    appt = Appointment.objects.create(slot=slot, code=code, name=name.strip(), phone=phone, booked_at=now)
    record(actor, "appointment.book", appt, None, {"slot": slot.pk})
    return appt


@transaction.atomic
def check_in(actor, center: Center, code: str, now: dt.datetime | None = None) -> Ticket:
    """At the kiosk: a booking turns into a ticket with priority inside its slot (Q-3)."""
    actor = Actor.of(actor)
    authorize(actor, "appointment.check_in", Target(center))
    now = now or timezone.now()
    appt = (Appointment.objects.select_for_update(of=("self",)).select_related("slot", "slot__item")
            .filter(code=code.strip(), slot__center=center, cancelled=False).first())
    if appt is None:
        raise RuleViolation(Problem("code", "no booking with this code"))
    if appt.ticket is not None:
        return appt.ticket
    tz = ZoneInfo(center.timezone)
    start = dt.datetime.combine(appt.slot.date, appt.slot.start, tzinfo=tz)
    end = dt.datetime.combine(appt.slot.date, appt.slot.end, tzinfo=tz)
    if not (start - CHECK_IN_EARLY <= now < end):
        raise RuleViolation(Problem.of("code", "the booking is for %(slot_date)s %(slot_start)s-%(slot_end)s; check in from 15 minutes before (Q-3)", slot_date=appt.slot.date, slot_start=f"{appt.slot.start:%H:%M}", slot_end=f"{appt.slot.end:%H:%M}"))
    ticket = q.issue_ticket(actor, center, appt.slot.item.code, priority="appointment", now=now, booked=True)
    appt.ticket = ticket
    appt.save(update_fields=["ticket"])
    return ticket
