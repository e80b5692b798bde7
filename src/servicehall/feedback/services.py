"""The one door for complaint writes (CMP-1..6): intake, handling, answers, accountability; all audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record, system_actor
from servicehall.core import clock
from servicehall.errors import Problem, RuleViolation, check_phone, length_problems
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import Role
from servicehall.org.models import Center, Department, Staff, Window
from servicehall.org.people import why_not
from servicehall.org.permissions import Target, allowed, authorize
from servicehall.rules.ladders import Counted, Sanction, yearly_escalations

from .attachments import check_uploads
from .models import (
    Accountability,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintStatus,
    ComplaintStep,
    Ground,
    Inquiry,
    Outcome,
)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _step(actor: Actor, c: Complaint, kind: str, text: str = "", now: dt.datetime | None = None) -> None:
    ComplaintStep.objects.create(complaint=c, kind=kind, at=now or timezone.now(), actor_label=actor.label,
                                 text=text)
    record(actor, f"complaint.{kind}", c, None, {"status": c.status, "text": text[:200]})


@transaction.atomic
def file_complaint(actor: Actor, center: Center, *, channel: str, ground: str, matter: str, name: str = "",
                   phone: str = "", anonymous: bool = False, target_text: str = "", attachments: Iterable[Any] = (),
                   now: dt.datetime | None = None) -> Complaint:
    """A complaint from the public form or entered by the office (CMP-1, CMP-2): it gets a tracking code.
    Attachments (photos, PDFs) are checked by content before anything is written."""
    if not getattr(actor, "system", False):  # entered by staff (phone, letter, box …): the office's desk
        authorize(actor, "complaint.handle", Target(center))
    problems = []
    if channel not in Channel.values:
        problems.append(Problem.of("channel", "channel is one of %(channel)s (CMP-1)", channel=', '.join(Channel.values)))
    if ground not in Ground.values:
        problems.append(Problem.of("ground", "ground is one of %(ground)s (CMP-2)", ground=', '.join(Ground.values)))
    if not matter.strip():
        problems.append(Problem("matter", "a complaint states its matter (CMP-3)"))
    if len(matter) > 5000:
        problems.append(Problem("matter", "at most 5,000 characters"))
    phone = check_phone(phone, problems, required=False)
    problems += length_problems(Complaint, {"target_text": target_text.strip(), "name": "" if anonymous else name.strip()})
    files = check_uploads(attachments, problems)
    if problems:
        raise RuleViolation(problems)
    code = "TS" + "".join(secrets.choice(ALPHABET) for _ in range(8))
    c = Complaint.objects.create(center=center, code=code, channel=channel, ground=ground, matter=matter.strip(),
                                 target_text=target_text.strip(), name="" if anonymous else name.strip(),
                                 phone="" if anonymous else phone, anonymous=anonymous, received_at=now or timezone.now())
    for i, f in enumerate(files, 1):
        a = ComplaintAttachment(complaint=c, name=f.name, content_type=f.content_type, size=len(f.data),
                                sha256=f.sha256)
        a.file.save(f"{code}-{i}{f.extension}", ContentFile(f.data), save=True)
    _step(actor, c, "received", f"附件 {len(files)} 个" if files else "", now=now)
    return c


def _lock(c: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=c.pk)


def _require(c: Complaint, allowed: tuple[str, ...], what: str) -> None:
    if c.status not in allowed:
        raise RuleViolation(Problem.of("status", "%(what)s is not possible while the complaint is %(status_label)s", what=what, status_label=ComplaintStatus(c.status).label))


@transaction.atomic
def intake(actor: ActorLike, c: Complaint, decision: str, *, reason: str = "", department: Department | None = None,
           window: Window | None = None, staff: Staff | None = None, now: dt.datetime | None = None) -> Complaint:
    """CMP-3: registered (with its target); withdrawn after a window's explanation (not registered, fed back to
    that window); invalid (no target or matter, or plainly insufficient grounds) with the reason."""
    actor = Actor.of(actor)
    c = _lock(c)
    authorize(actor, "complaint.handle", Target(c.center))
    _require(c, (ComplaintStatus.RECEIVED,), "Intake")
    if decision == "register":
        if not (department or window or staff):
            raise RuleViolation(Problem("target", "a registered complaint names the department, window or person "
                                                  "it is about (CMP-3)"))
        if staff is not None:  # the target person as the list offers them (issue 17 item 1), named if not
            problem = why_not(actor, c.center, "staff", staff, action="complaint.handle", former=True)
            if problem is not None:
                raise RuleViolation(problem)
        c.department = department or (window.department if window else staff.department if staff else None)
        c.window, c.staff, c.status = window, staff, ComplaintStatus.REGISTERED
    elif decision in ("withdrawn", "invalid"):
        problems = []
        if not reason.strip():
            problems.append(Problem("reason", "say why (CMP-3): the explanation given, or why it is invalid"))
        if decision == "withdrawn" and not (window or department):
            problems.append(Problem("window", "a complaint withdrawn after an explanation is fed back to the window "
                                              "that explained (CMP-3): name it"))
        if problems:
            raise RuleViolation(problems)
        c.department = department or (window.department if window else None)
        c.window = window
        c.status = ComplaintStatus.WITHDRAWN if decision == "withdrawn" else ComplaintStatus.INVALID
        c.answer = reason.strip()
    else:
        raise RuleViolation(Problem("decision", "register, withdrawn or invalid (CMP-3)"))
    c.save()
    _step(actor, c, f"intake_{decision}", reason, now)
    if decision == "withdrawn" and c.department is not None:
        # CMP-3: not registered, but fed back to the window it was about.
        _tell_department(c, f"投诉反馈：{c.window.name if c.window else c.department.name}的投诉经解释后撤回"
                            f"（{c.code}）：{reason.strip()[:120]}", "withdrawn")
    return c


def _tell_department(c: Complaint, text: str, what: str) -> None:
    """Tell the department's leaders and window heads, once the transaction has committed."""
    from servicehall.core.notify import send

    from .alerts import department_heads

    center, dept = c.center, c.department_id
    send(center, department_heads(center, dept), f"complaint-{what}:{c.code}", text)  # sent after commit


