"""Appointments (Q-3, Q-8) and extended sessions (ATT-4): slots, bookings, check-in into a priority ticket, the
cancel link, and the no-show block the office may lift. Reminders and no-shows: :mod:`.reminders`."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from servicehall.audit.services import Actor, record, snapshot
from servicehall.catalog.models import ServiceItem
from servicehall.core import clock
from servicehall.errors import Problem, RuleViolation, length_problems
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, ExtendedSession, Post
from servicehall.org.permissions import Target, authorize
from servicehall.rules import bookings
from servicehall.rules.identity import IdNumberError, mask_id_number, validate_id_number, validate_mobile

from . import services as q
from .models import Appointment, AppointmentSlot, NoShowLift, Ticket

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


def slot_span(slot: AppointmentSlot, center: Center | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The slot's start and end, aware, in the hall's zone (its zone decides the day); ``center`` when the caller
    has it (the slot's is read otherwise)."""
    tz = clock.zone(center or slot.center)
    return (dt.datetime.combine(slot.date, slot.start, tzinfo=tz), dt.datetime.combine(slot.date, slot.end, tzinfo=tz))


def _no_show_times(center: Center, id_number: str, now: dt.datetime) -> list[dt.datetime]:
    """The ends of the slots this ID number missed (Q-8), derived from the bookings themselves: not cancelled,
    never checked in, the slot over — so the block never waits for the worker's tick."""
    policy = center.policy
    since = clock.local(center, now).date() - bookings.NO_SHOW_WINDOW - dt.timedelta(days=policy.no_show_block_days + 1)
    rows = (Appointment.objects.filter(slot__center=center, id_number=id_number, cancelled=False, ticket__isnull=True,
                                       slot__date__gte=since, slot__date__lte=clock.local(center, now).date())
            .select_related("slot"))
    return [end for end in (slot_span(a.slot, center)[1] for a in rows) if end <= now]


