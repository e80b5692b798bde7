"""Issue 13 items 1 and 2: devices from the office's pages (SEC-5) and check-in at the window workstation
(ATT-1): register each kind, the token shown once, rotate and retire, a window for the window kinds, refused
for other roles; a workstation sign-in records a clock event with its source."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import system_actor
from servicehall.core.models import Device
from servicehall.duty import services as duty
from servicehall.duty.devicepages import WORKSTATION_COOKIE, source_label
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Event
from servicehall.org import services as org
from servicehall.org.calendar import covered_years
from servicehall.org.models import Center, Staff
from tests.conftest import weekdays_only

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-2026"
TOKEN = re.compile(r'<code class="token">([^<]+)</code>')


@pytest.fixture
def hall(settings):
    settings.DEFAULT_CENTER = "ZX"
    import_scenario(system_actor("import"), {**BASE, "events": []})
    center = Center.objects.get(code="ZX")
    org.save_staff(system_actor("office"), center, "S098", "孙管理", "RS", roles=["sys_admin"])
    for code, user in (("S098", "sysadmin"), ("S099", "office"), ("S001", "clerk")):
        org.create_account(system_actor("office"), Staff.objects.get(code=code), user, PASSWORD)
    return center


def login(client, who):
    assert client.login(username=who, password=PASSWORD)
    return client


def register(client, kind, code, window=""):
    return client.post("/manage/devices/", {"action": "register", "kind": kind, "code": code, "name": f"{code}名",
                                            "window": window})


def token_in(response) -> str:
    found = TOKEN.findall(response.content.decode())
    assert len(found) == 1, response.content.decode()[:2000]
    return found[0]


@pytest.mark.parametrize("kind,window", [("clock", ""), ("kiosk", ""), ("caller", "W01"), ("pad", "W01"),
                                         ("workstation", "W01")])
def test_register_each_kind_token_shown_once(client, hall, kind, window):
    login(client, "sysadmin")
    r = register(client, kind, f"D-{kind}", window)
    assert r.status_code == 200
    token = token_in(r)
    device = Device.objects.get(center=hall, code=f"D-{kind}")
    assert device.kind == kind and device.token_hash == Device.hash_token(token) and device.active
    assert (device.window.code if device.window else "") == window
    assert AuditRecord.objects.filter(action="device.token").exists()
    listing = client.get("/manage/devices/").content.decode()
    assert f"D-{kind}" in listing and token not in listing and not TOKEN.search(listing)  # shown only once


@pytest.mark.parametrize("kind", ["caller", "pad", "workstation"])
def test_window_kinds_need_a_window(client, hall, kind):
    login(client, "sysadmin")
    r = register(client, kind, "NOWIN")
    assert r.status_code == 422 and not Device.objects.filter(code="NOWIN").exists()
    assert not TOKEN.search(r.content.decode())


def test_an_active_code_is_not_registered_twice(client, hall):
    login(client, "sysadmin")
    first = token_in(register(client, "clock", "T1"))
    r = register(client, "clock", "T1")
    assert r.status_code == 422
    assert Device.objects.get(code="T1").token_hash == Device.hash_token(first)


def clock(client, token, event_id, kind="clock_in"):
    return client.post("/api/v1/devices/clock", json.dumps({"event_id": event_id, "staff": "S001", "type": kind}),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_rotate_invalidates_the_old_token_and_retire_refuses(client, hall):
    login(client, "sysadmin")
    old = token_in(register(client, "clock", "T1"))
    device = Device.objects.get(code="T1")
    api = type(client)()
    assert clock(api, old, "e1").status_code == 200
    device.refresh_from_db()
    assert device.last_seen_at is not None  # the device API notes when it called

    new = token_in(client.post("/manage/devices/", {"action": "rotate", "device": device.pk}))
    assert new != old
    assert clock(api, old, "e2").status_code == 401
    assert clock(api, new, "e3", "clock_out").status_code == 200
    assert AuditRecord.objects.filter(action="device.rotate").exists()

    r = client.post("/manage/devices/", {"action": "retire", "device": device.pk})
    assert r.status_code == 302
    device.refresh_from_db()
    assert not device.active
    assert clock(api, new, "e4").status_code == 401
    assert AuditRecord.objects.filter(action="device.retire").exists()
    row = re.search(r'<tr data-device="T1">.*?</tr>', client.get("/manage/devices/").content.decode(), re.S)
    assert row and 'value="rotate"' not in row.group(0)  # a retired device is not rotated back to life


def test_a_refused_device_call_is_shown_as_its_last_error(client, hall):
    login(client, "sysadmin")
    token = token_in(register(client, "kiosk", "K1"))
    r = clock(type(client)(), token, "e1")
    assert r.status_code == 403
    device = Device.objects.get(code="K1")
    assert device.last_error and device.last_error_at is not None
    assert device.last_error in client.get("/manage/devices/").content.decode()


@pytest.mark.parametrize("who", ["office", "clerk"])
def test_other_roles_are_refused(client, hall, who):
    login(client, who)
    assert client.get("/manage/devices/").status_code == 403
    assert register(client, "clock", "X1").status_code == 403
    assert not Device.objects.filter(code="X1").exists()
    workbench = client.get("/manage/").content.decode()
    assert "/manage/devices/" not in workbench and "/workstation/" not in workbench  # not a workstation here


def test_the_workbench_links_the_devices_page_for_the_system_administrator(client, hall):
    login(client, "sysadmin")
    assert "/manage/devices/" in client.get("/manage/").content.decode()


@pytest.fixture
def workstation(hall):
    actor = system_actor("office")
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    if today.year not in covered_years(hall):
        org.enter_calendar_year(actor, hall, today.year, weekdays_only(today.year))
    _device, token = duty.register_device(actor, hall, "WS01", "一号窗口工作站", kind="workstation",
                                          window=hall.windows.get(code="W01"))
    return token


def test_workstation_sign_in_records_a_clock_event_with_its_source(client, hall, workstation):
    assert client.get("/workstation/").status_code == 403  # not set up: no sign-in from any browser
    r = client.post("/workstation/setup/", {"token": "wrong"})
    assert r.status_code == 422 and WORKSTATION_COOKIE not in r.cookies
    r = client.post("/workstation/setup/", {"token": workstation})
    assert r.status_code == 302 and r.cookies[WORKSTATION_COOKIE]["httponly"]
    assert client.get("/workstation/").status_code == 302  # the clerk's own login says who signs in
    login(client, "clerk")
    assert "/workstation/" in client.get("/manage/").content.decode()  # the workbench offers it on this computer
    assert "签到" in client.get("/workstation/").content.decode()
    r = client.post("/workstation/", {"action": "clock_in"})
    assert r.status_code == 302
    ev = Event.objects.get(type="clock_in", staff__code="S001")
    assert ev.source == "workstation" and ev.device.code == "WS01" and ev.actor.username == "clerk"

    client.logout()
    login(client, "office")
    body = client.get("/manage/anomalies/").content.decode()
    assert f"<td>{source_label(ev)}</td>" in body and "一号窗口工作站" in source_label(ev)
    assert "张三" in body


def test_a_rotated_workstation_token_ends_the_setup(client, hall, workstation):
    client.post("/workstation/setup/", {"token": workstation})
    duty.rotate_device_token(system_actor("office"), Device.objects.get(code="WS01"))
    login(client, "clerk")
    assert client.get("/workstation/").status_code == 403
    assert client.post("/workstation/", {"action": "clock_in"}).status_code == 403
    assert not Event.objects.filter(type="clock_in").exists()


def test_the_attendance_page_names_each_source(client, hall, workstation):
    actor = system_actor("office")
    now = timezone.now()
    _t, terminal = duty.register_device(actor, hall, "T1", "大厅考勤机")
    duty.record_event(duty.device_actor(Device.objects.get(code="T1")), hall,
                      {"type": "clock_in", "staff": "S002", "at": now - dt.timedelta(minutes=5)},
                      source="device", device=Device.objects.get(code="T1"))
    duty.record_event(actor, hall, {"type": "clock_in", "staff": "S009", "at": now - dt.timedelta(minutes=4),
                                    "reason": "补录"})
    login(client, "office")
    body = client.get("/manage/anomalies/").content.decode()
    assert "大厅考勤机" in body and "李四" in body and "王九" in body
    kinds = {source_label(ev) for ev in Event.objects.filter(type="clock_in")}
    assert len(kinds) == 2 and all(f"<td>{k}</td>" in body for k in kinds)


def test_a_refused_ticket_call_is_noted_too(client, hall):
    login(client, "sysadmin")
    token = token_in(register(client, "kiosk", "K2"))
    r = type(client)().post("/api/v1/devices/tickets", json.dumps({"request_id": "r1", "item": "NOPE"}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code in (404, 422), r.content
    device = Device.objects.get(code="K2")
    assert device.last_seen_at is not None and device.last_error


@pytest.mark.django_db(transaction=True)
def test_a_retired_or_rotated_device_is_refused_by_a_process_that_kept_it(center, actor):
    """SEC-5 with the per-process copies of issue 14 (``tickets.hot.device_by_token``): everything committed as in
    production, the device kept after its first call; a rotation and a retirement elsewhere are seen at once
    (the copies' generation is read first on every call)."""
    from django.test import Client

    from servicehall.core import hot
    from servicehall.duty import services as duty

    hot.clear()
    device, token = duty.register_device(actor, center, "T9", "考勤机")
    api = Client()
    assert clock(api, token, "k1").status_code == 200
    assert clock(api, token, "k2", "clock_out").status_code == 200  # from the kept copy
    new = duty.rotate_device_token(actor, device)
    assert clock(api, token, "k3").status_code == 401
    assert clock(api, new, "k4").status_code == 200
    duty.retire_device(actor, Device.objects.get(pk=device.pk), "报废")
    assert clock(api, new, "k5", "clock_out").status_code == 401
    hot.clear()  # the database is flushed after this test: no copy of its rows outlives it
