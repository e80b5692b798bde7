"""Issue 16 item 8: SMS as one component — backends (console, file, signed HTTP), the rate limit per number,
retries with backoff and dead letters, templates the office edits with their placeholders checked on save,
the office's pages (refused for a clerk), phones masked (SEC-3)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from servicehall.core import outbox, sms
from servicehall.core.models import OutboxMessage, OutboxStatus, SmsTemplate
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.permissions import Forbidden

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def file_sms(settings, tmp_path):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.FileBackend"
    settings.SERVICEHALL_SMS_DIR = str(tmp_path)
    return tmp_path


class Gateway(BaseHTTPRequestHandler):
    """A tiny SMS gateway / provincial platform on 127.0.0.1: checks the signature, answers as told."""

    secret = "s3cret"
    answer = 200
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        good = self.headers["X-Servicehall-Signature"] == outbox.signature(
            self.secret, self.headers["X-Servicehall-Timestamp"], body)
        type(self).received.append({"body": json.loads(body), "signed": good, "key": self.headers["X-Servicehall-Key"],
                                    "id": self.headers.get("Idempotency-Key", "")})
        code = self.answer if good else 401
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received, Gateway.answer = [], 200
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_default_backend_records_a_row_and_the_worker_writes_the_file(center, file_sms):
    message = sms.send_template(center, PHONE, "complaint-answered", code="ABC123")
    assert message.status == OutboxStatus.QUEUED and "ABC123" in message.text and center.name in message.text
    assert outbox.tick()["sent"] == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    lines = [json.loads(x) for f in file_sms.glob("*.jsonl") for x in f.read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], x["phone"]) for x in lines] == [(message.doc_id, PHONE)]


def test_a_rolled_back_write_records_no_sms(center, file_sms):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        sms.send_template(center, PHONE, "complaint-answered", code="X")
        raise Undo
    assert not OutboxMessage.objects.exists()


def test_no_phone_or_sms_off_records_nothing(center, settings):
    assert sms.send_template(center, "", "complaint-answered", code="X") is None
    settings.SERVICEHALL_SMS_BACKEND = ""
    assert sms.send_template(center, PHONE, "complaint-answered", code="X") is None
    assert not OutboxMessage.objects.exists()


def test_the_console_backend_sends_on_commit_with_the_number_masked(center, settings, capsys,
                                                                  django_capture_on_commit_callbacks):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.ConsoleBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = sms.send_template(center, PHONE, "complaint-answered", code="X")
    err = capsys.readouterr().err
    assert "138****5678" in err and PHONE not in err  # SEC-3
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_the_http_gateway_gets_a_signed_request(center, settings, gateway):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.HttpBackend"
    settings.SERVICEHALL_SMS_URL = f"http://127.0.0.1:{gateway.server_port}/sms"
    settings.SERVICEHALL_SMS_KEY, settings.SERVICEHALL_SMS_SECRET = "hall", Gateway.secret
    message = sms.send_template(center, PHONE, "complaint-answered", code="Q1")
    assert outbox.tick()["sent"] == 1
    [got] = Gateway.received
    assert got["signed"] and got["key"] == "hall" and got["body"]["phone"] == PHONE and got["id"] == message.doc_id


def test_a_wrong_secret_is_refused_by_the_gateway_and_retried_later(center, settings, gateway):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.HttpBackend"
    settings.SERVICEHALL_SMS_URL = f"http://127.0.0.1:{gateway.server_port}/sms"
    settings.SERVICEHALL_SMS_KEY, settings.SERVICEHALL_SMS_SECRET = "hall", "wrong"
    message = sms.send_template(center, PHONE, "complaint-answered", code="Q1")
    now = timezone.now()
    assert outbox.tick(now)["failed"] == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1 and "401" in message.last_error
    assert message.next_attempt_at == now + outbox.backoff(1)


def test_an_unreachable_gateway_backs_off_then_dead_then_resend(center, settings, actor):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.HttpBackend"
    settings.SERVICEHALL_SMS_URL = "http://127.0.0.1:9/sms"  # the discard port: nobody listens
    settings.SERVICEHALL_SMS_TIMEOUT = 2
    settings.SERVICEHALL_OUTBOX_MAX_ATTEMPTS = 3
    settings.SERVICEHALL_OUTBOX_BACKOFF_SECONDS = 60
    message = sms.send_template(center, PHONE, "complaint-answered", code="Q1")
    now = timezone.now()
    waits = []
    for _ in range(3):
        outbox.tick(now)
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - now)
            assert outbox.tick(now) == {"sent": 0, "failed": 0, "dead": 0, "deferred": 0}  # not due yet
            now = message.next_attempt_at
    assert waits == [dt.timedelta(seconds=60), dt.timedelta(seconds=120)]  # doubling
    assert message.status == OutboxStatus.DEAD and message.attempts == 3 and message.next_attempt_at is None
    assert org.resend_dead(actor, center) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 0


def test_the_rate_limit_per_number_defers_without_losing(center, file_sms, settings):
    settings.SERVICEHALL_SMS_PER_MINUTE, settings.SERVICEHALL_SMS_PER_HOUR = 2, 10
    for i in range(3):
        sms.send_template(center, PHONE, "complaint-answered", code=f"C{i}")
    sms.send_template(center, "13900001111", "complaint-answered", code="other")
    counts = outbox.tick()
    assert counts["sent"] == 3 and counts["deferred"] == 1  # two to the number, one to the other number
    late = OutboxMessage.objects.get(status=OutboxStatus.QUEUED)
    assert late.phone == PHONE and late.attempts == 0 and late.next_attempt_at > timezone.now()
    assert outbox.tick(late.next_attempt_at + dt.timedelta(seconds=1))["sent"] == 1


# -- templates -----------------------------------------------------------------------------------------------

def test_templates_are_the_centers_and_render_by_key(center, actor, file_sms):
    org.save_sms_template(actor, center, "complaint-answered", "{center}提醒：投诉{code}已答复。")
    message = sms.send_template(center, PHONE, "complaint-answered", code="K9")
    assert message.text == f"{center.name}提醒：投诉K9已答复。"


@pytest.mark.parametrize("text, named", [
    ("您的投诉{code}已答复，{nonsense}", "{nonsense}"),  # unknown placeholder, named
    ("您的投诉已答复", "{code}"),  # the required placeholder missing, named
    ("您的投诉{code:>5}已答复", "{code:>5}"),
    ("您的投诉{code已答复", "braces"),
    ("   ", "text"),
])
def test_placeholders_are_checked_on_save(center, actor, text, named):
    with pytest.raises(RuleViolation) as e:
        org.save_sms_template(actor, center, "complaint-answered", text)
    assert named in str(e.value)
    assert not SmsTemplate.objects.exists()


def test_an_unknown_message_key_is_refused(center, actor):
    with pytest.raises(RuleViolation):
        org.save_sms_template(actor, center, "no-such-message", "{center}")


def test_a_clerk_may_not_edit_templates_or_resend(center, login):
    from servicehall.audit.services import Actor
    from servicehall.org.models import Staff

    clerk = Actor(user=None, label="clerk", staff=Staff.objects.get(center=center, code="S005"))
    with pytest.raises(Forbidden):
        org.save_sms_template(clerk, center, "complaint-answered", "{code}")
    with pytest.raises(Forbidden):
        org.resend_dead(clerk, center)


# -- pages ---------------------------------------------------------------------------------------------------

def test_the_template_page_saves_and_refuses_with_the_field_named(office_client, center):
    url = reverse("web:sms_templates")
    page = office_client.get(url)
    assert page.status_code == 200 and "complaint-answered" in page.content.decode()
    bad = office_client.post(url, {"key": "complaint-answered", "text": "投诉{oops}"})
    assert bad.status_code == 200 and "{oops}" in bad.content.decode()
    assert office_client.post(url, {"key": "nope", "text": ""}).status_code == 200  # no 500 on bad input
    good = office_client.post(url, {"key": "complaint-answered", "text": "投诉{code}已答复"})
    assert good.status_code == 302 and SmsTemplate.objects.get(center=center).text == "投诉{code}已答复"


def test_the_outbox_page_masks_phones_and_resends(office_client, center, settings):
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.FileBackend"
    message = sms.send_template(center, PHONE, "complaint-answered", code="X")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.DEAD, attempts=8, last_error="HTTP 500")
    page = office_client.get(reverse("web:outbox")).content.decode()
    assert "138****5678" in page and PHONE not in page and "HTTP 500" in page
    assert office_client.post(reverse("web:outbox"), {"id": "abc"}).status_code == 302  # nothing matched, no 500
    assert office_client.post(reverse("web:outbox"), {"id": str(message.pk)}).status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED


def test_the_pages_are_refused_for_a_clerk(clerk_client):
    assert clerk_client.get(reverse("web:sms_templates")).status_code == 403
    assert clerk_client.post(reverse("web:outbox"), {}).status_code == 403


def test_staff_alerts_by_sms_go_through_the_component(center, settings, django_capture_on_commit_callbacks):
    from servicehall.core import notify
    from servicehall.org.models import Staff

    settings.SERVICEHALL_NOTIFIERS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.SmsNotifier"]
    person = Staff.objects.get(center=center, code="S001")
    Staff.objects.filter(pk=person.pk).update(phone=PHONE)
    person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify.send(center, [person], "test:1", "1号窗口空岗")
    message = OutboxMessage.objects.get()
    assert message.key == "staff-alert" and message.phone == PHONE and "1号窗口空岗" in message.text
