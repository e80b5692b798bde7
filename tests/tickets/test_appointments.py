"""Q-3, ATT-4: slots, bookings, check-in inside the slot with priority, extended weekend sessions."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import ExtendedSession, Window
from servicehall.tickets import appointments as ap
from servicehall.tickets import services as q

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def hall(actor, center):
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    return center


def test_q3_booking_check_in_and_priority(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 3, 2), dt.time(10), dt.time(11), capacity=1)
    appt = ap.book(actor, slot, "王小明", "13812345678", "110105198001010016", now=dt.datetime(2026, 3, 1, 9, tzinfo=TZ))
    with pytest.raises(RuleViolation) as e:
        ap.book(actor, slot, "李四", "13812345679", "110105198001010024", now=dt.datetime(2026, 3, 1, 9, tzinfo=TZ))
    assert "fully booked" in str(e.value)
    with pytest.raises(RuleViolation):
        ap.check_in(actor, hall, appt.code, now=dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ))  # too early
    early = q.issue_ticket(actor, hall, "RS-001", now=dt.datetime(2026, 3, 2, 9, 50, tzinfo=TZ))
    ticket = ap.check_in(actor, hall, appt.code, now=dt.datetime(2026, 3, 2, 9, 50, tzinfo=TZ))
    assert ticket.priority == "appointment"
    assert ap.check_in(actor, hall, appt.code, now=dt.datetime(2026, 3, 2, 9, 55, tzinfo=TZ)).pk == ticket.pk
    called = q.call_next(actor, Window.objects.get(code="W01"), now=dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ))
    assert called.pk == ticket.pk and called.pk != early.pk


def test_att4_weekend_only_as_an_extended_session(actor, hall):
    saturday = dt.date(2026, 3, 7)
    with pytest.raises(RuleViolation) as e:
        ap.open_slot(actor, hall, "RS-001", saturday, dt.time(9), dt.time(12))
    assert "ATT-4" in str(e.value)
    with pytest.raises(RuleViolation) as e:  # no extended session names a window serving the item yet
        ap.open_slot(actor, hall, "RS-001", saturday, dt.time(9), dt.time(12), extended=True)
    assert "extended" in e.value.as_dict() and "ATT-4" in str(e.value)
    other = ExtendedSession.objects.create(center=hall, date=saturday, start=dt.time(8), end=dt.time(12))
    other.windows.add(Window.objects.get(code="W02"))  # W02 does not serve RS-001
    with pytest.raises(RuleViolation):
        ap.open_slot(actor, hall, "RS-001", saturday, dt.time(9), dt.time(12), extended=True)
    other.windows.add(Window.objects.get(code="W01"))
    ap.open_slot(actor, hall, "RS-001", saturday, dt.time(9), dt.time(12), extended=True)
    first = ap.open_slot(actor, hall, "RS-001", saturday, dt.time(8), dt.time(9), extended=True)
    booking = ap.book(actor, first, "王小明", "13812345678", "110105198001010016", now=dt.datetime(2026, 3, 6, 9, tzinfo=TZ))
    # checked in a quarter before the session opens: the booking has its ticket all the same
    assert ap.check_in(actor, hall, booking.code, now=dt.datetime(2026, 3, 7, 7, 50, tzinfo=TZ)).priority == "appointment"
    q.issue_ticket(actor, hall, "RS-001", now=dt.datetime(2026, 3, 7, 9, 5, tzinfo=TZ))
    # the extended session is opening time: the window may call
    assert q.call_next(actor, Window.objects.get(code="W01"), now=dt.datetime(2026, 3, 7, 9, 10, tzinfo=TZ))


def test_appointment_page(client, hall):
    assert client.get("/appointments/").status_code == 200