def blocked_until(center: Center, id_number: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when ``id_number`` may not book at ``center`` (Q-8), or None."""
    now = now or timezone.now()
    if not id_number:
        return None
    lifts = NoShowLift.objects.filter(center=center, id_number=id_number).values_list("lifted_at", flat=True)
    return bookings.block_until(_no_show_times(center, id_number, now), list(lifts), center.policy.no_show_limit,
                                center.policy.no_show_block_days, now)


@transaction.atomic
def book(actor, slot: AppointmentSlot, name: str, phone: str, id_number: str = "",
         now: dt.datetime | None = None) -> Appointment:
    """预约 (Q-3, Q-8): a place in the slot while places are left, for a named person with a phone (the reminders)
    and an ID number (the no-show rule); the booking code and the cancel link are shown once to the applicant."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    slot = AppointmentSlot.objects.select_for_update(of=("self",)).select_related("center__policy").get(pk=slot.pk)
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append(Problem("name", "the applicant's name is required"))
    problems.extend(length_problems(Appointment, {"name": name}))
    try:  # the reminders are text messages: a mobile number, not a landline
        phone = validate_mobile(phone)
    except ValueError:
        problems.append(Problem("phone", "a mainland mobile number: 11 digits starting with 1 — the reminders "
                                         "are sent by text message (Q-8)"))
    try:
        id_number = validate_id_number(id_number)
    except IdNumberError as exc:
        problems.append(Problem.of("id_number", "%(exc)s (Q-8, SEC-3)", exc=exc))
        id_number = ""
    start, end = slot_span(slot)
    if end <= now:
        problems.append(Problem("slot", "this slot is over"))
    if slot.appointments.filter(cancelled=False).count() >= slot.capacity:
        problems.append(Problem("slot", "this slot is fully booked"))
    if id_number and slot.appointments.filter(cancelled=False, id_number=id_number).exists():
        problems.append(Problem("id_number", "this ID number already has a place in this slot (Q-8)"))
    until = blocked_until(slot.center, id_number, now) if id_number else None
    if until is not None:
        problems.append(Problem.of(
            "id_number", "%(limit)s missed appointments within 90 days: new bookings with this ID number are "
                         "not accepted until %(until)s (Q-8)",
            limit=slot.center.policy.no_show_limit, until=f"{clock.local(slot.center, until):%Y-%m-%d %H:%M}"))
    if problems:
        raise RuleViolation(problems)
    code = f"{secrets.randbelow(10**6):06d}"
    while Appointment.objects.filter(code=code).exists():
        code = f"{secrets.randbelow(10**6):06d}"
    appt = Appointment.objects.create(slot=slot, code=code, name=name, phone=phone, id_number=id_number,
                                      booked_at=now, cancel_token=secrets.token_urlsafe(24))
    record(actor, "appointment.book", appt, None, {"slot": slot.pk, "id_number": mask_id_number(id_number)})
    return appt


def cancel_url(appt: Appointment, base: str | None = None) -> str:
    """The full address of the booking's cancel page (Q-8): ``base`` (a page's own address) or the site's public
    address (``SERVICEHALL_PUBLIC_URL``) before the path."""
    from django.urls import reverse

    from servicehall.core.printouts import site_url

    return site_url(reverse("tickets:appointment_cancel", args=[appt.cancel_token]), base)


def of_token(token: str) -> Appointment | None:
    """The booking a cancel token names, or None."""
    if not token or len(token) > 40:
        return None
    return (Appointment.objects.filter(cancel_token=token)
            .select_related("slot__center", "slot__item").first())


PUBLIC_CANCEL = gettext_noop("cancel link")


@transaction.atomic
def cancel(token: str, now: dt.datetime | None = None) -> Appointment:
    """The applicant cancels from their link (Q-8): once, before the slot starts and before check-in; the place
    is free again at once."""
    now = now or timezone.now()
    found = of_token(token)
    if found is None:
        raise RuleViolation(Problem("token", "no booking with this link"))
    appt = Appointment.objects.select_for_update(of=("self",)).select_related("slot__center", "slot__item").get(pk=found.pk)
    start, _end = slot_span(appt.slot)
    if appt.cancelled:
        raise RuleViolation(Problem("token", "this booking is already cancelled"))
    if appt.ticket_id is not None:
        raise RuleViolation(Problem("token", "this booking is checked in: it can no longer be cancelled"))
    if now >= start:
        raise RuleViolation(Problem.of("token", "the slot started at %(start)s: a booking can no longer be "
                                                "cancelled once its slot has started (Q-8)",
                                       start=f"{clock.local(appt.slot.center, start):%Y-%m-%d %H:%M}"))
    appt.cancelled, appt.cancelled_at = True, now
    appt.save(update_fields=["cancelled", "cancelled_at"])
    record(Actor(user=None, label=PUBLIC_CANCEL, system=True), "appointment.cancel", appt,
           {"cancelled": False}, {"cancelled": True})
    return appt


@transaction.atomic
def lift_block(actor, center: Center, id_number: str, reason: str, now: dt.datetime | None = None) -> NoShowLift:
    """The office lifts a no-show block with a reason (Q-8): a record, audited; earlier no-shows stop counting."""
    actor = Actor.of(actor)
    authorize(actor, "appointment.lift_block", Target(center))
    now = now or timezone.now()
    problems = []
    reason = (reason or "").strip()
    if not reason:
        problems.append(Problem("reason", "a reason is required to lift a block (Q-8)"))
    problems.extend(length_problems(NoShowLift, {"reason": reason}))
    try:
        id_number = validate_id_number(id_number)
    except IdNumberError as exc:
        problems.append(Problem.of("id_number", "%(exc)s (SEC-3)", exc=exc))
    else:
        if blocked_until(center, id_number, now) is None:
            problems.append(Problem("id_number", "this ID number is not blocked (Q-8)"))
    if problems:
        raise RuleViolation(problems)
    lift = NoShowLift.objects.create(center=center, id_number=id_number, lifted_at=now, reason=reason,
                                     by=actor.staff.name if actor.staff is not None else actor.label)  # a name
    record(actor, "appointment.block_lift", lift, None, {"id_number": mask_id_number(id_number)}, reason=reason)
    return lift


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
