"""首问负责制 (RULES.md FIR-1..4): register a first inquiry fast, hand it on with a slip, follow it to the end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from servicehall.audit.services import Actor, record
from servicehall.errors import Problem, RuleViolation, check_phone, length_problems
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import ROLE_RANK
from servicehall.org.models import Center, Staff, Window
from servicehall.org.people import why_not
from servicehall.org.permissions import Target, authorize

from .models import Inquiry, InquiryChannel, InquiryStatus


def most_senior(people: list[Staff]) -> Staff:
    """FIR-1: when several were asked together, the most senior by role rank answers (ties: the first named)."""
    def rank(s: Staff) -> int:
        return max((ROLE_RANK.get(r, 0) for r in s.roles.values_list("role", flat=True)), default=0)

    return max(people, key=lambda s: (rank(s), -people.index(s)))


def _staff(actor: Actor, center: Center) -> Staff:
    staff = _staff_of(actor)
    if staff is None or staff.center_id != center.pk:
        raise RuleViolation(Problem("staff", "first inquiries are registered by staff of this center (FIR-1)"))
    return staff


@transaction.atomic
def register(actor, center: Center, *, channel: str, asker: str, matter: str, phone: str = "",
             materials: list[dict] | None = None, also_asked: list[Staff] | None = None,
             transfer_to: Staff | None = None, to_window: Window | None = None, item=None,
             missing: list[str] | None = None, now: dt.datetime | None = None) -> Inquiry:
    """Register a first inquiry (FIR-1..3): handled by its first-responsible person — with a one-time notice
    of the materials still needed (FIR-2) — or transferred to a named person or window; a transfer stays on the
    first-responsible person's list until the receiver closes it (FIR-4)."""
    actor = Actor.of(actor)
    authorize(actor, "inquiry.register", Target(center))
    now = now or timezone.now()
    me = _staff(actor, center)
    problems = []
    if channel not in InquiryChannel.values:
        problems.append(Problem.of("channel", "channel is one of %(channel)s (FIR-1)",
                                   channel=', '.join(InquiryChannel.values)))
    problems += length_problems(Inquiry, {"asker": asker.strip()})  # refused with the limit, never cut
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
    together = [s for s in (also_asked or []) if s.pk != me.pk]
    if any(s.center_id != center.pk for s in together):
        problems.append(Problem("also_asked", "people asked together are staff of this center (FIR-1)"))
    responsible = most_senior([me, *together])
    if transfer_to is not None and transfer_to.pk in (responsible.pk, me.pk):
        problems.append(Problem("transfer_to", "a matter is not transferred to oneself (FIR-2)"))
    if transfer_to is not None:  # the center's active people, the person named (FIR-2, issue 17 item 1)
        wrong = why_not(actor, center, "transfer_to", transfer_to)
        if wrong is not None:
            problems.append(wrong)
    if to_window is not None and to_window.center_id != center.pk:
        problems.append(Problem("to_window", "the window is not in this center"))
    if item is not None and item.center_id != center.pk:
        problems.append(Problem("item", "the service item is not this center's"))
    needed = [m.strip()[:100] for m in (missing or []) if m.strip()]
    if needed and (transfer_to is not None or to_window is not None):
        problems.append(Problem("missing", "the one-time notice comes from whoever handles the matter; a "
                                           "transferred matter is noticed by its receiver (FIR-2)"))
    if problems:
        raise RuleViolation(problems)
    transferred = transfer_to is not None or to_window is not None
    local_day = now.astimezone(ZoneInfo(center.timezone)).date()
    due = (get_calendar(center).add_workdays(local_day, center.policy.inquiry_transfer_days)
           if transferred else None)
    inq = Inquiry.objects.create(
        center=center, at=now, channel=channel, asker=asker.strip(), phone=phone, matter=matter.strip(),
        materials=mats, recorded_by=me, responsible=responsible, item=item, missing=needed,
        status=InquiryStatus.TRANSFERRED if transferred else InquiryStatus.HANDLED, to_staff=transfer_to,
        to_window=to_window, due=due, closed_at=None if transferred else now)
    if together:
        inq.asked_together.set(together)
    record(actor, "inquiry.register", inq, None, {"responsible": responsible.code, "transferred": transferred,
                                                  "asked_together": [s.code for s in together],
                                                  "item": item.code if item else None, "missing": needed})
    return inq


def _staff_of(actor: Actor):
    return actor.staff or getattr(actor.user, "staff", None)


def receives(me: Staff | None, inq: Inquiry) -> bool:
    """Who answers for a transfer: the named person; for a transfer to a window only, its department's staff."""
    if me is None:
        return False
    if inq.to_staff_id:
        return me.pk == inq.to_staff_id
    return inq.to_window is not None and me.department_id == inq.to_window.department_id


def inbox(center: Center, me: Staff | None):
    """Transfers waiting on this person (FIR-4): passed to them by name, or to a window of their department."""
    if me is None:
        return Inquiry.objects.none()
    return (Inquiry.objects.filter(center=center, status=InquiryStatus.TRANSFERRED)
            .filter(Q(to_staff=me) | Q(to_staff__isnull=True, to_window__department_id=me.department_id))
            .select_related("responsible", "to_window"))