@transaction.atomic
def supervise(actor: ActorLike, c: Complaint, department: Department, days: int, instruction: str,
              now: dt.datetime | None = None) -> Complaint:
    """督办 (CMP-4): the office orders the department to handle it within ``days`` working days."""
    actor = Actor.of(actor)
    c = _lock(c)
    authorize(actor, "complaint.handle", Target(c.center))
    if department is None or department.center_id != c.center_id:
        raise RuleViolation(Problem("department", "name the department of this center that answers (CMP-4)"))
    _require(c, (ComplaintStatus.REGISTERED,), "A supervision order")
    if not isinstance(days, int) or not 1 <= days <= 60 or not instruction.strip():
        raise RuleViolation(Problem("days", "a supervision order has a deadline of 1 to 60 working days and "
                                            "an instruction (CMP-4)"))
    c.department, c.status = department, ComplaintStatus.SUPERVISED
    c.due = get_calendar(c.center).add_workdays(clock.today(c.center, now), days)
    c.save()
    _step(actor, c, "supervise", instruction.strip(), now)
    _tell_department(c, f"投诉督办：{c.code}，请于 {c.due:%Y-%m-%d} 前书面答复处理结果和整改情况："
                        f"{instruction.strip()[:100]}", "order")
    return c


@transaction.atomic
def department_reply(actor: ActorLike, c: Complaint, result: str, rectification: str, upheld: bool,
                     now: dt.datetime | None = None) -> Complaint:
    """The department's written result and rectification (CMP-4)."""
    actor = Actor.of(actor)
    c = _lock(c)
    authorize(actor, "complaint.reply", Target(c.center, department=c.department))
    _require(c, (ComplaintStatus.SUPERVISED,), "A department reply")
    if not result.strip() or (upheld and not rectification.strip()):
        raise RuleViolation(Problem("result", "a written result, and the rectification when it is upheld (CMP-4)"))
    c.status, c.upheld = ComplaintStatus.REPLIED, upheld
    c.save()
    _step(actor, c, "department_reply", f"{result.strip()}\n{rectification.strip()}", now)
    return c


@transaction.atomic
def answer(actor: ActorLike, c: Complaint, text: str, *, upheld: bool | None = None, on_the_spot: bool = False,
           now: dt.datetime | None = None) -> Complaint:
    """Every complaint ends with an answer (件件有回音, CMP-4); on-the-spot coordination closes it directly."""
    actor = Actor.of(actor)
    c = _lock(c)
    authorize(actor, "complaint.handle", Target(c.center))
    allowed = (ComplaintStatus.REGISTERED,) if on_the_spot else (ComplaintStatus.REPLIED,)
    _require(c, allowed, "Answering" if not on_the_spot else "Closing on the spot")
    if not text.strip():
        raise RuleViolation(Problem("answer", "a complaint is not closed without its answer (CMP-4)"))
    c.answer, c.status = text.strip(), ComplaintStatus.ANSWERED
    if upheld is not None:
        c.upheld = upheld
    c.save()
    _step(actor, c, "answer", text.strip(), now)
    if c.phone and not c.anonymous:
        # 件件有回音: a complainant who left a phone is told the answer is ready (the text itself stays online).
        from servicehall.core import sms

        sms.send_template(c.center, c.phone, "complaint-answered", code=c.code)  # recorded now, sent by the worker
    return c


