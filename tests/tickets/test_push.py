"""Issue 16 item 4 (EVAL-4): every rating is placed in the outbox in its own transaction and pushed to the
province by the worker — file sender by default, signed HTTP when configured; nothing is lost when the province
is unreachable: retries with backoff, dead letters the office sends again, the same document id each time."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import HTTPServer

import pytest
from django.db import transaction

from servicehall.core import outbox
from servicehall.core.models import OutboxMessage, OutboxStatus
from servicehall.org import services as org
from servicehall.org.models import Window
from servicehall.tickets import services as q
from servicehall.tickets.models import Rating
from tests.core.test_sms import Gateway

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def m(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def served(actor, center):
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    t = q.issue_ticket(actor, center, "RS-001", now=m(0))
    t = q.call_next(actor, Window.objects.get(code="W01"), now=m(1))
    q.start(actor, t, now=m(2))
    return q.finish(actor, t, now=m(9))


@pytest.fixture
def push_dir(settings, tmp_path):
    settings.SERVICEHALL_PUSH_SENDER = "servicehall.core.push.FileSender"
    settings.SERVICEHALL_PUSH_DIR = str(tmp_path)
    return tmp_path


def test_a_rating_is_in_the_outbox_and_the_file_sender_writes_its_document(actor, served, push_dir):
    rating = q.rate(actor, served, 2, "等太久", now=m(10))
    message = OutboxMessage.objects.get(channel="push")
    assert message.status == OutboxStatus.QUEUED and message.doc_id == f"rating-service-ZX-{rating.pk}"
    assert outbox.tick(m(11))["sent"] == 1
    doc = json.loads((push_dir / f"{message.doc_id}.json").read_text(encoding="utf-8"))
    assert doc["id"] == message.doc_id and doc["format"] == "servicehall.rating/1"
    assert doc["item"] == {"code": "RS-001", "name": "失业登记"} and doc["department"]["code"] == "RS"
    assert doc["clerk"]["code"] == "S900" and doc["level"] == 2 and doc["comment"] == "等太久"
    assert doc["rated_at"] == "2026-03-02T09:10:00+08:00" and doc["ticket"] == served.display
    assert doc["case_number"] == "" and doc["reasons"] == []


def test_a_rolled_back_rating_leaves_no_outbox_row(actor, served, push_dir):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        q.rate(actor, served, 5, now=m(10))
        assert OutboxMessage.objects.filter(channel="push").count() == 1  # written with the rating
        raise Undo
    assert not Rating.objects.exists() and not OutboxMessage.objects.exists()


def test_the_province_unreachable_retries_dead_then_resend_without_duplicates(actor, center, served, settings):
    settings.SERVICEHALL_PUSH_SENDER = "servicehall.core.push.HttpSender"
    settings.SERVICEHALL_PUSH_URL = "http://127.0.0.1:9/ratings"  # nobody listens
    settings.SERVICEHALL_PUSH_TIMEOUT = 2
    settings.SERVICEHALL_OUTBOX_MAX_ATTEMPTS = 2
    q.rate(actor, served, 5, now=m(10))
    message = OutboxMessage.objects.get(channel="push")
    assert outbox.tick(m(11))["failed"] == 1
    message.refresh_from_db()
    assert message.attempts == 1 and message.next_attempt_at == m(11) + outbox.backoff(1) and message.last_error
    assert outbox.tick(message.next_attempt_at)["dead"] == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD and Rating.objects.count() == 1  # the rating itself stands

    # The province is back: the office sends the dead letter again; the receiver sees the same id twice at most.
    Gateway.received, Gateway.answer = [], 200
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.SERVICEHALL_PUSH_URL = f"http://127.0.0.1:{server.server_port}/ratings"
        settings.SERVICEHALL_PUSH_KEY, settings.SERVICEHALL_PUSH_SECRET = "hall", Gateway.secret
        assert org.resend_dead(actor, center) == 1
        assert outbox.tick()["sent"] == 1
        assert org.resend_dead(actor, center) == 0  # nothing dead any more
        [got] = Gateway.received
        assert got["signed"] and got["id"] == message.doc_id == got["body"]["id"]
        # A platform answering 409 (already has the id) counts as delivered: a duplicate resend is harmless.
        OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.DEAD)
        Gateway.answer = 409
        org.resend_dead(actor, center, [message.pk])
        assert outbox.tick()["sent"] == 1
    finally:
        server.shutdown()
        server.server_close()


def test_rating_twice_by_the_pad_retry_pushes_once(actor, served, push_dir):
    q.rate(actor, served, 4, now=m(10), device_request_id="pad-1")
    q.rate(actor, served, 4, now=m(10), device_request_id="pad-1")  # the pad's retry of the same request
    assert OutboxMessage.objects.filter(channel="push").count() == 1


def test_a_province_that_is_down_costs_a_few_attempts_a_tick_not_one_per_rating(actor, center, settings):
    settings.SERVICEHALL_PUSH_SENDER = "servicehall.core.push.HttpSender"
    settings.SERVICEHALL_PUSH_URL = "http://127.0.0.1:9/ratings"
    settings.SERVICEHALL_PUSH_TIMEOUT = 2
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    window = Window.objects.get(code="W01")
    for i in range(5):
        t = q.issue_ticket(actor, center, "RS-001", now=m(i))
        t = q.call_next(actor, window, now=m(i))
        q.start(actor, t, now=m(i))
        q.rate(actor, q.finish(actor, t, now=m(i)), 5, now=m(i))
    assert outbox.tick(m(30))["failed"] == outbox.STOP_AFTER_FAILURES
    assert OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, attempts=0).count() == 5 - outbox.STOP_AFTER_FAILURES
