"""Kiosk, caller, display and rating pad as pages (Q-1..5, EVAL-1, NV-5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from servicehall.audit.services import Actor
from servicehall.duty.models import Event
from servicehall.org.models import Staff
from servicehall.tickets.models import Rating, Ticket

pytestmark = pytest.mark.django_db


def test_unregistered_kiosk_cannot_issue(client, open_hall):
    assert client.post("/kiosk/", {"item": "RS-001"}).status_code == 403
    assert not Ticket.objects.exists()


def test_kiosk_caller_display_pad(office_client, open_hall):
    kiosk, pad = Client(), Client()
    assert kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]}).status_code == 302
    body = kiosk.post("/kiosk/", {"item": "RS-001", "id_number": "11010519491231002X"}).content.decode()
    ticket = Ticket.objects.get()
    assert ticket.display in body and ticket.priority == "elderly" and "绿色通道" in body

    office_client.post("/queue/", {"window": "W01", "action": "call"})
    ticket.refresh_from_db()
    assert ticket.status == "called" and ticket.window.code == "W01"
    display = Client().get("/display/").content.decode()
    assert ticket.display in display and "1号窗口" in display
    office_client.post("/queue/", {"window": "W01", "action": "start", "ticket": ticket.pk})
    office_client.post("/queue/", {"window": "W01", "action": "finish", "ticket": ticket.pk})

    assert pad.get("/devices/activate/", {"token": open_hall["pad"]}).status_code == 302
    page = pad.get("/pad/", {"window": "W01"}).content.decode()
    assert "请对我的服务做出评价" in page and "周主任" in page
    pad.post("/pad/", {"window": "W01", "ticket": ticket.pk, "level": "5"})
    assert Rating.objects.get().level == 5
    again = pad.post("/pad/", {"window": "W01", "ticket": ticket.pk, "level": "1"}).content.decode()
    assert "Q-4" in again or "一事一评" in again or "already rated" in again
    assert Rating.objects.count() == 1


def test_pause_from_the_caller_is_the_nv5_event(office_client, open_hall):
    office_client.post("/queue/", {"window": "W01", "action": "pause"})
    assert Event.objects.filter(type="pause", window__code="W01", end__isnull=True).count() == 1
    assert "本窗口暂停办理业务" in Client().get("/display/").content.decode()
    office_client.post("/queue/", {"window": "W01", "action": "resume"})
    assert Event.objects.filter(type="pause_end").count() == 1


def test_call_with_nobody_waiting(office_client, open_hall):
    r = office_client.post("/queue/", {"window": "W01", "action": "call"}, follow=True)
    assert "没有人在等候" in r.content.decode()


def test_q5_the_ticket_links_to_the_one_time_notice(office_client, open_hall, actor, center):
    from servicehall.cases import services as cases
    from servicehall.cases.models import Case
    from servicehall.catalog.models import ServiceItem
    from servicehall.errors import RuleViolation

    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    kiosk.post("/kiosk/", {"item": "RS-001"})
    ticket = Ticket.objects.get()
    office_client.post("/queue/", {"window": "W01", "action": "call"})
    office_client.post("/queue/", {"window": "W01", "action": "start", "ticket": ticket.pk})
    form = office_client.get("/cases/new/").content.decode()  # the ticket being served, its item chosen
    assert f'name="ticket" value="{ticket.pk}"' in form and 'value="RS-001" selected' in form
    id_card = ServiceItem.objects.get(code="RS-001").materials.get(name="身份证")
    r = office_client.post("/cases/new/", {"item": "RS-001", "ticket": ticket.pk, "kind": "person", "name": "王小明",
                                           "phone": "13812345678", "id_number": "11010519491231002X",
                                           f"has_{id_card.pk}": "1", "action": "notice"})
    case = Case.objects.get()
    assert r.status_code == 302 and case.ticket == ticket and case.status == "awaiting"
    notice = office_client.get(r["Location"]).content.decode()
    assert f"排队号 {ticket.display}" in notice
    back = office_client.get(f"/queue/tickets/{ticket.pk}/back/").content.decode()
    assert "申请表" in back and case.number in back
    caller = office_client.get("/queue/", {"window": "W01"}).content.decode()
    assert case.number in caller
    # a ticket this clerk did not call is not theirs to link
    other = Actor(user=None, label="S002", staff=Staff.objects.get(code="S002"))
    with pytest.raises(RuleViolation) as e:
        cases.receive_case(other, center, "RS-001", cases.Applicant("person", "李四", "13812345678",
                                                                    "11010519491231002X"),
                           [{"name": "身份证", "count": 1}, {"name": "申请表", "count": 1}], ticket=ticket)
    assert "Q-5" in str(e.value) and Case.objects.count() == 1


def test_q5_receiving_without_the_ticket_stays_without_it(office_client, open_hall):
    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    kiosk.post("/kiosk/", {"item": "RS-001"})
    ticket = Ticket.objects.get()
    office_client.post("/queue/", {"window": "W01", "action": "call"})
    form = office_client.get("/cases/new/?ticket=none&item=RS-001").content.decode()
    assert 'name="ticket" value="none"' in form and f'name="ticket" value="{ticket.pk}"' not in form


def test_sec5_the_caller_of_another_window_is_refused(login, open_hall):
    clerk = login("S004")  # 县市场监管局, serving no post at W01
    assert clerk.get("/queue/", {"window": "W01"}).status_code == 403
    assert clerk.post("/queue/", {"window": "W01", "action": "call"}).status_code == 403


def _at(monkeypatch, hour: int, minute: int = 0):
    """Freeze the clock at ``hour:minute`` of today in the center's zone (Asia/Shanghai)."""
    import datetime as dt

    from django.utils import timezone

    zone = dt.timezone(dt.timedelta(hours=8))
    today = timezone.now().astimezone(zone).date()
    moment = dt.datetime.combine(today, dt.time(hour, minute), tzinfo=zone)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_q1_kiosk_offers_only_items_within_their_ticket_hours(actor, center, open_hall, monkeypatch):
    """Q-1, Q-7, NV-9: at 04:00 the hall is closed: the kiosk shows each item as not available with when its tickets
    start, offers no button for it and issues nothing; at 10:00 the same item is a button."""
    from servicehall.org import services as org

    org.save_center(actor, "ZX", center.name, policy={"sessions": [["09:00", "12:00"], ["13:30", "17:00"]]})
    kiosk = Client()
    _at(monkeypatch, 4)  # registered on the frozen day: its session (10 hours at most) holds until 14:00 whenever run
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    body = kiosk.get("/kiosk/").content.decode()
    assert 'value="RS-001"' not in body and "09:00" in body and "aria-disabled" in body
    r = kiosk.post("/kiosk/", {"item": "RS-001"})
    assert r.status_code == 200 and not Ticket.objects.exists()
    _at(monkeypatch, 12, 30)  # the lunch break: from 13:30
    body = kiosk.get("/kiosk/").content.decode()
    assert 'value="RS-001"' not in body and "13:30" in body
    _at(monkeypatch, 10)
    body = kiosk.get("/kiosk/").content.decode()
    assert 'value="RS-001"' in body
    kiosk.post("/kiosk/", {"item": "RS-001"})
    assert Ticket.objects.count() == 1


