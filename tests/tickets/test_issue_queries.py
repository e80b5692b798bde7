"""Tickets at a city's rate (issue 14, item 6): a ticket costs at most six statements in the steady state — the
settings' generation with the count ahead, one upsert for the number, the ticket, the audit record — and what the
issue path keeps per process never outlives a change: a retired device, a rotated token, a withdrawn item, a day
off take effect on the very next request (Q-1, Q-7, SEC-5). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicehall.audit.services import system_actor, verify_chain
from servicehall.catalog.models import ServiceItem
from servicehall.core import counters
from servicehall.core.models import CacheGeneration, DailyCounter, Device
from servicehall.duty import services as duty
from servicehall.org import services as org
from servicehall.tickets import hot
from servicehall.tickets import services as q
from servicehall.tickets.models import Ticket

# Transactional, as a server runs: the copies are kept only from committed reads.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/devices/tickets"


def post(client, body, token):
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def statements(captured) -> list[str]:
    """The statements run, without the transaction's own BEGIN and COMMIT (SQLite's driver shows them as
    statements, PostgreSQL's does not; every write has them)."""
    return [c["sql"] for c in captured.captured_queries
            if c["sql"].split(" ")[0].upper() not in ("BEGIN", "COMMIT")]


def test_a_ticket_through_the_api_takes_six_statements_at_most(client, open_hall):
    for item in ("RS-001", "RS-002"):  # fills the process's copies
        post(client, {"request_id": f"warm-{item}", "item": item}, open_hall["kiosk"])
    with CaptureQueriesContext(connection) as captured:
        answer = post(client, {"request_id": "r1", "item": "RS-002"}, open_hall["kiosk"])
    assert answer.status_code == 200, answer.content
    sql = statements(captured)
    assert len(sql) <= 6, "\n".join(sql)
    assert sum("INSERT" in s and "dailycounter" in s for s in sql) == 1  # the number: one upsert
    assert not any(s.startswith(("SAVEPOINT", "RELEASE")) for s in sql)
    t = answer.json()
    assert t["ticket"] == "RS003" and t["ahead"] == 2  # the warm-up tickets wait before it (RS-001 and -002 share W01)
    kiosk, center = hot.device_by_token(open_hall["kiosk"]), open_hall_center()  # as the kiosk page has them
    with CaptureQueriesContext(connection) as captured:
        q.issue_ticket(hot.device_actor(kiosk), center, "RS-001")
    assert len(statements(captured)) <= 6, "\n".join(statements(captured))
    assert verify_chain().ok  # every ticket audited, the chain whole (SEC-7)


def open_hall_center():
    from servicehall.org.models import Center

    return Center.objects.select_related("policy").get(code="ZX")


def test_a_retried_request_returns_the_first_ticket_and_gives_no_number_away(client, open_hall, actor, center):
    first = post(client, {"request_id": "r1", "item": "RS-001"}, open_hall["kiosk"]).json()
    again = post(client, {"request_id": "r1", "item": "RS-001"}, open_hall["kiosk"]).json()
    assert again["id"] == first["id"] and Ticket.objects.count() == 1
    nxt = post(client, {"request_id": "r2", "item": "RS-001"}, open_hall["kiosk"]).json()
    assert (first["ticket"], nxt["ticket"]) == ("RS001", "RS002")  # the retry's number was rolled back
    # After the hall closes the retry still finds its ticket; a new request is refused (Q-1, NV-9).
    today = timezone.localdate(timezone.now(), timezone=dt.timezone(dt.timedelta(hours=8)))
    org.save_calendar_day(actor, center, today, False, "闭厅")
    assert post(client, {"request_id": "r1", "item": "RS-001"}, open_hall["kiosk"]).json()["id"] == first["id"]
    assert post(client, {"request_id": "r3", "item": "RS-001"}, open_hall["kiosk"]).status_code == 422


