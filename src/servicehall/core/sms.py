"""SMS — 短信: one interface for every message the hall sends to a phone (the applicant's result, a complaint's
answer, a ticket's "your turn is near", appointment reminders, staff alerts by SMS).

Code sends by template key: :func:`send_template` renders the center's wording of the key (the office edits
it, :class:`~servicehall.core.models.SmsTemplate`; :data:`DEFAULTS` when the center has none) and
:func:`queue` records the message as an outgoing row in the caller's transaction. The worker sends it through
the configured backend (``SERVICEHALL_SMS_BACKEND``), at most ``SERVICEHALL_SMS_PER_MINUTE`` and
``SERVICEHALL_SMS_PER_HOUR`` messages to one number (more wait for their turn), with retries, backoff and
dead letters (:mod:`servicehall.core.outbox`). The console backend sends as soon as the write commits.

Backends: :class:`ConsoleBackend` (standard error, development), :class:`FileBackend` (the default: one line per
message in ``DATA_DIR/sms/YYYY-MM-DD.jsonl``) and :class:`HttpBackend` (a gateway: a signed POST). Phones are
masked in every log line and page (SEC-3).
"""

from __future__ import annotations

import datetime as dt
import json
import string
import sys
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from servicehall.rules.identity import mask_phone

from . import outbox
from .models import OutboxChannel, OutboxMessage, OutboxStatus, SmsTemplate

# key → (default text, required placeholders, optional placeholders). ``center`` is always available.
DEFAULTS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "case-result": ("【{center}】您申请的“{item}”（{number}）已办理完毕，请凭收件回执到{department}窗口领取结果，或申请邮寄。"
                    "欢迎评价：{link}",
                    frozenset({"item", "number"}), frozenset({"department", "link"})),
    "case-extension": ("【{center}】您申请的“{item}”（{number}）因{reason}，经批准延期{days}个工作日办理，新的办结期限为{due}。",
                       frozenset({"number", "due"}), frozenset({"item", "reason", "days"})),
    "complaint-answered": ("【{center}】您的投诉（查询码 {code}）已答复，请凭查询码在中心网站查看答复内容。",
                           frozenset({"code"}), frozenset()),
    "ticket-near": ("【{center}】您的{number}号前面还有{ahead}人，预计{minutes}分钟后叫号，请到{department}等候。",
                    frozenset({"number"}), frozenset({"ahead", "minutes", "department", "item", "link"})),
    "appointment-reminder": ("【{center}】您已预约{date} {time}办理“{item}”，请准时到中心取号。{link}",
                             frozenset({"date", "time"}), frozenset({"item", "link"})),
    "staff-alert": ("【{center}】{text}", frozenset({"text"}), frozenset()),
}

# key → what the message is, for the office's page.
NAMES: dict[str, Any] = {
    "case-result": _("The result of a case is ready"),
    "case-extension": _("A case's time limit is extended"),
    "complaint-answered": _("A complaint is answered"),
    "ticket-near": _("A ticket's turn is near"),
    "appointment-reminder": _("Appointment reminder"),
    "staff-alert": _("Alert to staff"),
}


class TemplateError(ValueError):
    """A template's text names a placeholder it may not, misses a required one, or is malformed."""

    def __init__(self, field: str, template: str, **params: Any):
        self.field, self.template, self.params = field, template, params
        super().__init__(template % params)


def placeholders(text: str) -> list[str]:
    """The placeholder names in a template's text, in order (``{number}`` → ``number``)."""
    names = []
    for _lit, name, spec, conv in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise TemplateError("text", "%(placeholder)s is not a placeholder: write a name in braces, e.g. {number}",
                                placeholder="{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
        names.append(name)
    return names


def check(key: str, text: str) -> None:
    """A template's text for ``key``: every placeholder known for the key, every required one present."""
    if key not in DEFAULTS:
        raise TemplateError("key", "%(key)s is not a message the system sends", key=key)
    if not text.strip():
        raise TemplateError("text", "a template has a text")
    try:
        names = set(placeholders(text))
    except ValueError as exc:  # unbalanced braces
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError("text", "the braces do not match: write placeholders as {name}") from exc
    _default, required, optional = DEFAULTS[key]
    unknown = sorted(names - required - optional - {"center"})
    if unknown:
        raise TemplateError("text", "unknown placeholder %(placeholder)s; this message may use %(allowed)s",
                            placeholder="{" + unknown[0] + "}",
                            allowed=" ".join("{" + n + "}" for n in sorted(required | optional | {"center"})))
    missing = sorted(required - names)
    if missing:
        raise TemplateError("text", "the placeholder %(placeholder)s is required in this message",
                            placeholder="{" + missing[0] + "}")


def template_text(center: Any, key: str) -> str:
    row = SmsTemplate.objects.filter(center=center, key=key).first() if center is not None else None
    return row.text if row is not None else DEFAULTS[key][0]


def render(center: Any, key: str, **values: Any) -> str:
    """The center's wording of ``key`` with the values filled in (a value not given is left empty)."""
    known = {n: "" for n in placeholders(template_text(center, key))}
    known["center"] = getattr(center, "name", "")
    known.update({k: "" if v is None else str(v) for k, v in values.items()})
    return template_text(center, key).format_map(known)


def enabled() -> bool:
    return bool(getattr(settings, "SERVICEHALL_SMS_BACKEND", ""))


def queue(phone: str, text: str, *, center: Any = None, key: str = "", now: dt.datetime | None = None
          ) -> OutboxMessage | None:
    """Record one SMS to send, in the caller's transaction (a rolled-back write sends nothing); None when there
    is no phone or SMS is switched off (``SERVICEHALL_SMS_BACKEND`` empty)."""
    phone = (phone or "").strip()
    if not phone or not enabled():
        return None
    message = outbox.put(channel=OutboxChannel.SMS, doc_id=f"sms-{uuid.uuid4().hex}", center=center, key=key,
                         phone=phone, text=text, now=now)
    if getattr(backend(), "immediate", False):
        transaction.on_commit(lambda: _send_now(message.pk))
    return message


def send_template(center: Any, phone: str, key: str, now: dt.datetime | None = None, **values: Any
                  ) -> OutboxMessage | None:
    """Send the center's message ``key`` (see :data:`DEFAULTS`) to ``phone``, with ``values`` for its
    placeholders: the one call the apps use."""
    return queue(phone, render(center, key, **values), center=center, key=key, now=now)


def _send_now(pk: int) -> None:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=pk, status=OutboxStatus.QUEUED).first()
        if message is not None:
            outbox.attempt(message)


