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


def _kind(rating: Any) -> str:
    return "case" if getattr(rating, "rated_case_id", None) else "service"


def _center(rating: Any) -> Any:
    return rating.rated_case.center if _kind(rating) == "case" else rating.ticket.center


def doc_id(rating: Any, kind: str | None = None) -> str:
    """The document's identity: stable for a rating, the same on every resend (the receiver drops duplicates)."""
    return f"rating-{kind or _kind(rating)}-{_center(rating).code}-{rating.pk}"


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
    """The rating as the province receives it; what the hall does not know is left empty.

    ``kind`` "service" is the window service of a ticket (一次一评, no case number); "case" is a finished
    case rated from its receipt's link (一事一评, no ticket unless the case came with one).
    """
    kind = _kind(rating)
    center = _center(rating)
    case = rating.rated_case if kind == "case" else None
    ticket = rating.ticket if kind == "service" else (case.ticket if case is not None else None)
    item = case.item if case is not None else ticket.item if ticket is not None else None
    department = case.department if case is not None else ticket.queue if ticket is not None else None
    return {
        "format": FORMAT,
        "id": doc_id(rating, kind),
        "kind": kind,
        "center": {"code": center.code, "name": center.name},
        "case_number": case.number if case is not None else "",
        "ticket": ticket.display if ticket is not None else "",
        "item": {"code": item.code, "name": item.name} if item is not None else {"code": "", "name": ""},
        "department": ({"code": department.code, "name": department.name} if department is not None
                       else {"code": "", "name": ""}),
        "clerk": {"code": rating.staff.code, "name": rating.staff.name},
        "window": rating.window.code if rating.window is not None else "",
        "rated_at": clock.local(center, rating.at).isoformat(),
        "level": rating.level,
        "level_name": LEVEL_NAMES.get(rating.level, ""),
        "reasons": _reasons(rating),
        "indicators": {name: getattr(rating, name, None) for name in ("overall", "efficiency", "competence",
                                                                       "attitude")},
        "comment": rating.comment,
    }


def push_rating(rating: Rating) -> OutboxMessage:
    """Place the rating in the outbox, in the caller's transaction (call it where the rating is created)."""
    with transaction.atomic():  # a savepoint inside the rating's transaction; the row commits with the rating
        return push.queue(_center(rating), document(rating), now=rating.at)