def test_q1_kiosk_after_closing_names_the_next_working_day(actor, center, open_hall, monkeypatch):
    import datetime as dt

    from servicehall.org import services as org
    from servicehall.org.calendar import get_calendar

    org.save_center(actor, "ZX", center.name, policy={"sessions": [["09:00", "12:00"], ["13:30", "17:00"]]})
    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    now = _at(monkeypatch, 18)
    nxt = now.date() + dt.timedelta(days=1)
    cal = get_calendar(center)
    while not (cal.covers(nxt.year) and cal.is_workday(nxt)) and (nxt - now.date()).days < 14:
        nxt += dt.timedelta(days=1)
    body = kiosk.get("/kiosk/").content.decode()
    assert 'value="RS-001"' not in body
    if (nxt - now.date()).days < 14:
        assert f"{nxt.month}月{nxt.day}日 09:00" in body


def _served_ticket(office_client, open_hall):
    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    kiosk.post("/kiosk/", {"item": "RS-001"})
    ticket = Ticket.objects.get()
    for action in ("call", "start", "finish"):
        office_client.post("/queue/", {"window": "W01", "action": action, "ticket": ticket.pk})
    return ticket


def test_eval1_pad_is_bound_to_its_window_with_no_staff_links(actor, center, office_client, open_hall):
    """EVAL-1, SEC-5: the pad shows its own window whatever the address asks, offers no window choice and no link to
    staff pages; unregistered, it shows nothing but that."""
    org_window = center.windows.create(code="W09", name="9号窗口", department=center.departments.first())
    ticket = _served_ticket(office_client, open_hall)
    pad = Client()
    assert "请对我的服务做出评价" not in pad.get("/pad/", {"window": "W01"}).content.decode()  # not registered
    pad.get("/devices/activate/", {"token": open_hall["pad"]})
    body = pad.get("/pad/", {"window": org_window.code}).content.decode()
    assert "1号窗口" in body and "9号窗口" not in body and "请对我的服务做出评价" in body
    assert 'name="window"' not in body and "<select" not in body
    assert "/accounts/login/" not in body and "/manage/" not in body and "<nav" not in body
    # a comment box before the submit button; the level is a choice, not a submit
    assert body.index('name="comment"') < body.index('type="submit"')
    assert 'type="radio" name="level"' in body
    r = pad.post("/pad/", {"window": "W09", "ticket": ticket.pk, "level": "4", "comment": "窗口人员很耐心"})
    rating = Rating.objects.get()
    assert r.status_code == 200 and rating.level == 4 and rating.comment == "窗口人员很耐心"


def test_eval1_pad_keeps_the_comment_when_the_level_is_missing(office_client, open_hall):
    _served_ticket(office_client, open_hall)
    pad = Client()
    pad.get("/devices/activate/", {"token": open_hall["pad"]})
    ticket = Ticket.objects.get()
    body = pad.post("/pad/", {"ticket": ticket.pk, "comment": "等了很久"}).content.decode()
    assert not Rating.objects.exists() and "等了很久" in body


