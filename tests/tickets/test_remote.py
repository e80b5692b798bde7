"""Q-7: tickets from a phone — position, estimated wait, the "near" SMS exactly once at ``notify_ahead``,
cancelling — and the queue's limits: the daily cap and ticket hours at the kiosk and on the phone page, the
waiting alarm once per rise, moving a ticket to the front only with a reason and only by the office or the guide
desk; bad input answered in words with the field's label, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor
from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Notification, OutboxMessage
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Staff, Window
from servicehall.org.permissions import Forbidden
from servicehall.rules.queue import FALLBACK_MINUTES, Waiting, estimate_wait, pick_next, service_minutes
from servicehall.tickets import estimate
from servicehall.tickets import services as q
from servicehall.tickets.models import Ticket, TicketStatus

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday, in opening hours
PHONE = "13812345678"


def m(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


# -- the pure part (rules/queue.py) ---------------------------------------------------------------------------
def test_q7_a_ticket_moved_to_the_front_goes_first_earliest_moved_first():
    waiting = [Waiting(1, m(0), "elderly"), Waiting(2, m(5), front_at=m(9)), Waiting(3, m(6), front_at=m(8))]
    assert pick_next(waiting, m(10)).key == 3


@given(st.integers(0, 200), st.floats(0.5, 60), st.integers(0, 20))
def test_q7_the_estimate_grows_with_the_people_ahead_and_shrinks_with_windows(ahead, minutes, windows):
    wait = estimate_wait(ahead, minutes, windows)
    assert wait >= 0 and (wait == 0) == (ahead == 0)
    assert estimate_wait(ahead + 1, minutes, windows) >= wait
    assert estimate_wait(ahead, minutes, windows + 1) <= wait
    assert wait >= ahead * minutes / max(1, windows) - 1e-9


def test_q7_service_minutes_today_then_history_then_the_fallback():
    assert service_minutes([4, 6], 20) == 5
    assert service_minutes([], 12.5) == 12.5
    assert service_minutes([0, -1], None) == FALLBACK_MINUTES


# -- the services ------------------------------------------------------------------------------------------------
@pytest.fixture
def hall(actor, center, settings):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.FileBackend"
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    return center


def near_messages():
    return list(OutboxMessage.objects.filter(key="ticket-near"))


@pytest.mark.django_db
def test_q7_position_and_the_near_sms_exactly_at_notify_ahead(actor, hall):
    for k in range(5):
        q.issue_ticket(actor, hall, "RS-001" if k % 2 else "RS-002", now=m(k))  # both share W01
    mine = q.take_remote_ticket(hall, "RS-001", "138 1234 5678", now=m(5))
    assert (mine.channel, mine.phone, mine.ahead, mine.near_at) == ("remote", PHONE, 5, None)
    assert mine.token and len(mine.token) >= 20
    window = Window.objects.get(code="W01")
    seen = []
    for k in range(3):
        called = q.call_next(actor, window, now=m(10 + k))
        q.no_show(actor, called, now=m(10 + k))
        ahead, _minutes = estimate.for_ticket(Ticket.objects.get(pk=mine.pk), m(10 + k))
        seen.append((ahead, len(near_messages())))
    assert seen == [(4, 0), (3, 1), (2, 1)]  # not at 4, once at 3, not again at 2
    sms = near_messages()[0]
    assert sms.phone == PHONE and "RS006" in sms.text and "前面还有3人" in sms.text
    assert Ticket.objects.get(pk=mine.pk).near_at == m(11)
    record = AuditRecord.objects.filter(action="ticket.near").get()
    assert PHONE not in str(record.after) and "138****5678" in str(record.after)  # SEC-3


@pytest.mark.django_db
def test_q7_a_ticket_taken_when_already_near_is_told_on_its_page_not_by_sms(actor, hall):
    q.issue_ticket(actor, hall, "RS-001", now=m(0))
    mine = q.take_remote_ticket(hall, "RS-001", PHONE, now=m(1))
    assert mine.near_at == m(1)
    q.call_next(actor, Window.objects.get(code="W01"), now=m(2))
    assert near_messages() == []


@pytest.mark.django_db
def test_q7_cancel_leaves_the_queue_audited_once(actor, hall):
    mine = q.take_remote_ticket(hall, "RS-001", PHONE, now=m(0))
    other = q.issue_ticket(actor, hall, "RS-001", now=m(1))
    q.cancel_remote_ticket(mine, now=m(2))
    mine.refresh_from_db()
    assert mine.status == TicketStatus.CANCELLED and mine.cancelled_at == m(2)
    assert AuditRecord.objects.filter(action="ticket.cancel", object_id=str(mine.pk)).count() == 1
    assert q.waiting_ahead(other) == 0
    assert q.call_next(actor, Window.objects.get(code="W01"), now=m(3)).pk == other.pk
    with pytest.raises(RuleViolation) as e:
        q.cancel_remote_ticket(mine, now=m(4))
    assert "status" in e.value.as_dict()


@pytest.mark.django_db
def test_q7_the_daily_cap_at_the_kiosk_and_from_the_phone(actor, hall):
    item = ServiceItem.objects.get(code="RS-001")
    q.save_queue_limit(actor, hall, item, 2, 0)
    q.issue_ticket(actor, hall, "RS-001", now=m(0))
    remote = q.take_remote_ticket(hall, "RS-001", PHONE, now=m(1))
    assert q.full_items(hall, [item.pk], T0.date()) == {item.pk}
    for take in (lambda: q.issue_ticket(actor, hall, "RS-001", now=m(2)),
                 lambda: q.take_remote_ticket(hall, "RS-001", "13900001111", now=m(2))):
        with pytest.raises(RuleViolation) as e:
            take()
        assert "all taken" in str(e.value) and "item" in e.value.as_dict()
    q.issue_ticket(actor, hall, "RS-002", now=m(2))  # another item is not capped
    q.cancel_remote_ticket(remote, now=m(3))  # a cancelled ticket gives its place back
    assert q.issue_ticket(actor, hall, "RS-001", now=m(4)).display == "RS004"
    assert Ticket.objects.filter(item=item).exclude(status="cancelled").count() == 2


@pytest.mark.django_db
def test_q7_ticket_hours_refuse_a_remote_ticket_after_closing(actor, hall):
    with pytest.raises(RuleViolation) as e:
        q.take_remote_ticket(hall, "RS-001", PHONE, now=T0.replace(hour=18))
    assert "item" in e.value.as_dict() and "closing" in str(e.value)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_q7_bad_phone_unknown_item_and_the_per_number_limit(actor, hall):
    for bad in ("12345", "0797-1234567", "23812345678", ""):
        with pytest.raises(RuleViolation) as e:
            q.take_remote_ticket(hall, "RS-001", bad, now=m(0))
        assert "phone" in e.value.as_dict()
    with pytest.raises(RuleViolation) as e:
        q.take_remote_ticket(hall, "XX-9", PHONE, now=m(0))
    assert "item" in e.value.as_dict()
    for k in range(q.REMOTE_PER_PHONE):
        q.take_remote_ticket(hall, "RS-001", PHONE, now=m(k))
    with pytest.raises(RuleViolation) as e:
        q.take_remote_ticket(hall, "RS-001", PHONE, now=m(5))
    assert "phone" in e.value.as_dict()
    assert Ticket.objects.count() == q.REMOTE_PER_PHONE


@pytest.mark.django_db
def test_q7_the_waiting_alarm_once_per_rise(actor, hall, django_capture_on_commit_callbacks):
    item = ServiceItem.objects.get(code="RS-001")
    q.save_queue_limit(actor, hall, item, 0, 3)
    window = Window.objects.get(code="W01")

    def alarms():
        return Notification.objects.filter(key__startswith=f"queue-alarm:{item.pk}:").values("key").distinct().count()

    def issue(at):
        with django_capture_on_commit_callbacks(execute=True):  # told after the ticket commits
            q.issue_ticket(actor, hall, "RS-001", now=at)

    for k in range(5):  # 1, 2, 3 (alarm), 4, 5
        issue(m(k))
    assert alarms() == 1
    for k in range(3):  # down to 2 waiting
        q.no_show(actor, q.call_next(actor, window, now=m(10 + k)), now=m(10 + k))
    issue(m(20))  # 3 again: a new rise
    assert alarms() == 2
    issue(m(21))  # 4: no new alarm
    assert alarms() == 2
    office = Staff.objects.get(code="S900")
    assert Notification.objects.filter(recipient=office, key__startswith="queue-alarm").count() == 2


@pytest.mark.django_db
def test_q7_move_to_front_needs_a_reason_and_the_right_role(actor, hall, center):
    first = q.issue_ticket(actor, hall, "RS-001", now=m(0))
    later = q.issue_ticket(actor, hall, "RS-001", now=m(1))
    guide = org.save_staff(actor, center, "G01", "导办员", "ZX", roles=["guide"])
    clerk = Staff.objects.get(code="S001")
    for reason in ("", "   ", "长" * 101):
        with pytest.raises(RuleViolation) as e:
            q.move_to_front(Actor(user=None, label="guide", staff=guide), later, reason, now=m(2))
        assert "front_reason" in e.value.as_dict()
    with pytest.raises(Forbidden):
        q.move_to_front(Actor(user=None, label="clerk", staff=clerk), later, "熟人", now=m(2))
    assert Ticket.objects.get(pk=later.pk).front_at is None
    moved = q.move_to_front(Actor(user=None, label="guide", staff=guide), later, "孕妇，行动不便", now=m(2))
    assert (moved.front_reason, moved.front_by) == ("孕妇，行动不便", guide)
    assert AuditRecord.objects.filter(action="ticket.front", object_id=str(later.pk)).count() == 1
    assert estimate.ahead_of(Ticket.objects.get(pk=first.pk)) == 1
    assert q.call_next(actor, Window.objects.get(code="W01"), now=m(3)).pk == later.pk


# -- the pages ---------------------------------------------------------------------------------------------------
@pytest.fixture
def phone_hall(open_hall, settings):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.FileBackend"
    return open_hall


@pytest.mark.django_db
def test_q7_the_phone_page_takes_a_ticket_shows_its_position_and_cancels(client, phone_hall):
    assert client.get("/t/").status_code == 200
    answer = client.post("/t/", {"item": "RS-001", "phone": PHONE})
    assert answer.status_code == 302
    ticket = Ticket.objects.get()
    assert answer["Location"] == f"/t/{ticket.token}/"
    page = client.get(answer["Location"]).content.decode()
    assert "RS001" in page and "138****5678" in page and PHONE not in page  # SEC-3
    assert client.post(answer["Location"], {"action": "cancel"}).status_code == 302
    assert Ticket.objects.get().status == TicketStatus.CANCELLED
    assert client.get("/t/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_q7_bad_input_on_the_phone_page_names_the_field_no_500(client, phone_hall):
    for data in ({"item": "RS-001", "phone": "123"}, {"item": "XX-9", "phone": PHONE}, {"phone": PHONE}, {}):
        answer = client.post("/t/", data)
        assert answer.status_code == 422
        body = answer.content.decode()
        assert ("手机号码" in body) or ("服务事项" in body)  # the field's Chinese label, as the page names it
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_q7_the_cap_shown_at_the_kiosk_and_on_the_phone_page(client, phone_hall, actor, center):
    q.save_queue_limit(actor, center, ServiceItem.objects.get(code="RS-001"), 1, 0)
    client.post("/t/", {"item": "RS-001", "phone": PHONE})
    page = client.get("/t/").content.decode()
    assert 'value="RS-001"' not in page and 'value="RS-002"' in page  # full: not offered
    answer = client.post("/t/", {"item": "RS-001", "phone": "13900001111"})
    assert answer.status_code == 422 and "服务事项" in answer.content.decode()
    client.get(f"/devices/activate/?token={phone_hall['kiosk']}")
    kiosk = client.get("/kiosk/").content.decode()
    assert 'value="RS-001"' not in kiosk and 'value="RS-002"' in kiosk


@pytest.mark.django_db
def test_q7_the_queue_settings_page_moves_to_front_and_sets_limits(office_client, phone_hall, actor, center):
    t = q.issue_ticket(actor, center, "RS-001")
    page = office_client.get("/manage/queue/settings/")
    assert page.status_code == 200 and "RS001" in page.content.decode()
    answer = office_client.post("/manage/queue/settings/", {"action": "front", "ticket": t.pk, "front_reason": ""})
    assert answer.status_code == 200 and Ticket.objects.get(pk=t.pk).front_at is None
    office_client.post("/manage/queue/settings/", {"action": "front", "ticket": t.pk, "front_reason": "残疾人"})
    assert Ticket.objects.get(pk=t.pk).front_reason == "残疾人"
    item = ServiceItem.objects.get(code="RS-002")
    answer = office_client.post("/manage/queue/settings/", {"item": item.pk, "daily_cap": "x", "alarm_at": "5"})
    assert answer.status_code == 200
    office_client.post("/manage/queue/settings/", {"item": item.pk, "daily_cap": "40", "alarm_at": "8"})
    assert (item.queue_limit.daily_cap, item.queue_limit.alarm_at) == (40, 8)


@pytest.mark.django_db
def test_q7_a_clerk_may_not_open_the_queue_settings(clerk_client):
    assert clerk_client.get("/manage/queue/settings/").status_code == 403


@pytest.mark.django_db
def test_q7_the_home_page_and_the_poster_carry_the_qr_code(client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    home = client.get("/").content.decode()
    assert 'id="remote-qr"' in home and "<svg" in home
    poster = client.get("/t/poster/").content.decode()
    assert "<svg" in poster and "/t/" in poster
    assert client.get("/t/qr.svg")["Content-Type"] == "image/svg+xml"


@pytest.mark.django_db
def test_q7_the_phone_form_sent_twice_takes_one_ticket(client, phone_hall):
    import re

    token = re.search(r'name="form_token" value="([^"]+)"', client.get("/t/").content.decode()).group(1)
    data = {"item": "RS-001", "phone": PHONE, "form_token": token}
    first, again = client.post("/t/", data), client.post("/t/", data)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_q7_the_phone_page_when_nothing_is_given_out_says_so_and_when_it_starts(client, center, settings, monkeypatch):
    """Walk of issue 16: after hours the page says at the top that no numbers are given out and from when, and
    offers no phone field or button (not 128 items each saying it)."""
    from django.utils import timezone

    settings.DEFAULT_CENTER = center.code
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 2, 20, 0, tzinfo=T0.tzinfo))  # Monday 20:00
    from servicehall.audit.services import system_actor

    org.save_post(system_actor("test"), center, "P01", window="W01", a="S900", b="S002", items=["RS-001"])
    page = client.get("/t/").content.decode()
    assert "现在不取号" in page and "3月3日 08:30起可取号" in page
    assert 'name="phone"' not in page and "pad-submit" not in page
