"""Q-1..4, EVAL-1..2: tickets, the green channel, calling, ratings and the bad-rating deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.services import Actor
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Window
from servicehall.rules.queue import Waiting, pick_next
from servicehall.tickets import services as q
from servicehall.tickets.models import Ticket

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def m(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_q2_priority_goes_next():
    waiting = [Waiting(1, m(0)), Waiting(2, m(5), "elderly")]
    assert pick_next(waiting, m(10)).key == 2


def test_q2_nobody_starves_beyond_the_bound():
    waiting = [Waiting(1, m(0)), Waiting(2, m(25), "disabled")]
    assert pick_next(waiting, m(29), starve_minutes=30).key == 2
    assert pick_next(waiting, m(30), starve_minutes=30).key == 1


def test_q1_earliest_first_and_empty():
    assert pick_next([Waiting(2, m(3)), Waiting(1, m(1))], m(5)).key == 1
    assert pick_next([], m(5)) is None


@pytest.fixture
def hall(actor, center):
    # S900 (the fixtures' boss, who calls in these tests) is A of W01's post: ORG-5.
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    return center


OLD = "11010519491231002X"  # born 1949: 76 in 2026


@pytest.mark.django_db
def test_q1_tickets_number_per_queue_and_day(actor, hall):
    a = q.issue_ticket(actor, hall, "RS-001", now=m(0))
    b = q.issue_ticket(actor, hall, "RS-002", now=m(1))
    c = q.issue_ticket(actor, hall, "RS-001", now=m(0) + dt.timedelta(days=1))
    assert (a.display, b.display, c.display) == ("RS001", "RS002", "RS001")
    assert q.waiting_ahead(b) == 1


@pytest.mark.django_db
def test_q2_elderly_detected_from_the_id_number_and_called_first(actor, hall):
    q.issue_ticket(actor, hall, "RS-001", now=m(0))
    old = q.issue_ticket(actor, hall, "RS-001", id_number=OLD, now=m(2))
    assert old.priority == "elderly"
    window = Window.objects.get(code="W01")
    assert q.call_next(actor, window, now=m(5)).pk == old.pk


@pytest.mark.django_db
def test_bad_input_changes_nothing(actor, hall):
    with pytest.raises(RuleViolation) as e:
        q.issue_ticket(actor, hall, "XX-1", id_number="110105194912310021", now=m(0))
    got = e.value.as_dict()
    assert "item" in got and "GB 11643" in got["id_number"][0]
    with pytest.raises(RuleViolation) as e:
        q.issue_ticket(actor, hall, "SJ-001", now=m(0))  # no window serves it
    window = Window.objects.get(code="W01")
    with pytest.raises(RuleViolation) as e:
        q.call_next(actor, window, now=m(0))
    assert "nobody is waiting" in str(e.value)
    q.issue_ticket(actor, hall, "RS-001", now=m(0))
    with pytest.raises(RuleViolation) as e:
        q.call_next(actor, window, now=dt.datetime(2026, 3, 7, 10, tzinfo=T0.tzinfo))  # Saturday
    assert "closed" in str(e.value)
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_eval1_rating_needs_a_finished_service_and_is_given_once(actor, hall):
    t = q.issue_ticket(actor, hall, "RS-001", now=m(0))
    window = Window.objects.get(code="W01")
    t = q.call_next(actor, window, now=m(1))
    with pytest.raises(RuleViolation) as e:
        q.rate(actor, t, 5, now=m(2))
    assert "EVAL-1" in str(e.value)
    q.start(actor, t, now=m(2))
    q.finish(actor, t, now=m(9))
    r = q.rate(actor, t, 5, now=m(10))
    assert r.staff.code == "S900" and r.window.code == "W01"  # bound to the clerk who served
    with pytest.raises(RuleViolation):
        q.rate(actor, t, 4, now=m(11))


@pytest.mark.django_db
def test_eval2_bad_rating_due_in_15_working_days_across_national_day(actor, hall):
    t = q.issue_ticket(actor, hall, "RS-001", now=dt.datetime(2026, 9, 28, 9, tzinfo=T0.tzinfo))
    window = Window.objects.get(code="W01")
    at = dt.datetime(2026, 9, 28, 9, 5, tzinfo=T0.tzinfo)
    q.start(actor, q.call_next(actor, window, now=at), now=at)
    q.finish(actor, t, now=at)
    r = q.rate(actor, t, 2, now=at)
    # 9/29, 9/30, (10/1-7 off), 10/8, 10/9, 10/10 (makeup Sat), 10/12 ... 15th working day is 10/23
    assert r.case.due == dt.date(2026, 10, 23)


@pytest.mark.django_db
def test_steps_out_of_order(actor, hall):
    t = q.issue_ticket(actor, hall, "RS-001", now=m(0))
    with pytest.raises(RuleViolation):
        q.finish(actor, t, now=m(1))
    with pytest.raises(RuleViolation):
        q.no_show(actor, t, now=m(1))


def test_actor_requires_a_clerk():
    with pytest.raises(PermissionError):
        Actor.of(None)


@pytest.mark.django_db
def test_b_calls_the_items_of_a_post_it_covers(actor, center):
    """S900 is B of P02 (item SJ-001) whose A (S004) has not clocked in: S900's window calls SJ-001 too (NV-2)."""
    from servicehall.duty import services as duty
    from servicehall.org.models import Staff

    org.save_staff(actor, center, "S900", "周主任", "ZX", roles=["office"], qualified=["SJ-001"])
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001"])
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S900", items=["SJ-001"])
    duty.record_event(actor, center, {"type": "clock_in", "staff": Staff.objects.get(code="S900"), "at": m(-60),
                                      "reason": "test"})
    t = q.issue_ticket(actor, center, "SJ-001", now=m(0))
    assert q.call_next(actor, Window.objects.get(code="W01"), now=m(1)).pk == t.pk
    duty.record_event(actor, center, {"type": "clock_in", "staff": Staff.objects.get(code="S004"), "at": m(2),
                                      "reason": "test"})
    q.issue_ticket(actor, center, "SJ-001", now=m(3))
    with pytest.raises(RuleViolation):
        q.call_next(actor, Window.objects.get(code="W01"), now=m(4))  # A is back: SJ-001 is A's again