def test_a_retired_or_rotated_device_is_refused_at_once_despite_the_copies(client, open_hall, center):
    assert post(client, {"request_id": "a", "item": "RS-001"}, open_hall["kiosk"]).status_code == 200
    office = system_actor("office")
    kiosk = Device.objects.get(code="K1")
    new_token = duty.rotate_device_token(office, kiosk)
    old = post(client, {"request_id": "b", "item": "RS-001"}, open_hall["kiosk"])
    assert old.status_code in (401, 403) and Ticket.objects.count() == 1  # SEC-5: the old token no more
    assert post(client, {"request_id": "c", "item": "RS-001"}, new_token).status_code == 200
    duty.retire_device(office, Device.objects.get(code="K1"))
    retired = post(client, {"request_id": "d", "item": "RS-001"}, new_token)
    assert retired.status_code in (401, 403) and Ticket.objects.count() == 2


def test_a_change_committed_by_another_process_reaches_this_one(client, open_hall, center):
    """Another process's change reaches this one through the generation in the database alone: here the rows are
    changed without any signal of this process, and only the generation moves."""
    assert post(client, {"request_id": "a", "item": "RS-001"}, open_hall["kiosk"]).status_code == 200
    ServiceItem.objects.filter(center=center, code="RS-001").update(active=False)
    assert post(client, {"request_id": "b", "item": "RS-001"}, open_hall["kiosk"]).status_code == 200  # kept
    CacheGeneration.objects.update(value="another-process")
    withdrawn = post(client, {"request_id": "c", "item": "RS-001"}, open_hall["kiosk"])
    assert withdrawn.status_code == 422 and "RS-001" in withdrawn.content.decode()
    Device.objects.filter(code="K1").update(active=False)
    CacheGeneration.objects.update(value="another-process-2")
    assert post(client, {"request_id": "d", "item": "RS-002"}, open_hall["kiosk"]).status_code in (401, 403)
    assert Ticket.objects.count() == 2


def test_changed_items_and_hours_take_effect_at_once(client, open_hall, actor, center):
    from servicehall.catalog import services as catalog

    assert post(client, {"request_id": "a", "item": "RS-002"}, open_hall["kiosk"]).status_code == 200
    # The post no longer serves RS-002: no window serves it.
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001"])
    unserved = post(client, {"request_id": "b", "item": "RS-002"}, open_hall["kiosk"])
    assert unserved.status_code == 422 and "Q-1" in unserved.content.decode()
    # The item's department changes: the next ticket is numbered in the new department's queue.
    catalog.save_item(actor, center, "RS-001", "失业登记", "SJ", instant=True)
    assert post(client, {"request_id": "d", "item": "RS-001"}, open_hall["kiosk"]).json()["ticket"] == "SJ001"
    # The hours change so that now is outside them: refused at once (Q-7, NV-9).
    local = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8)))
    elsewhere = ["23:00", "23:30"] if local.hour < 12 else ["00:00", "00:30"]
    org.save_center(actor, "ZX", center.name, policy={"sessions": [elsewhere]})
    closed = post(client, {"request_id": "e", "item": "RS-001"}, open_hall["kiosk"])
    assert closed.status_code == 422 and "NV-9" in closed.content.decode()


def test_shortened_hours_take_effect_while_the_kiosks_copy_is_warm(client, open_hall, actor, center):
    """The kiosk's device (with its center and opening sessions) is kept warm by two tickets in a row; the office
    then moves the sessions away from now: the very next ticket is refused, and the one after (Q-1, NV-9) — the
    hours are not read from the device's copy of the center made before the change."""
    for rid in ("w1", "w2"):
        assert post(client, {"request_id": rid, "item": "RS-001"}, open_hall["kiosk"]).status_code == 200
    local = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8)))
    elsewhere = ["23:00", "23:30"] if local.hour < 12 else ["00:00", "00:30"]
    org.save_center(actor, "ZX", center.name, policy={"sessions": [elsewhere]})
    for rid in ("c1", "c2"):
        closed = post(client, {"request_id": rid, "item": "RS-001"}, open_hall["kiosk"])
        assert closed.status_code == 422 and "NV-9" in closed.content.decode()


def test_next_number_is_one_upsert(center):
    day = dt.date(2026, 3, 2)
    with CaptureQueriesContext(connection) as captured:
        numbers = [counters.next_number(center, "q-RS", day) for _ in range(3)]
    assert numbers == [1, 2, 3] and len(captured.captured_queries) == 3
    assert counters.next_number(center, "q-SJ", day) == 1 and counters.next_number(center, "q-RS", day + dt.timedelta(1)) == 1
    assert DailyCounter.objects.get(center=center, series="q-RS", day=day).last == 3