# -- the rate limit and the backends -------------------------------------------------------------------------

def _limit_until(message: OutboxMessage, now: dt.datetime) -> dt.datetime | None:
    """When the number may receive again, if it has had its share of the last minute or hour."""
    sent = OutboxMessage.objects.filter(channel=OutboxChannel.SMS, phone=message.phone, status=OutboxStatus.SENT)
    for limit, span in ((int(getattr(settings, "SERVICEHALL_SMS_PER_MINUTE", 3)), dt.timedelta(minutes=1)),
                        (int(getattr(settings, "SERVICEHALL_SMS_PER_HOUR", 20)), dt.timedelta(hours=1))):
        if limit <= 0:
            continue
        times = list(sent.filter(sent_at__gt=now - span).order_by("-sent_at").values_list("sent_at", flat=True)[:limit])
        last = times[-1] if len(times) >= limit else None
        if last is not None:
            return last + span
    return None


def deliver(message: OutboxMessage, now: dt.datetime | None = None) -> dt.datetime | None:
    """The outbox's sender for SMS: through the backend, unless the number has had its share (then the time
    it may receive again)."""
    later = _limit_until(message, now or timezone.now())
    if later is not None:
        return later
    backend().send_sms(message.phone, message.text, message=message)
    return None


def backend() -> Any:
    return import_string(getattr(settings, "SERVICEHALL_SMS_BACKEND", "") or "servicehall.core.sms.FileBackend")()


class SmsBackend:
    """Interface of an SMS backend: one message to one phone; raise on failure (the outbox retries)."""

    immediate = False

    def send_sms(self, phone: str, text: str, message: OutboxMessage | None = None) -> None:  # pragma: no cover
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Writes each SMS to standard error, the number masked (development, demo); sent when the write commits."""

    immediate = True

    def send_sms(self, phone: str, text: str, message: OutboxMessage | None = None) -> None:
        sys.stderr.write(f"[sms to {mask_phone(phone)}] {text}\n")


class FileBackend(SmsBackend):
    """The default: the worker appends each SMS as a JSON line to ``DATA_DIR/sms/<day>.jsonl`` (for a gateway
    outside the system to pick up, or for the record)."""

    def send_sms(self, phone: str, text: str, message: OutboxMessage | None = None) -> None:
        folder = Path(getattr(settings, "SERVICEHALL_SMS_DIR", "") or Path(settings.DATA_DIR) / "sms")
        folder.mkdir(parents=True, exist_ok=True)
        now = timezone.now()
        line = {"id": message.doc_id if message else "", "phone": phone, "text": text, "at": now.isoformat()}
        with open(folder / f"{now:%Y-%m-%d}.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


class HttpBackend(SmsBackend):
    """An SMS gateway over HTTPS: ``SERVICEHALL_SMS_URL``, the key and secret from ``SERVICEHALL_SMS_KEY`` and
    ``SERVICEHALL_SMS_SECRET``; the JSON body ``{"id", "phone", "text"}`` signed (HMAC-SHA256 over the
    timestamp and the body, :func:`servicehall.core.outbox.signed_post`); a 2xx answer whose JSON, if any, does
    not say ``"ok": false`` is a delivery."""

    def send_sms(self, phone: str, text: str, message: OutboxMessage | None = None) -> None:
        doc_id = message.doc_id if message else ""
        body = json.dumps({"id": doc_id, "phone": phone, "text": text}, ensure_ascii=False).encode()
        answer = outbox.signed_post(settings.SERVICEHALL_SMS_URL, body, key=settings.SERVICEHALL_SMS_KEY,
                                    secret=settings.SERVICEHALL_SMS_SECRET, doc_id=doc_id,
                                    timeout=float(getattr(settings, "SERVICEHALL_SMS_TIMEOUT", 10)))
        try:
            parsed = json.loads(answer or b"{}")
        except ValueError as exc:
            raise outbox.DeliveryError("the gateway's answer is not JSON") from exc
        if isinstance(parsed, dict) and parsed.get("ok") is False:
            raise outbox.DeliveryError(str(parsed.get("error", "refused by the gateway"))[:200])
