"""The worker's appointment tick (Q-8): reminders by SMS, and no-shows derived at the slot's end.

Every five minutes (``tickets.appointments_tick``). The times are :mod:`servicehall.rules.bookings`'s: the
day-before reminder at 09:00 hall time on the calendar day before the slot (a holiday included), the soon
reminder two hours before the start; each is marked on the booking in the same transaction that puts the SMS
in the outbox, so it is sent once, and only after the write commits. Cancelled and checked-in bookings get none.

No-shows are derived, never set by hand: a booking not cancelled and without a check-in whose slot has ended is
a no-show; a booking marked so that was since checked in or cancelled (a late correction) is cleared.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from servicehall.core import clock, sms
from servicehall.org.models import Center
from servicehall.rules import bookings

from .appointments import cancel_url, slot_span
from .models import Appointment


@transaction.atomic
def send_reminders(center: Center, now: dt.datetime | None = None) -> int:
    """Send the reminders due now at ``center`` (Q-8); the number sent."""
    now = now or timezone.now()
    today = clock.today(center, now)
    rows = (Appointment.objects.select_for_update(of=("self",)).select_related("slot__item")
            .filter(slot__center=center, cancelled=False, ticket__isnull=True,
                    slot__date__gte=today, slot__date__lte=today + dt.timedelta(days=1))
            .filter(Q(reminded_day_at__isnull=True) | Q(reminded_soon_at__isnull=True)))
    sent = 0
    for appt in rows.order_by("pk"):
        start, _end = slot_span(appt.slot, center)
        which = bookings.due_reminder(start, appt.booked_at, now, appt.reminded_day_at is not None,
                                      appt.reminded_soon_at is not None)
        if which is None:
            continue
        sms.send_template(center, appt.phone, "appointment-reminder", now=now, date=f"{appt.slot.date:%m月%d日}",
                          time=f"{appt.slot.start:%H:%M}", item=appt.slot.item.name, link=cancel_url(appt))
        field = "reminded_day_at" if which == "day" else "reminded_soon_at"
        setattr(appt, field, now)
        appt.save(update_fields=[field])
        sent += 1
    return sent


@transaction.atomic
def derive_no_shows(center: Center, now: dt.datetime | None = None) -> int:
    """Mark the bookings whose slot ended without a check-in as no-shows and clear those corrected since
    (idempotent); the number of no-shows marked now."""
    now = now or timezone.now()
    today = clock.today(center, now)
    cleared = Appointment.objects.filter(slot__center=center, no_show=True).exclude(cancelled=False, ticket__isnull=True)
    cleared.update(no_show=False)
    marked = 0
    candidates = (Appointment.objects.filter(slot__center=center, no_show=False, cancelled=False, ticket__isnull=True,
                                             slot__date__lte=today).select_related("slot"))
    for appt in candidates:
        if slot_span(appt.slot, center)[1] <= now:
            marked += Appointment.objects.filter(pk=appt.pk, no_show=False, ticket__isnull=True,
                                                 cancelled=False).update(no_show=True)
    return marked


def tick(now: dt.datetime | None = None) -> tuple[int, int]:
    """One pass over every center: (reminders sent, no-shows marked)."""
    now = now or timezone.now()
    reminded = missed = 0
    for center in Center.objects.select_related("policy"):
        reminded += send_reminders(center, now)
        missed += derive_no_shows(center, now)
    return reminded, missed