@transaction.atomic
def hold_accountable(actor: ActorLike, center: Center, staff: Staff, outcome: str, day: dt.date, *,
                     complaint: Complaint | None = None, inquiry: Inquiry | None = None, note: str = "") -> Accountability:
    """Record an outcome against a person (CMP-5, CMP-6, FIR-5), from a complaint, a first inquiry, or neither."""
    actor = Actor.of(actor)
    authorize(actor, "accountability.record", Target(center))
    problems = []
    if outcome not in Outcome.values:
        problems.append(Problem.of("outcome", "outcome is one of %(outcome)s (CMP-5)", outcome=', '.join(Outcome.values)))
    elif outcome == Outcome.EFFICIENCY_ACCOUNTABILITY:
        problems.append(Problem("outcome", "administrative efficiency accountability is derived from two "
                                           "violations in a year (CMP-5), not entered"))
    # the center's people (also who has left: what they did while here, CMP-5), named (issue 17 item 1)
    wrong = why_not(actor, center, "staff", staff, action="accountability.record", former=True)
    if wrong is not None:
        problems.append(wrong)
    if complaint is not None and inquiry is not None:
        problems.append(Problem("source", "one violation: a complaint or a first inquiry, not both"))
    if complaint is not None and complaint.center_id != center.pk or inquiry is not None and inquiry.center_id != center.pk:
        problems.append(Problem("source", "the complaint or inquiry is not this center's"))
    problems += length_problems(Accountability, {"note": note.strip()})
    if problems:
        raise RuleViolation(problems)
    rec = Accountability.objects.create(center=center, staff=staff, complaint=complaint, inquiry=inquiry, date=day,
                                        outcome=outcome, note=note.strip())
    record(actor, "accountability.create", rec, None, {"staff": staff.code, "outcome": outcome,
                                                       "complaint": complaint.code if complaint else None,
                                                       "inquiry": inquiry.pk if inquiry else None})
    return rec


@dataclass(frozen=True)
class Escalation:
    """CMP-5: a person's second or later violation in a year → 行政效能责任追究 for them and 通报批评 for the
    head of their window (the window heads of their department)."""

    sanction: Sanction
    staff: Staff
    heads: tuple[Staff, ...]


def escalations(center: Center, year: int) -> list[Escalation]:
    """People with two or more violations within the year (calendar or rolling, per the ladder setting),
    counted once per complaint or inquiry however many outcomes it carried; derived by ``rules.ladders``."""
    rows = Accountability.objects.filter(center=center, date__year__in=[year - 1, year]).exclude(
        outcome=Outcome.EFFICIENCY_ACCOUNTABILITY).select_related("staff").order_by("date", "id")
    first: dict[tuple[int, str], Accountability] = {}
    for r in rows:
        first.setdefault((r.staff_id, r.violation_key), r)
    people = {r.staff.code: r.staff for r in first.values()}
    counted = [Counted(r.staff.code, r.date, r.violation_key, r.pk) for r in first.values()]
    sanctions = [s for s in yearly_escalations(counted, center.policy.ladder_window) if s.date.year == year]
    heads: dict[int, tuple[Staff, ...]] = {}
    out = []
    for s in sanctions:
        person = people[s.staff]
        if person.department_id not in heads:
            heads[person.department_id] = tuple(Staff.objects.filter(
                center=center, department_id=person.department_id, roles__role=Role.WINDOW_HEAD, active=True
            ).exclude(pk=person.pk).distinct())
        out.append(Escalation(s, person, heads[person.department_id]))
    return out


def overdue(center: Center, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    return Complaint.objects.filter(center=center, status=ComplaintStatus.SUPERVISED, due__lt=clock.today(center, now))


@transaction.atomic
def escalate_overdue(center: Center, now: dt.datetime | None = None) -> list[Complaint]:
    """Overdue supervision orders escalate (CMP-4): once per order, a step is appended and the order is marked,
    so the department's leaders and the office are told exactly once."""
    now = now or timezone.now()
    out = []
    for c in overdue(center, now).filter(escalated_at__isnull=True).select_for_update(of=("self",)):
        c.escalated_at = now
        c.save(update_fields=["escalated_at"])
        _step(system_actor("complaint-escalation"), c, "escalated", f"督办逾期（应于 {c.due:%Y-%m-%d} 前答复）", now)
        out.append(c)
    return out


def may_reply(user: ActorLike, c: Complaint) -> bool:
    """The office, or a leader or window head of the department the order went to (CMP-4, SEC-5)."""
    return allowed(user, "complaint.reply", Target(c.center, department=c.department))
