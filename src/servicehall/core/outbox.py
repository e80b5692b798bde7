"""The outbox — 发件箱: one mechanism for everything the hall sends out of the building (SMS, the provincial
好差评 push), so that nothing is lost when the other side is unreachable.

A message is a row of :class:`~servicehall.core.models.OutboxMessage`, written in the same transaction as the
write that caused it (a rolled-back write leaves no row). The worker's tick :func:`tick` sends the due rows
through the channel's sender; a failure records the attempt and its error and sets the next attempt after an
exponential backoff (``SERVICEHALL_OUTBOX_BACKOFF_SECONDS`` × 2^(attempts−1), at most a day); after
``SERVICEHALL_OUTBOX_MAX_ATTEMPTS`` attempts the row is a dead letter, which the office sees and can send again
(:func:`requeue`). A channel's sender is a callable taking the row and the time, raising on failure; it may return
``later`` (a datetime) to defer the row without counting an attempt (the SMS rate limit does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

# channel → dotted path of its sender: ``send(message, now) -> datetime | None``.
SENDERS: dict[str, str] = {
    "sms": "servicehall.core.sms.deliver",
    "push": "servicehall.core.push.deliver",
}


# After so many failures in a row on one channel, a tick leaves that channel's other messages for the next tick
# (a province that is down costs a few timeouts a minute, not one per waiting message).
STOP_AFTER_FAILURES = 3


class DeliveryError(Exception):
    """The other side did not take the message (the text is kept as the row's last error)."""


def max_attempts() -> int:
    return max(1, int(getattr(settings, "SERVICEHALL_OUTBOX_MAX_ATTEMPTS", 8)))


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: doubling, at most a day."""
    base = max(1, int(getattr(settings, "SERVICEHALL_OUTBOX_BACKOFF_SECONDS", 60)))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 86400))


def put(*, channel: str, doc_id: str, center: Any = None, now: dt.datetime | None = None, **fields: Any) -> OutboxMessage:
    """Place a message in the outbox, in the caller's transaction; a second call with the same ``doc_id``
    returns the first row (the document is sent once)."""
    now = now or timezone.now()
    existing = OutboxMessage.objects.filter(doc_id=doc_id).first()
    if existing is not None:
        return existing
    return OutboxMessage.objects.create(channel=channel, doc_id=doc_id, center=center, created_at=now,
                                        next_attempt_at=now, **fields)


def _sender(channel: str) -> Callable[[OutboxMessage, dt.datetime], Any]:
    return import_string(SENDERS[channel])


def attempt(message: OutboxMessage, now: dt.datetime | None = None) -> OutboxMessage:
    """Send one message now and record the outcome (sent; failed with the next attempt; dead)."""
    now = now or timezone.now()
    try:
        later = _sender(message.channel)(message, now)
    except Exception as exc:  # any failure of the other side is recorded, never lost
        message.attempts += 1
        message.last_error = (f"{type(exc).__name__}: {exc}")[:300]
        if message.attempts >= max_attempts():
            message.status, message.next_attempt_at = OutboxStatus.DEAD, None
        else:
            message.status, message.next_attempt_at = OutboxStatus.FAILED, now + backoff(message.attempts)
        log.warning("outbox %s %s attempt %s failed: %s", message.channel, message.doc_id, message.attempts,
                    message.last_error)
    else:
        if isinstance(later, dt.datetime):
            message.next_attempt_at, message.last_error = later, "rate limited"
        else:
            message.attempts += 1
            message.status, message.sent_at, message.next_attempt_at = OutboxStatus.SENT, now, None
            message.last_error = ""
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
    return message


def due(now: dt.datetime | None = None, limit: int = 200):
    now = now or timezone.now()
    return (OutboxMessage.objects.filter(status__in=(OutboxStatus.QUEUED, OutboxStatus.FAILED),
                                         next_attempt_at__lte=now).order_by("next_attempt_at", "id")[:limit])


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's tick: send every due message once; counts of what happened."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "dead": 0, "deferred": 0}
    failing: dict[str, int] = {}
    for pk, channel in list(due(now).values_list("pk", "channel")):
        if failing.get(channel, 0) >= STOP_AFTER_FAILURES:
            continue  # the other side is down: the rest wait for the next tick, no attempt counted
        with transaction.atomic():
            message = (OutboxMessage.objects.select_for_update()
                       .filter(pk=pk, status__in=(OutboxStatus.QUEUED, OutboxStatus.FAILED),
                               next_attempt_at__lte=now).first())
            if message is None:
                continue  # another worker took it
            done = attempt(message, now)
        key = "deferred" if done.last_error == "rate limited" else str(done.status)
        failing[channel] = failing.get(channel, 0) + 1 if key in ("failed", "dead") else 0
        counts[key] += 1
    return counts


def requeue(message: OutboxMessage, now: dt.datetime | None = None) -> OutboxMessage:
    """A dead letter sent again: queued now with its attempts counted afresh; its ``doc_id`` stays, so the
    receiving side recognises a document it already has."""
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.QUEUED, 0, now or timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    return message


# -- signed HTTP, for the SMS gateway and the provincial platform --------------------------------------------

def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``timestamp + "." + body`` with the shared secret, in hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_post(url: str, body: bytes, *, key: str, secret: str, timeout: float, doc_id: str = "",
                ok: tuple[int, ...] = ()) -> bytes:
    """POST a JSON body signed with the shared secret; raise :class:`DeliveryError` unless the answer is a
    2xx (or one of ``ok``, e.g. 409 "already have it")."""
    if not url:
        raise DeliveryError("no URL configured")
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Servicehall-Key": key,
               "X-Servicehall-Timestamp": timestamp, "X-Servicehall-Signature": signature(secret, timestamp, body)}
    if doc_id:
        headers["Idempotency-Key"] = doc_id
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in ok:
            return b""
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(str(getattr(exc, "reason", exc))) from exc
