"""Issue 12 items 5-7 on the queue side: working late (NV-9), extended sessions of named windows (ATT-4), and the
person at the window (ORG-5, EVAL-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.services import Actor, system_actor
from servicehall.duty import services as duty
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import ExtendedSession, Staff, Window
from servicehall.org.permissions import Forbidden
from servicehall.tickets import services as q
from servicehall.tickets import stats

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.date(2026, 3, 2)
SATURDAY = dt.date(2026, 3, 7)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


def clerk(code: str) -> Actor:
    return Actor(user=None, label=f"clerk {code}", staff=Staff.objects.get(code=code))


@pytest.fixture
def hall(actor, center):
    """W01: post P01 of 县人社局, A 张三 (S001), B 李四 (S002); W02: post P02 of 县市场监管局, A 赵六 (S004), B 钱七 (S005)."""
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"])
    return center


def w(code: str) -> Window:
    return Window.objects.get(code=code)


# -- NV-9: working late -------------------------------------------------------------------------------------
def test_nv9_calling_at_1731_with_people_waiting_and_the_late_minutes_count(hall, office_client, settings):
    kiosk = system_actor("kiosk")
    first = q.issue_ticket(kiosk, hall, "RS-001", now=at(MONDAY, 17, 20))
    second = q.issue_ticket(kiosk, hall, "RS-001", now=at(MONDAY, 17, 25))
    # closed at 17:30: no new ticket after ticket hours
    with pytest.raises(RuleViolation) as e:
        q.issue_ticket(kiosk, hall, "RS-001", now=at(MONDAY, 17, 31))
    assert "item" in e.value.as_dict() and "NV-9" in str(e.value)
    a = clerk("S001")
    called = q.call_next(a, w("W01"), now=at(MONDAY, 17, 31))  # the clerk still serves those who wait
    assert called.pk == first.pk and called.staff.code == "S001"
    q.start(a, called, now=at(MONDAY, 17, 31))
    q.finish(a, called, now=at(MONDAY, 17, 41))
    nxt = q.call_next(a, w("W01"), now=at(MONDAY, 17, 42))
    assert nxt.pk == second.pk
    q.start(a, nxt, now=at(MONDAY, 17, 42))
    q.finish(a, nxt, now=at(MONDAY, 17, 50))
    with pytest.raises(RuleViolation) as e:  # none left: the window is closed for the day
        q.call_next(a, w("W01"), now=at(MONDAY, 17, 51))
    assert "NV-9" in str(e.value)
    late = stats.late_service(hall, MONDAY, MONDAY)
    assert late == [{"key": "张三", "tickets": 2, "minutes": 18}]  # 17:31-17:41 and 17:42-17:50
    settings.DEFAULT_CENTER = "ZX"
    page = office_client.get("/manage/queue/stats/?from=2026-03-02&to=2026-03-02").content.decode()
    shown = page[page.index('class="late-service"'):]
    assert "张三" in shown and "18′" in shown


def test_nv9_a_service_across_closing_counts_only_its_minutes_after_closing():
    tz = dt.timezone(dt.timedelta(hours=8))
    sessions = [(8 * 60 + 30, 12 * 60), (14 * 60 + 30, 17 * 60 + 30)]
    assert stats.late_minutes(sessions, at(MONDAY, 17, 20), at(MONDAY, 17, 45), tz) == 15
    assert stats.late_minutes(sessions, at(MONDAY, 10), at(MONDAY, 10, 20), tz) == 0
    assert stats.late_minutes(sessions, at(MONDAY, 11, 50), at(MONDAY, 12, 10), tz) == 10  # past the morning's close


def test_nv9_before_opening_nothing_is_called(hall):
    q.issue_ticket(system_actor("kiosk"), hall, "RS-001", now=at(MONDAY, 9))
    with pytest.raises(RuleViolation) as e:
        q.call_next(clerk("S001"), w("W01"), now=at(dt.date(2026, 3, 3), 8))
    assert "closed" in str(e.value)


# -- ATT-4: extended sessions belong to named windows ------------------------------------------------------
def test_att4_lunch_and_saturday_sessions_open_the_named_window_only(hall):
    for day, start, end in ((MONDAY, dt.time(12), dt.time(14, 30)), (SATURDAY, dt.time(9), dt.time(12))):
        ExtendedSession.objects.create(center=hall, date=day, start=start, end=end).windows.add(w("W01"))
    kiosk = system_actor("kiosk")
    for when in (at(MONDAY, 12, 30), at(SATURDAY, 9, 30)):
        ticket = q.issue_ticket(kiosk, hall, "RS-001", now=when)  # W01 serves RS-001: issued
        with pytest.raises(RuleViolation) as e:  # no window serving SJ-001 is open
            q.issue_ticket(kiosk, hall, "SJ-001", now=when)
        assert "ATT-4" in str(e.value)
        assert q.call_next(clerk("S001"), w("W01"), now=when + dt.timedelta(minutes=1)).pk == ticket.pk
        with pytest.raises(RuleViolation) as e:  # W02 is not named: nobody is called there
            q.call_next(clerk("S004"), w("W02"), now=when + dt.timedelta(minutes=1))
        assert "window" in e.value.as_dict()
    with pytest.raises(RuleViolation) as e:
        q.call_next(clerk("S004"), w("W02"), now=at(SATURDAY, 9, 40))
    assert "closed" in str(e.value) and "ATT-4" in str(e.value)


def test_att4_a_saturday_without_a_session_is_closed_for_every_window(hall):
    with pytest.raises(RuleViolation):
        q.issue_ticket(system_actor("kiosk"), hall, "RS-001", now=at(SATURDAY, 9, 30))
    with pytest.raises(RuleViolation) as e:
        q.call_next(clerk("S001"), w("W01"), now=at(SATURDAY, 9, 30))
    assert "closed" in str(e.value)


# -- ORG-5, EVAL-1: the person at the window ---------------------------------------------------------------
def test_org5_a_clerk_not_of_the_post_is_refused_then_serves_as_an_assigned_stand_in(actor, hall):
    t = q.issue_ticket(system_actor("kiosk"), hall, "RS-001", now=at(MONDAY, 9))
    wang = clerk("S003")  # 王五: a window clerk of 县人社局, qualified for RS-001, but neither A nor B of P01
    with pytest.raises(Forbidden) as e:  # refused with the reason, nothing changed
        q.call_next(wang, w("W01"), now=at(MONDAY, 9, 5))
    assert "ORG-5" in e.value.message and "王五" in e.value.message
    post = hall.posts.get(code="P01")
    duty.assign_stand_in(actor, hall, post, Staff.objects.get(code="S003"), at(MONDAY, 9, 10), at(MONDAY, 12),
                         reason="张三、李四外出培训")
    with pytest.raises(Forbidden):  # the assignment starts at 09:10
        q.call_next(wang, w("W01"), now=at(MONDAY, 9, 6))
    called = q.call_next(wang, w("W01"), now=at(MONDAY, 9, 15))
    assert called.pk == t.pk and called.staff.code == "S003"
    q.start(wang, called, now=at(MONDAY, 9, 16))
    q.finish(wang, called, now=at(MONDAY, 9, 20))
    rating = q.rate(actor, called, 5, now=at(MONDAY, 9, 21))
    assert rating.staff.code == "S003"  # EVAL-1: the rating is the stand-in's, who served


def test_org5_b_serves_at_a_window_only_while_covering(actor, hall):
    q.issue_ticket(system_actor("kiosk"), hall, "RS-001", now=at(MONDAY, 9))
    for code in ("S001", "S002"):
        duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code=code),
                                        "at": at(MONDAY, 8, 25), "reason": "test"})
    with pytest.raises(RuleViolation) as e:  # A is at the window: B does not serve there
        q.call_next(clerk("S002"), w("W01"), now=at(MONDAY, 9, 5))
    assert "NV-2" in str(e.value) and "ORG-5" in str(e.value)
    duty.record_event(actor, hall, {"type": "clock_out", "staff": Staff.objects.get(code="S001"),
                                    "at": at(MONDAY, 9, 10), "reason": "test"})
    called = q.call_next(clerk("S002"), w("W01"), now=at(MONDAY, 9, 20))  # A left: B covers
    assert called.staff.code == "S002"


def test_org5_another_clerk_cannot_serve_a_ticket_called_at_a_window_not_theirs(hall):
    q.issue_ticket(system_actor("kiosk"), hall, "RS-001", now=at(MONDAY, 9))
    t = q.call_next(clerk("S001"), w("W01"), now=at(MONDAY, 9, 1))
    with pytest.raises(Forbidden) as e:
        q.start(clerk("S003"), t, now=at(MONDAY, 9, 2))
    assert "ORG-5" in e.value.message
    q.start(clerk("S001"), t, now=at(MONDAY, 9, 2))


def test_nv7_the_assigned_stand_in_opens_the_windows_caller_page(actor, hall, login, settings):
    settings.DEFAULT_CENTER = "ZX"
    wang = login("S003")
    assert wang.get("/queue/?window=W01").status_code == 403
    now = dt.datetime.now(TZ)
    duty.assign_stand_in(actor, hall, hall.posts.get(code="P01"), Staff.objects.get(code="S003"),
                         now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), reason="顶岗")
    assert wang.get("/queue/?window=W01").status_code == 200


def test_org3_the_person_at_the_window_is_the_a_of_that_day(hall, actor):
    """A change of A from a later date does not hand the window over before that date (ORG-3, ORG-5)."""
    from servicehall.duty.presence import State, standing_at

    org.save_post(actor, hall, "P01", window="W01", a="S002", b="S001", items=["RS-001"],
                  valid_from=dt.date(2026, 3, 9), now=at(MONDAY, 8))
    old_a, new_a = Staff.objects.get(code="S001"), Staff.objects.get(code="S002")
    assert standing_at(old_a, w("W01"), at(MONDAY, 10)).role == State.A
    assert standing_at(new_a, w("W01"), at(MONDAY, 10)).role != State.A
    assert standing_at(new_a, w("W01"), at(dt.date(2026, 3, 9), 10)).role == State.A
    assert standing_at(old_a, w("W01"), at(dt.date(2026, 3, 9), 10)).role != State.A


def test_nv9_after_closing_only_tickets_taken_before_this_window_closed_are_called(actor, hall):
    """Over lunch W01 is closed; W03's extended session (ATT-4) issues tickets for an item both serve — those are
    W03's, not W01's (NV-9 lets W01 finish only the people who took a ticket before it closed)."""
    org.save_window(actor, hall, "W03", "3号窗口", "RS")
    org.save_post(actor, hall, "P03", window="W03", a="S003", b="S002", items=["RS-001"])
    ExtendedSession.objects.create(center=hall, date=MONDAY, start=dt.time(12), end=dt.time(14, 30)).windows.add(
        w("W03"))
    kiosk = system_actor("kiosk")
    before = q.issue_ticket(kiosk, hall, "RS-001", now=at(MONDAY, 11, 50))
    during_lunch = q.issue_ticket(kiosk, hall, "RS-001", now=at(MONDAY, 12, 10))
    first = q.call_next(clerk("S001"), w("W01"), now=at(MONDAY, 12, 15))
    assert first.pk == before.pk
    with pytest.raises(RuleViolation) as e:  # one ticket at a window at a time
        q.call_next(clerk("S001"), w("W01"), now=at(MONDAY, 12, 16))
    assert "RS001" in str(e.value) and "Q-1" in str(e.value)
    q.no_show(clerk("S001"), first, now=at(MONDAY, 12, 18))
    with pytest.raises(RuleViolation) as e:
        q.call_next(clerk("S001"), w("W01"), now=at(MONDAY, 12, 20))
    assert "NV-9" in str(e.value)
    assert q.call_next(clerk("S003"), w("W03"), now=at(MONDAY, 12, 25)).pk == during_lunch.pk
