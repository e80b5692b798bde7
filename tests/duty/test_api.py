"""Device endpoints: token auth, idempotency by device event id, pauses (NV-5), and a clock event that heals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from servicehall.audit.services import system_actor
from servicehall.duty import services as duty
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Event, Vacancy
from servicehall.org.models import Center, Staff

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def terminal(client):
    data = json.loads((Path(__file__).parent / "scenarios/nv6_a_absent_b_away.json").read_text())
    import_scenario(system_actor("import"), {**BASE, "events": data["events"]})
    center = Center.objects.get(code="ZX")
    # The scenario's days are in the past: a terminal may send them only as far back as device_backfill_hours
    # allows (SEC-5), so these tests widen it; the limit itself is tested below with today's times.
    center.policy.device_backfill_hours = 32000
    center.policy.save()
    device, token = duty.register_device(system_actor("office"), center, "T1", "大厅考勤机")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def workstation(terminal):
    from servicehall.org.models import Window

    center = Center.objects.get(code="ZX")
    device, token = duty.register_device(system_actor("office"), center, "WS1", "1号窗口工作站", kind="workstation",
                                         window=Window.objects.get(center=center, code="W01"))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_device_needs_a_token(client, terminal):
    r = post(client, "/api/v1/devices/clock", {"event_id": "1", "staff": "S001", "type": "clock_in"},
             {"HTTP_AUTHORIZATION": "Bearer wrong"})
    assert r.status_code == 401
    assert not Event.objects.filter(source="device").exists()


def test_clock_event_is_idempotent_and_heals_the_vacancy(client, terminal):
    assert Vacancy.objects.filter(date=dt.date(2026, 3, 3)).count() == 1
    body = {"event_id": "42", "staff": "S001", "type": "clock_in", "at": "2026-03-03T08:29:00+08:00"}
    first = post(client, "/api/v1/devices/clock", body, terminal)
    assert first.status_code == 200, first.content
    assert first.json()["duplicate"] is False
    again = post(client, "/api/v1/devices/clock", body, terminal)
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert Event.objects.filter(source="device").count() == 1
    # A present from 08:29 without a clock-out: the day is over, presence ends at closing; no vacancy.
    assert not Vacancy.objects.filter(date=dt.date(2026, 3, 3)).exists()


def test_the_same_punch_posted_twice_at_once_is_one_event(client, terminal, monkeypatch):
    """Issue 14 item 7: a punch checks its event id once, before its transaction; the same post arriving twice at
    once (the second's check ran before the first committed) meets the unique event id and is answered as the
    repeat it is, never a 500 and never a second event."""
    from servicehall.duty import api

    body = {"event_id": "43", "staff": "S001", "type": "clock_in", "at": "2026-03-03T08:29:00+08:00"}
    first = post(client, "/api/v1/devices/clock", body, terminal)
    assert first.json()["duplicate"] is False
    real = api._repeat_and_calendar
    monkeypatch.setattr(api, "_repeat_and_calendar", lambda center_id, ext_id: (None, real(center_id, ext_id)[1]))
    again = post(client, "/api/v1/devices/clock", body, terminal)
    assert again.status_code == 200, again.content
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert Event.objects.filter(source="device").count() == 1


def test_bad_device_input_changes_nothing(client, terminal):
    r = post(client, "/api/v1/devices/clock", {"event_id": "x", "staff": "S404", "type": "clock_in"}, terminal)
    assert r.status_code == 422 and "S404" in r.content.decode()
    r = post(client, "/api/v1/devices/clock", {"event_id": "y", "staff": "S001", "type": "dance"}, terminal)
    assert r.status_code == 422
    assert not Event.objects.filter(source="device").exists()


def test_pause_start_end_from_the_workstation(client, terminal, workstation):
    start = {"event_id": "p0", "staff": "S002", "window": "W01", "action": "start", "at": "2026-03-03T15:00:00+08:00"}
    assert post(client, "/api/v1/devices/pause", start, terminal).status_code == 403  # a clock terminal (SEC-5)
    terminal = workstation
    start = {"event_id": "p1", "staff": "S002", "window": "W01", "action": "start", "at": "2026-03-03T15:00:00+08:00"}
    assert post(client, "/api/v1/devices/pause", start, terminal).status_code == 200
    r = post(client, "/api/v1/devices/pause", {**start, "event_id": "p1b"}, terminal)
    assert r.status_code == 422 and "open pause" in r.content.decode()
    end = {"event_id": "p2", "staff": "S002", "window": "W01", "action": "end", "at": "2026-03-03T16:00:00+08:00"}
    assert post(client, "/api/v1/devices/pause", end, terminal).status_code == 200
    # A absent all day (not in order), B paused 15:00-16:00: the 45 minutes after the grace count.
    rows = {(v.start.astimezone(TZ).strftime("%H:%M"), v.end.astimezone(TZ).strftime("%H:%M"), v.answerable)
            for v in Vacancy.objects.filter(date=dt.date(2026, 3, 3))}
    assert ("15:15", "16:00", "S001") in rows
    r = post(client, "/api/v1/devices/pause", {**end, "event_id": "p3"}, terminal)
    assert r.status_code == 422 and "no open pause" in r.content.decode()


def test_office_clock_entry_needs_a_reason(actor, center):
    from servicehall.errors import RuleViolation

    with pytest.raises(RuleViolation) as e:
        duty.record_event(actor, center, {"type": "clock_in", "staff": "S001",
                                          "at": dt.datetime(2026, 3, 2, 8, 20, tzinfo=TZ)})
    assert "reason" in e.value.as_dict()
    rec = duty.record_event(actor, center, {"type": "clock_in", "staff": "S001", "reason": "考勤机故障，补录",
                                            "at": dt.datetime(2026, 3, 2, 8, 20, tzinfo=TZ)})
    assert rec.created and rec.event.actor.username == "boss"
    assert Staff.objects.get(code="S001").events.count() == 1


def test_sec5_a_terminal_sends_neither_old_nor_future_clock_events(client, terminal):
    from django.utils import timezone

    center = Center.objects.get(code="ZX")
    center.policy.device_backfill_hours = 24
    center.policy.save()
    now = timezone.now()
    for event_id, at in (("old", now - dt.timedelta(hours=25)), ("future", now + dt.timedelta(hours=1))):
        r = post(client, "/api/v1/devices/clock", {"event_id": event_id, "staff": "S001", "type": "clock_out",
                                                   "at": at.isoformat()}, terminal)
        assert r.status_code == 422 and "SEC-5" in r.content.decode(), r.content
    r = post(client, "/api/v1/devices/clock", {"event_id": "recent", "staff": "S001", "type": "clock_in",
                                               "at": (now - dt.timedelta(hours=23)).isoformat()}, terminal)
    assert r.status_code == 200, r.content
    assert list(Event.objects.filter(source="device").values_list("ext_id", flat=True)) == ["dev-T1-recent"]


def test_sec5_a_device_of_another_center_or_window_is_refused(client, terminal, workstation):
    from servicehall.audit.services import system_actor
    from servicehall.org import services as org

    other = org.save_center(system_actor("setup"), "QT", "另一个中心")
    org.save_department(system_actor("setup"), other, "RS", "人社")
    org.save_window(system_actor("setup"), other, "W09", "9号窗口", "RS")
    _device, token = duty.register_device(system_actor("setup"), other, "WS9", "9号窗口工作站", kind="workstation",
                                          window=other.windows.get(code="W09"))
    foreign = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"event_id": "p9", "staff": "S002", "window": "W01", "action": "start", "at": "2026-03-03T15:00:00+08:00"}
    r = post(client, "/api/v1/devices/pause", body, foreign)
    assert r.status_code == 422  # W01 and S002 are not of its center: unknown there
    org.save_window(system_actor("setup"), Center.objects.get(code="ZX"), "W02", "2号窗口", "RS")
    r = post(client, "/api/v1/devices/pause", {**body, "window": "W02"}, workstation)
    assert r.status_code == 403  # another window than its own
    assert not Event.objects.filter(source="device").exists()


def test_sec5_a_workstation_token_cannot_clock_in_anyone_through_the_api(client, workstation):
    """The workstation signs in only the clerk logged in at it (its page); its token alone clocks in nobody."""
    body = {"event_id": "ws-1", "staff": "S002", "type": "clock_in", "at": "2026-03-03T08:29:00+08:00"}
    r = post(client, "/api/v1/devices/clock", body, workstation)
    assert r.status_code == 403
    assert not Event.objects.filter(ext_id__startswith="dev-WS1-").exists()
