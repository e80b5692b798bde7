"""Issue 16's "done when", through the parts together (Q-7, EVAL-1, EVAL-4, the provincial push): a person takes
a ticket from a phone, is told by SMS when their turn is near, is served, rates the window with reasons, later
rates their case from the receipt's link without logging in, and both ratings are in the outbox and sent to the
file sender; the SMS went through the same outbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from servicehall.cases import services as cases
from servicehall.core import outbox
from servicehall.core.models import OutboxMessage, OutboxStatus
from servicehall.org import services as org
from servicehall.org.models import Window
from servicehall.tickets import services as q
from servicehall.tickets.models import Rating, RatingReason

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday, in opening hours
PHONE = "13812345678"


def m(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_issue16_phone_ticket_near_sms_served_rated_twice_and_both_ratings_pushed(actor, center, settings, tmp_path):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.FileBackend"
    settings.SERVICEHALL_SMS_DIR = str(tmp_path / "sms")
    settings.SERVICEHALL_PUSH_SENDER = "servicehall.core.push.FileSender"
    settings.SERVICEHALL_PUSH_DIR = str(tmp_path / "push")
    settings.DEFAULT_CENTER = center.code
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    window = Window.objects.get(code="W01")
    for k in range(4):
        q.issue_ticket(actor, center, "RS-001", now=m(k))
    mine = q.take_remote_ticket(center, "RS-001", PHONE, now=m(5))  # four ahead
    assert not OutboxMessage.objects.filter(key="ticket-near").exists()
    for k in range(4):  # the four before are served one by one; the "near" SMS goes when three are left
        t = q.call_next(actor, window, now=m(10 + 2 * k))
        q.start(actor, t, now=m(10 + 2 * k))
        q.finish(actor, t, now=m(11 + 2 * k))
    near = OutboxMessage.objects.get(key="ticket-near")
    assert near.phone == PHONE and mine.display in near.text
    called = q.call_next(actor, window, now=m(20))
    assert called.pk == mine.pk
    q.start(actor, called, now=m(20))
    served = q.finish(actor, called, now=m(25))
    q.reasons_of(center)  # the national lists, loaded on first use
    quick = RatingReason.objects.get(center=center, level=5, text="办事快捷")
    window_rating = q.rate(actor, served, 5, "很快", now=m(26), reasons=[quick.pk])
    assert window_rating.reasons == ["办事快捷"]
    applicant = cases.Applicant(kind="person", name="王小明", phone=PHONE, id_number="11010519491231002X")
    case = cases.receive_case(actor, center, "RS-001", applicant, [{"name": "身份证"}, {"name": "申请表"}],
                              ticket=served, now=m(27))  # RS-001 is finished on the spot (CASE-2)
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile")
    link = q.case_rating_url(case, base="")
    assert phone.post(link, {"level": "4", "comment": "材料一次讲清"}).status_code == 200
    case_rating = Rating.objects.get(rated_case=case)
    pushes = OutboxMessage.objects.filter(channel="push").order_by("pk")
    assert [p.doc_id for p in pushes] == [f"rating-service-{center.code}-{window_rating.pk}",
                                          f"rating-case-{center.code}-{case_rating.pk}"]
    counts = outbox.tick(timezone.now() + dt.timedelta(minutes=1))  # the case was rated from the link just now
    assert counts["sent"] >= 3 and counts["dead"] == 0  # the near SMS and both ratings
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    docs = {p.doc_id: json.loads((tmp_path / "push" / f"{p.doc_id}.json").read_text(encoding="utf-8"))
            for p in pushes}
    service_doc, case_doc = docs.values()
    assert service_doc["level"] == 5 and service_doc["reasons"] == ["办事快捷"] and service_doc["ticket"] == mine.display
    assert case_doc["level"] == 4 and case_doc["case_number"] == case.number
