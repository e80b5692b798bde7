"""首问负责制 (RULES.md FIR-1..4): register a first inquiry fast, hand it on with a slip, follow it to the end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, record
from servicehall.errors import Problem, RuleViolation, check_phone
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import ROLE_RANK
from servicehall.org.models import Center, Staff, Window

from .models import Channel, Inquiry, InquiryStatus

TRANSFER_WORKDAYS = 2


def most_senior(people: list[Staff]) -> Staff:
    """FIR-1: when several were asked together, the most senior by role rank answers (ties: the first named)."""
    def rank(s: Staff) -> int:
        return max((ROLE_RANK.get(r, 0) for r in s.roles.values_list("role", flat=True)), default=0)

    return max(people, key=lambda s: (rank(s), -people.index(s)))


def _staff(actor: Actor, center: Center) -> Staff:
    staff = actor.staff or getattr(actor.user, "staff", None)
    if staff is None or staff.center_id != center.pk:
        raise RuleViolation(Problem("staff", "first inquiries are registered by staff of this center (FIR-1)"))
    return staff


@transaction.atomic
def register(actor, center: Center, *, channel: str, asker: str, matter: str, phone: str = "",
             materials: list[dict] | None = None, also_asked: list[Staff] | None = None,
             transfer_to: Staff | None = None, to_window: Window | None = None,
             now: dt.datetime | None = None) -> Inquiry:
    """Register a first inquiry (FIR-1..3): handled by its first-responsible person, or transferred to a named
    person or window — then it stays on the first-responsible person's list until the receiver closes it."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    me = _staff(actor, center)
    problems = []
    if channel not in Channel.values:
        problems.append(Problem("channel", f"channel is one of {', '.join(Channel.values)} (FIR-1)"))
    if not asker.strip():
        problems.append(Problem("asker", "who asked: a name or an organisation (FIR-3)"))
    if not matter.strip():
        problems.append(Problem("matter", "the matter asked about (FIR-3)"))
    phone = check_phone(phone, problems, required=False)
    mats = []
    for i, m in enumerate(materials or []):
        if not (m.get("name") or "").strip() or not isinstance(m.get("count", 1), int) or m.get("count", 1) < 1:
            problems.append(Problem(f"materials[{i}]", "a material has a name and a count of 1 or more (FIR-3)"))
        else:
            mats.append({"name": m["name"].strip(), "count": m.get("count", 1)})
    responsible = most_senior([me, *(also_asked or [])])
    if transfer_to is not None and transfer_to.pk == responsible.pk:
        problems.append(Problem("transfer_to", "a matter is not transferred to oneself (FIR-2)"))
    if problems:
        raise RuleViolation(problems)
    transferred = transfer_to is not None or to_window is not None
    local_day = now.astimezone(ZoneInfo(center.timezone)).date()
    due = get_calendar(center).add_workdays(local_day, TRANSFER_WORKDAYS) if transferred else None
    inq = Inquiry.objects.create(
        center=center, at=now, channel=channel, asker=asker.strip()[:100], phone=phone, matter=matter.strip(),
        materials=mats, recorded_by=me, responsible=responsible,
        status=InquiryStatus.TRANSFERRED if transferred else InquiryStatus.HANDLED, to_staff=transfer_to,
        to_window=to_window, due=due, closed_at=None if transferred else now)
    record(actor, "inquiry.register", inq, None, {"responsible": responsible.code, "transferred": transferred})
    return inq


@transaction.atomic
def close(actor, inq: Inquiry, outcome: str, now: dt.datetime | None = None) -> Inquiry:
    """The receiver closes a transferred matter with its outcome (FIR-4)."""
    actor = Actor.of(actor)
    inq = Inquiry.objects.select_for_update().get(pk=inq.pk)
    if inq.status != InquiryStatus.TRANSFERRED:
        raise RuleViolation(Problem("status", "only a transferred matter is closed by its receiver"))
    if not outcome.strip():
        raise RuleViolation(Problem("outcome", "a matter is closed with its outcome (FIR-4)"))
    inq.status, inq.outcome, inq.closed_at = InquiryStatus.CLOSED, outcome.strip()[:300], now or timezone.now()
    inq.save()
    record(actor, "inquiry.close", inq, None, {"outcome": inq.outcome})
    return inq


@transaction.atomic
def send_back(actor, inq: Inquiry, reason: str, now: dt.datetime | None = None) -> Inquiry:
    """The receiver may not push a matter back without a reason (FIR-4); with one, it returns to the first."""
    actor = Actor.of(actor)
    inq = Inquiry.objects.select_for_update().get(pk=inq.pk)
    if inq.status != InquiryStatus.TRANSFERRED:
        raise RuleViolation(Problem("status", "only a transferred matter can be sent back"))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "a transferred matter is not returned without a reason (FIR-4)"))
    inq.status, inq.outcome, inq.to_staff, inq.to_window, inq.due = (InquiryStatus.HANDLED,
                                                                     f"退回：{reason.strip()}"[:300], None, None, None)
    inq.save()
    record(actor, "inquiry.send_back", inq, None, {"reason": reason.strip()})
    return inq


def overdue_transfers(center: Center, today: dt.date):
    """Transfers not closed by their due date (FIR-4): the first-responsible person, the receiver and the office
    are told."""
    return Inquiry.objects.filter(center=center, status=InquiryStatus.TRANSFERRED, due__lt=today)
