"""Q-2, SEC-3: the kiosk keeps what the green channel needs from an ID number — whether the holder is 60 or
over on the day — and never the number itself, on the page, through the device API and in rows migrated
from before."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import system_actor
from servicehall.catalog.models import ServiceItem
from servicehall.org.models import ExtendedSession
from servicehall.tickets import services as q
from servicehall.tickets.models import Ticket

OLD = "11010519491231002X"  # born 1949-12-31
SIXTY = "110105196603150017"  # born 1966-03-15
YOUNG = "110105199001011232"  # born 1990-01-01
TZ = dt.timezone(dt.timedelta(hours=8))


def stored_anywhere(number: str) -> bool:
    """Whether the number (or its last eight characters) is in any ticket row or audit record."""
    rows = [*Ticket.objects.values(), *AuditRecord.objects.values("before", "after", "object_repr", "reason")]
    return any(part in str(rows) for part in (number, number[-8:]))


@pytest.mark.django_db
def test_q2_kiosk_page_keeps_the_flag_not_the_number(client, open_hall):
    client.get("/devices/activate/", {"token": open_hall["kiosk"]})
    body = client.post("/kiosk/", {"item": "RS-001", "id_number": OLD}).content.decode()
    client.post("/kiosk/", {"item": "RS-001", "id_number": YOUNG})
    old, young = Ticket.objects.order_by("seq")
    assert (old.elderly, old.priority) == (True, "elderly") and (young.elderly, young.priority) == (False, "")
    assert "id_number" not in {f.name for f in Ticket._meta.get_fields()}
    assert not stored_anywhere(OLD) and not stored_anywhere(YOUNG) and OLD not in body


@pytest.mark.django_db
def test_q2_device_api_keeps_the_flag_not_the_number(client, open_hall):
    r = client.post("/api/v1/devices/tickets", json.dumps({"request_id": "r1", "item": "RS-001", "id_number": OLD}),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {open_hall['kiosk']}")
    assert r.status_code in (200, 201) and r.json()["priority"] == "elderly"
    assert Ticket.objects.get().elderly and not stored_anywhere(OLD) and OLD not in r.content.decode()


@pytest.mark.django_db
def test_q2_sixty_on_the_day_of_issue(open_hall, center):
    kiosk = system_actor("kiosk")
    for day in (14, 15):  # a weekend: W01 issues in its extended sessions (ATT-4)
        ExtendedSession.objects.create(center=center, date=dt.date(2026, 3, day), start=dt.time(9),
                                       end=dt.time(12)).windows.add(center.windows.get(code="W01"))
    before = q.issue_ticket(kiosk, center, "RS-001", id_number=SIXTY, now=dt.datetime(2026, 3, 14, 9, tzinfo=TZ))
    on = q.issue_ticket(kiosk, center, "RS-001", id_number=SIXTY, now=dt.datetime(2026, 3, 15, 9, tzinfo=TZ))
    chosen = q.issue_ticket(kiosk, center, "RS-001", id_number=OLD, priority="disabled",
                            now=dt.datetime(2026, 3, 15, 9, 1, tzinfo=TZ))
    assert (before.elderly, before.priority) == (False, "") and (on.elderly, on.priority) == (True, "elderly")
    assert (chosen.elderly, chosen.priority) == (True, "disabled")  # the group chosen stays; the age is kept too
    assert not stored_anywhere(SIXTY) and not stored_anywhere(OLD)


@pytest.mark.django_db(transaction=True)
def test_sec3_migration_keeps_the_flag_and_forgets_stored_numbers(center):
    """Tickets issued before keep whether their holder was 60 or over on their day; the numbers are gone."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("tickets", "0002_ticket_elderly")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps.get_model("tickets", "Ticket")
    item = ServiceItem.objects.get(center=center, code="RS-001")
    day = dt.date(2026, 3, 15)
    rows = {}
    for seq, (number, priority) in enumerate([(SIXTY, ""), (YOUNG, ""), (OLD, "disabled"), ("12345", ""),
                                              ("", "ill")], 1):
        rows[seq] = old.objects.create(center_id=center.pk, queue_id=item.department_id, day=day, seq=seq,
                                       display=f"RS{seq:03d}", item_id=item.pk, id_number=number,
                                       priority=priority, issued_at=dt.datetime(2026, 3, 15, 9, tzinfo=TZ)).pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    got = {seq: Ticket.objects.filter(pk=pk).values_list("elderly", "priority").get() for seq, pk in rows.items()}
    assert got == {1: (True, "elderly"), 2: (False, ""), 3: (True, "disabled"), 4: (False, ""), 5: (False, "ill")}
    columns = [c.name for c in connection.introspection.get_table_description(connection.cursor(), "tickets_ticket")]
    assert "id_number" not in columns and "elderly" in columns
