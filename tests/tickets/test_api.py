"""Device endpoints for kiosks, callers and rating pads: tokens, idempotency, refusals (Q-1, Q-4, EVAL-1)."""

from __future__ import annotations

import json

import pytest

from servicehall.tickets.models import Rating, Ticket

pytestmark = pytest.mark.django_db


def post(client, url, body, token):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_kiosk_ticket_is_idempotent(client, open_hall):
    body = {"request_id": "r1", "item": "RS-001"}
    a = post(client, "/api/v1/devices/tickets", body, open_hall["kiosk"]).json()
    b = post(client, "/api/v1/devices/tickets", body, open_hall["kiosk"]).json()
    assert a["id"] == b["id"] and Ticket.objects.count() == 1 and a["ticket"] == "RS001"
    bad = post(client, "/api/v1/devices/tickets", {"request_id": "r2", "item": "XX", "id_number": "110105194912310021"},
               open_hall["kiosk"])
    assert bad.status_code == 422 and Ticket.objects.count() == 1
    assert post(client, "/api/v1/devices/tickets", body, "nope").status_code == 401


def test_caller_and_pad(client, open_hall):
    t = post(client, "/api/v1/devices/tickets", {"request_id": "r1", "item": "RS-001"}, open_hall["kiosk"]).json()
    refused = post(client, "/api/v1/devices/call", {"window": "W01", "staff": "S900"}, open_hall["kiosk"])
    assert refused.status_code == 403  # a kiosk does not call (SEC-5)
    called = post(client, "/api/v1/devices/call", {"window": "W01", "staff": "S900"}, open_hall["caller"]).json()
    assert called["id"] == t["id"] and called["status"] == "called"
    r = post(client, "/api/v1/devices/ratings", {"request_id": "x", "ticket_id": t["id"], "level": 4}, open_hall["pad"])
    assert r.status_code == 422 and "EVAL-1" in r.content.decode()  # not finished yet
    ticket = Ticket.objects.get()
    from servicehall.audit.services import system_actor
    from servicehall.tickets import services as q

    office = system_actor("office")
    office = type(office)(user=office.user, label="test", staff=ticket.staff)
    q.start(office, ticket)
    q.finish(office, ticket)
    first = post(client, "/api/v1/devices/ratings", {"request_id": "x", "ticket_id": t["id"], "level": 4},
                 open_hall["pad"]).json()
    again = post(client, "/api/v1/devices/ratings", {"request_id": "x", "ticket_id": t["id"], "level": 4},
                 open_hall["pad"]).json()
    assert first["duplicate"] is False and again["duplicate"] is True and Rating.objects.count() == 1
    other = post(client, "/api/v1/devices/ratings", {"request_id": "y", "ticket_id": t["id"], "level": 1},
                 open_hall["pad"])
    assert other.status_code == 422 and Rating.objects.get().level == 4


def test_openapi_documents_the_device_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/devices/tickets", "/api/v1/devices/ratings", "/api/v1/devices/call"} <= set(paths)
