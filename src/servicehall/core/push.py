"""The provincial push — 好差评数据推送: the outbox's sender for rating documents.

The documents are made by the app that owns the rating (``servicehall.tickets.push``) and placed in the outbox
in the rating's transaction; the worker sends them through ``SERVICEHALL_PUSH_SENDER``:

- :class:`FileSender` (the default): one JSON document per rating, ``DATA_DIR/push/<id>.json`` (a resend
  rewrites the same file: the id is the document's identity);
- :class:`HttpSender`: a signed POST of the document to ``SERVICEHALL_PUSH_URL`` with the key and secret of
  ``SERVICEHALL_PUSH_KEY``/``SERVICEHALL_PUSH_SECRET``; a 2xx or a 409 (the platform already has this id) is
  a delivery.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from . import outbox
from .models import OutboxChannel, OutboxMessage


def queue(center: Any, document: dict[str, Any], now: Any = None) -> OutboxMessage:
    """Place one document (its ``id`` is its identity on the receiving side) in the outbox, in the caller's
    transaction: the one call for anything pushed to the province (a window service's rating, a case's)."""
    return outbox.put(channel=OutboxChannel.PUSH, doc_id=str(document["id"]), center=center, key="rating",
                      payload=document, now=now)


def _body(message: OutboxMessage) -> bytes:
    return json.dumps(message.payload, ensure_ascii=False, sort_keys=True, indent=1).encode()


class FileSender:
    def send(self, message: OutboxMessage) -> None:
        folder = Path(getattr(settings, "SERVICEHALL_PUSH_DIR", "") or Path(settings.DATA_DIR) / "push")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{message.doc_id}.json"
        partial = target.with_suffix(".json.part")
        partial.write_bytes(_body(message))
        os.replace(partial, target)  # a reader never sees half a document


class HttpSender:
    def send(self, message: OutboxMessage) -> None:
        outbox.signed_post(settings.SERVICEHALL_PUSH_URL, _body(message), key=settings.SERVICEHALL_PUSH_KEY,
                           secret=settings.SERVICEHALL_PUSH_SECRET, doc_id=message.doc_id, ok=(409,),
                           timeout=float(getattr(settings, "SERVICEHALL_PUSH_TIMEOUT", 10)))


def sender() -> Any:
    return import_string(getattr(settings, "SERVICEHALL_PUSH_SENDER", "") or "servicehall.core.push.FileSender")()


def deliver(message: OutboxMessage, now: Any = None) -> None:
    """The outbox's sender for the push channel."""
    sender().send(message)