@transaction.atomic
def close(actor, inq: Inquiry, outcome: str, now: dt.datetime | None = None) -> Inquiry:
    """Close a matter with its outcome (FIR-4): the receiver closes a transfer; a matter sent back is closed by
    its first-responsible person."""
    actor = Actor.of(actor)
    inq = Inquiry.objects.select_for_update().get(pk=inq.pk)
    authorize(actor, "inquiry.settle", Target(inq.center))
    me = _staff_of(actor)
    if inq.status == InquiryStatus.TRANSFERRED:
        if not receives(me, inq):
            raise RuleViolation(Problem("status", "a transferred matter is closed by the person it was passed to, "
                                                  "or by the staff of the window it was passed to"))
    elif inq.status == InquiryStatus.RETURNED:
        if me is None or me.pk != inq.responsible_id:
            raise RuleViolation(Problem("status", "a matter sent back is closed by its first-responsible person"))
    else:
        raise RuleViolation(Problem("status", "this matter is already settled"))
    if not outcome.strip():
        raise RuleViolation(Problem("outcome", "a matter is closed with its outcome (FIR-4)"))
    inq.status, inq.outcome, inq.closed_at = InquiryStatus.CLOSED, outcome.strip()[:300], now or timezone.now()
    inq.save()
    record(actor, "inquiry.close", inq, None, {"outcome": inq.outcome})
    return inq


@transaction.atomic
def send_back(actor, inq: Inquiry, reason: str, now: dt.datetime | None = None) -> Inquiry:
    """The receiver may not push a matter back without a reason (FIR-4); with one, it returns to the
    first-responsible person, who passes it on again or closes it."""
    actor = Actor.of(actor)
    inq = Inquiry.objects.select_for_update().get(pk=inq.pk)
    authorize(actor, "inquiry.settle", Target(inq.center))
    if inq.status != InquiryStatus.TRANSFERRED:
        raise RuleViolation(Problem("status", "only a transferred matter can be sent back"))
    if not receives(_staff_of(actor), inq):
        raise RuleViolation(Problem("status", "a matter is sent back by whoever it was passed to (FIR-4)"))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "a transferred matter is not returned without a reason (FIR-4)"))
    inq.status, inq.sent_back_reason = InquiryStatus.RETURNED, reason.strip()[:300]
    inq.save()
    record(actor, "inquiry.send_back", inq, None, {"reason": inq.sent_back_reason})
    return inq


@transaction.atomic
def pass_on(actor, inq: Inquiry, transfer_to: Staff | None = None, to_window: Window | None = None,
            now: dt.datetime | None = None) -> Inquiry:
    """The first-responsible person passes a matter that was sent back to somebody else (FIR-2, FIR-4); a new
    due date is counted from today."""
    actor = Actor.of(actor)
    inq = Inquiry.objects.select_for_update(of=("self",)).select_related("center__policy").get(pk=inq.pk)
    authorize(actor, "inquiry.settle", Target(inq.center))
    me = _staff_of(actor)
    problems = []
    if inq.status != InquiryStatus.RETURNED or me is None or me.pk != inq.responsible_id:
        problems.append(Problem("status", "the first-responsible person passes on a matter that was sent back"))
    if transfer_to is None and to_window is None:
        problems.append(Problem("transfer_to", "name the person or window it goes to (FIR-2)"))
    if transfer_to is not None and transfer_to.pk == inq.responsible_id:
        problems.append(Problem("transfer_to", "an active member of this center's staff other than oneself (FIR-2)"))
    elif transfer_to is not None:  # the center's active people, the person named (issue 17 item 1)
        wrong = why_not(actor, inq.center, "transfer_to", transfer_to)
        if wrong is not None:
            problems.append(wrong)
    if problems:
        raise RuleViolation(problems)
    now = now or timezone.now()
    center = inq.center
    local_day = now.astimezone(ZoneInfo(center.timezone)).date()
    inq.status, inq.to_staff, inq.to_window = InquiryStatus.TRANSFERRED, transfer_to, to_window
    inq.due = get_calendar(center).add_workdays(local_day, center.policy.inquiry_transfer_days)
    inq.overdue_alerted_at = None
    inq.save()
    record(actor, "inquiry.pass_on", inq, None, {"to": transfer_to.code if transfer_to else None,
                                                 "window": to_window.code if to_window else None})
    return inq


def overdue_transfers(center: Center, today: dt.date):
    """Transfers not closed by their due date (FIR-4): the first-responsible person, the receiver and the office
    are told."""
    return Inquiry.objects.filter(center=center, status=InquiryStatus.TRANSFERRED, due__lt=today)


@transaction.atomic
def link_case(actor, inq: Inquiry, case) -> Inquiry:
    """An inquiry that becomes an application carries on as a case (FIR-3): the case number is kept on it."""
    actor = Actor.of(actor)
    inq = Inquiry.objects.select_for_update().get(pk=inq.pk)
    authorize(actor, "inquiry.settle", Target(inq.center))
    if case.center_id != inq.center_id:
        raise RuleViolation(Problem("case", "the case is not this center's"))
    if inq.case_id and inq.case_id != case.pk:
        raise RuleViolation(Problem("case", "this inquiry already carries on as another case"))
    inq.case = case
    inq.save(update_fields=["case"])
    record(actor, "inquiry.link_case", inq, None, {"case": case.number})
    return inq
