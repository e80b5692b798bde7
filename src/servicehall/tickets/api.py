"""Device endpoints for kiosks, callers and rating pads (Q-1, Q-4, EVAL-1): bearer device tokens, idempotent by the
device's request id — the same request twice returns the first ticket or rating."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Annotated

from ninja import Field, Router, Schema

from servicehall.apischema import DEVICE, ItemCode, NotFound, RequestId, RowId, answers, bounded
from servicehall.duty.api import DeviceToken, noting_errors
from servicehall.duty.services import device_actor, device_seen
from servicehall.errors import Problem, RuleViolation
from servicehall.org.models import Window

from . import hot
from . import services as q
from .models import Rating, Ticket

router = Router(tags=["devices"], auth=DeviceToken())


class TicketIn(Schema):
    request_id: RequestId
    item: ItemCode
    id_number: Annotated[str, bounded(18)] = ""
    priority: Annotated[str, bounded(20)] = ""


class TicketOut(Schema):
    id: int
    ticket: str
    item: str
    priority: str
    status: str
    ahead: int
    issued_at: dt.datetime


class RatingIn(Schema):
    request_id: RequestId
    ticket_id: RowId
    level: int = Field(..., ge=1, le=5, description="5 very satisfied … 1 very dissatisfied (EVAL-1)")
    comment: Annotated[str, bounded(300)] = ""
    # EVAL-4: the reasons ticked from the level's checklist (their ids) and the four offline indicators.
    reasons: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        default_factory=list, max_length=30, description="ids of the reasons ticked for the level (EVAL-4)")
    overall: int | None = Field(None, ge=1, le=5, description="整体满意度 (EVAL-4)")
    efficiency: int | None = Field(None, ge=1, le=5, description="服务效率 (EVAL-4)")
    competence: int | None = Field(None, ge=1, le=5, description="服务水平 (EVAL-4)")
    attitude: int | None = Field(None, ge=1, le=5, description="服务态度 (EVAL-4)")


class RatingOut(Schema):
    ticket: str
    level: int
    duplicate: bool


class CallIn(Schema):
    window: Annotated[str, bounded(20, 1)]
    staff: Annotated[str, bounded(20, 1)]


def _ticket_out(t: Ticket) -> dict:
    ahead = getattr(t, "ahead", None)  # issue_ticket counts it with its own reads
    return {"id": t.pk, "ticket": t.display, "item": t.item.code, "priority": t.priority, "status": t.status,
            "ahead": q.waiting_ahead(t) if ahead is None else ahead, "issued_at": t.issued_at}


SEEN_EVERY_S = 60.0
_seen: dict[int, float] = {}


class KioskToken(DeviceToken):
    """The device token as :class:`DeviceToken` checks it, with the device kept per process (issue 14):
    ``issue_ticket`` confirms in its first statement that the device is still active with this token (SEC-5).
    The devices page's "last seen" is written at most once a minute per device and process."""

    def authenticate(self, request, token):
        device = hot.device_by_token(token)
        if device is not None:
            request.device = device
            now = time.monotonic()
            if now - _seen.get(device.pk, -SEEN_EVERY_S) >= SEEN_EVERY_S:
                _seen[device.pk] = now
                device_seen(device)
        return device


@router.post("/devices/tickets", response=answers(TicketOut, *DEVICE), auth=KioskToken())
@noting_errors
def take_ticket(request, payload: TicketIn):
    """A kiosk issues a ticket; the green channel is given from the ID number (60+) or the guide desk's flag."""
    device = request.device
    if not payload.request_id or len(payload.request_id) > 60:
        raise RuleViolation(Problem("request_id", "a device request id of 1 to 60 characters is required"))
    ticket = q.issue_ticket(hot.device_actor(device), device.center, payload.item, id_number=payload.id_number,
                            priority=payload.priority, device_request_id=f"{device.code}-{payload.request_id}")
    return _ticket_out(ticket)


@router.post("/devices/ratings", response=answers(RatingOut, *DEVICE))
@noting_errors
def rate(request, payload: RatingIn):
    """A rating pad rates a finished service once (EVAL-1); a repeated request returns the first rating."""
    device = request.device
    ticket = Ticket.objects.filter(pk=payload.ticket_id, center=device.center).first()
    if ticket is None:
        raise NotFound("ticket_id", "unknown ticket")
    marker = f"{device.code}-{payload.request_id}"
    duplicate = Rating.objects.filter(device_request_id=marker).exists()
    rating = q.rate(device_actor(device), ticket, payload.level, payload.comment, device_request_id=marker,
                    reasons=payload.reasons, indicators={k: getattr(payload, k) for k in q.INDICATOR_FIELDS})
    return {"ticket": ticket.display, "level": rating.level, "duplicate": duplicate}


@router.post("/devices/call", response=answers(TicketOut, *DEVICE))
@noting_errors
def call(request, payload: CallIn):
    """A hardware caller at a window calls the next ticket for the clerk signed in there."""
    device = request.device
    window = Window.objects.filter(center=device.center, code=payload.window).first()
    staff = device.center.staff.filter(code=payload.staff, active=True).first()
    if window is None or staff is None:
        raise RuleViolation(Problem("window" if window is None else "staff", "unknown window or staff"))
    actor = device_actor(device)
    actor = dataclasses.replace(actor, staff=staff)  # still the device: it acts only for its window (SEC-5)
    return _ticket_out(q.call_next(actor, window))