def test_q1_hall_display_full_screen_and_window_screen(actor, center, office_client, open_hall):
    """Q-1, NV-5: the hall screen shows the number just called large, the last calls and the paused windows, with
    a spoken call that is off until turned on and needs no network; ``?window=`` is one window's screen."""
    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    kiosk.post("/kiosk/", {"item": "RS-001"})
    kiosk.post("/kiosk/", {"item": "RS-002"})
    first, second = Ticket.objects.order_by("seq")
    office_client.post("/queue/", {"window": "W01", "action": "call"})
    for action in ("start", "finish"):
        office_client.post("/queue/", {"window": "W01", "action": action, "ticket": first.pk})
    office_client.post("/queue/", {"window": "W01", "action": "call"})
    body = Client().get("/display/").content.decode()
    big = body[body.index('class="display-big-number"'):]
    assert big.split(">", 1)[1].startswith(second.display)  # the current call, large
    recent = body[body.index('class="display-recent"'):]
    assert first.display in recent  # the last calls
    assert "servicehall/display.js" in body and 'aria-pressed="false"' in body  # the spoken call's script
    from django.contrib.staticfiles import finders

    assert "speechSynthesis" in Path(finders.find("servicehall/display.js")).read_text()
    assert "<nav" not in body and "/accounts/login/" not in body
    assert "http://" not in body and "https://" not in body  # nothing from a CDN
    office_client.post("/queue/", {"window": "W01", "action": "pause"})
    assert "本窗口暂停办理业务" in Client().get("/display/").content.decode()
    window_screen = Client().get("/display/", {"window": "W01"}).content.decode()
    assert "1号窗口" in window_screen and "display-paused-big" in window_screen
    assert Client().get("/display/", {"window": "W99"}).status_code == 404
    partial = Client().get("/display/", {"window": "W01"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and second.display in partial


def test_q1_kiosk_lunch_session_offers_only_the_items_of_its_windows(actor, center, open_hall, monkeypatch):
    """ATT-4, Q-1: in a lunch-hour extended session naming 1号窗口 the kiosk offers that window's items only; the
    others show when their tickets start again, and ``ticket_hours`` agrees with ``issuing_now``."""
    import datetime as dt

    from servicehall.catalog.models import ServiceItem
    from servicehall.org import services as org
    from servicehall.org.models import ExtendedSession
    from servicehall.tickets import services as q

    org.save_center(actor, "ZX", center.name, policy={"sessions": [["09:00", "12:00"], ["13:30", "17:00"]]})
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"])
    now = _at(monkeypatch, 12, 30)
    ExtendedSession.objects.create(center=center, date=now.date(), start=dt.time(12), end=dt.time(13, 30)
                                   ).windows.add(center.windows.get(code="W01"))
    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    body = kiosk.get("/kiosk/").content.decode()
    assert 'value="RS-001"' in body and 'value="SJ-001"' not in body and "13:30" in body
    items = list(ServiceItem.objects.filter(code__in=["RS-001", "SJ-001"]))
    hours = q.ticket_hours(center, items, now)
    for item in items:
        assert (hours[item.pk] == now) == q.issuing_now(center, item, now)


def test_kiosk_and_pad_pages_mark_their_device_seen_at_most_once_a_minute(open_hall):
    """The devices page's last-seen time comes from the kiosk and pad pages too, as from the device API; a page
    shown again within the minute writes nothing (issue 13)."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from servicehall.core.models import Device

    for kind, path in (("kiosk", "/kiosk/"), ("pad", "/pad/")):
        browser = Client()
        browser.get("/devices/activate/", {"token": open_hall[kind]})
        device = Device.objects.get(kind=kind)
        assert device.last_seen_at is None  # activating is not the page being used
        assert browser.get(path).status_code == 200
        device.refresh_from_db()
        first = device.last_seen_at
        assert first is not None and timezone.now() - first < dt.timedelta(minutes=1)
        with CaptureQueriesContext(connection) as seen:
            browser.get(path)
        assert not [q for q in seen.captured_queries if "UPDATE" in q["sql"] and "core_device" in q["sql"]]
        device.refresh_from_db()
        assert device.last_seen_at == first
        Device.objects.filter(pk=device.pk).update(last_seen_at=first - dt.timedelta(minutes=2))
        browser.get(path)
        device.refresh_from_db()
        assert device.last_seen_at > first


def test_the_kiosk_is_a_device_screen_without_the_sites_menu_or_staff_login(client, center, settings):
    """Issue 13 item 6 (SEC-5): like the pad, the public kiosk shows no navigation and no staff login link —
    a passer-by cannot leave it for the staff pages."""
    settings.DEFAULT_CENTER = center.code
    page = client.get("/kiosk/").content.decode()
    assert 'class="screen kiosk-screen"' in page and "/accounts/login/" not in page and "<nav" not in page
