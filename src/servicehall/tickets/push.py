"""The provincial push of ratings — 好差评数据推送 (issue 16 item 4, EVAL-4).

:func:`push_rating` turns a rating into the document the province receives and places it in the outbox in the
rating's own transaction (the rating service calls it right after creating the row): a rolled-back rating
pushes nothing, a saved one is never lost — the worker sends it through the configured sender with retries
and backoff (:mod:`servicehall.core.outbox`, :mod:`servicehall.core.push`). The format is in the README
("SMS and the provincial push").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from servicehall.core import clock, push
from servicehall.core.models import OutboxMessage

from .models import Rating

FORMAT = "servicehall.rating/1"
# The national five levels in the national words, whatever the reader's language (a machine format).
LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def doc_id(rating: Any, kind: str = "service") -> str:
    """The document's identity: stable for a rating, the same on every resend (the receiver drops duplicates)."""
    return f"rating-{kind}-{rating.ticket.center.code}-{rating.pk}"


def _reasons(rating: Any) -> list[str]:
    found = getattr(rating, "reasons", None)
    if found is None:
        return []
    if hasattr(found, "all"):
        return [str(r) for r in found.all()]
    if isinstance(found, (list, tuple)):
        return [str(r) for r in found]
    return [str(found)] if found else []


def document(rating: Rating) -> dict[str, Any]:
    """The rating as the province receives it; what the hall does not know is left empty."""
    ticket = rating.ticket
    center = ticket.center
    return {
        "format": FORMAT,
        "id": doc_id(rating),
        "kind": "service",  # 一次一评: the window service of a ticket
        "center": {"code": center.code, "name": center.name},
        "case_number": "",  # a window service's rating names no case
        "ticket": ticket.display,
        "item": {"code": ticket.item.code, "name": ticket.item.name},
        "department": {"code": ticket.queue.code, "name": ticket.queue.name},
        "clerk": {"code": rating.staff.code, "name": rating.staff.name},
        "window": rating.window.code,
        "rated_at": clock.local(center, rating.at).isoformat(),
        "level": rating.level,
        "level_name": LEVEL_NAMES.get(rating.level, ""),
        "reasons": _reasons(rating),
        "comment": rating.comment,
    }


def push_rating(rating: Rating) -> OutboxMessage:
    """Place the rating in the outbox, in the caller's transaction (call it where the rating is created)."""
    with transaction.atomic():  # a savepoint inside the rating's transaction; the row commits with the rating
        return push.queue(rating.ticket.center, document(rating), now=rating.at)
