"""Q-5 with issue 17 item 5: the back of the queue ticket (80 mm) carries the center, the ticket's number, the
return date of its one-time notice and a QR code of the case's progress lookup — the case number only (PUB-2)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from servicehall.cases.models import Case
from servicehall.catalog.models import ServiceItem
from servicehall.core import printouts
from servicehall.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_q5_ticket_back_carries_number_return_date_and_the_lookup_code(office_client, open_hall):
    kiosk = Client()
    kiosk.get("/devices/activate/", {"token": open_hall["kiosk"]})
    kiosk.post("/kiosk/", {"item": "RS-001"})
    ticket = Ticket.objects.get()
    office_client.post("/queue/", {"window": "W01", "action": "call"})
    office_client.post("/queue/", {"window": "W01", "action": "start", "ticket": ticket.pk})
    id_card = ServiceItem.objects.get(code="RS-001").materials.get(name="身份证")
    office_client.post("/cases/new/", {"item": "RS-001", "ticket": ticket.pk, "kind": "person", "name": "王小明",
                                       "phone": "13812345678", "id_number": "11010519491231002X",
                                       f"has_{id_card.pk}": "1", "action": "notice"})
    case = Case.objects.get()
    back = office_client.get(f"/queue/tickets/{ticket.pk}/back/")
    body = back.content.decode()
    url = back.context["doc_url"]
    assert "<svg" in body and str(printouts.qr_svg(url)) in body
    assert urlsplit(url).path == "/progress/" and parse_qs(urlsplit(url).query) == {"number": [case.number],
                                                                                  "center": ["ZX"]}
    assert "13812345678" not in url and "5678" not in url and "11010519491231002X" not in url
    assert f"排队号：<strong>{ticket.display}</strong>" in body and case.center.name in body
    due = case.steps.get(kind="notice").data["return_by"]
    y, m, d = (int(x) for x in due.split("-"))
    assert f"请于{y}年{m}月{d}日前（含当日）补正" in body
    assert "ticket-back.css" in body  # the 80 mm page rule, for this page only
