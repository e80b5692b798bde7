"""The one door for case writes (CASE-2..7, CASE-11, CASE-13): every step validated against the case's
state, appended with its audit record, and the clock re-derived."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.catalog.models import ServiceItem
from servicehall.catalog.services import guide_in_force
from servicehall.core import clock, counters
from servicehall.errors import Problem, RuleViolation, check_phone
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import Role
from servicehall.org.models import Center, Department, Staff
from servicehall.org.people import why_not
from servicehall.org.permissions import Forbidden, Target, allowed, authorize, person_of
from servicehall.rules.deadlines import CaseClock, card, default_return_by, due_date, return_by_fault
from servicehall.rules.identity import IdNumberError, validate_id_number
from servicehall.rules.workdays import CalendarYearMissing

from .models import (
    OPEN_STATUSES,
    Case,
    CaseMaterial,
    CaseStatus,
    CaseStep,
    CaseViolation,
    StepKind,
)

FORMS = ("original", "copy", "both", "electronic")
# Set while a joint case is received (CASE-8): its window receives for every department of the joint case,
# authorised once as "case.receive_joint".
JOINT_RECEIVING: ContextVar[bool] = ContextVar("joint_receiving", default=False)


def _staff_of(actor: Actor, center: Center) -> Staff:
    staff: Staff | None = actor.staff or getattr(actor.user, "staff", None)
    if staff is None or staff.center_id != center.pk:
        raise RuleViolation(Problem("clerk", "cases are handled by staff of this center (SEC-1)"))
    return staff


def handling_departments(case: Case) -> list[Department]:
    """The departments answering for a case: the item's, and the one it was last transferred to (CASE-8)."""
    depts = [case.department]
    last = case.steps.filter(kind=StepKind.TRANSFER, to_department__isnull=False).select_related(
        "to_department").order_by("-at", "-pk").first()
    if last is not None and last.to_department is not None and last.to_department_id != case.department_id:
        depts.append(last.to_department)
    return depts


def authorize_receiving(actor: ActorLike, center: Center, item: ServiceItem) -> None:
    """SEC-5: a case is received by its department's people, or at a window whose post serves the item by that
    post's A or B (a comprehensive window receiving for several departments)."""
    from django.db.models import Q

    from servicehall.org.models import Post

    if allowed(actor, "case.receive", Target(center, department=item.department)):
        return
    person = person_of(actor)
    if person is not None:
        for post in Post.objects.filter(center=center, items=item).filter(Q(a=person) | Q(b=person)).select_related(
                "window"):
            if allowed(actor, "case.receive", Target(center, department=item.department, window=post.window)):
                return
    raise Forbidden("case.receive")


def authorize_case(actor: ActorLike, action: str, case: Case) -> None:
    """SEC-5: the handling department's people (per the permission table) act on a case; nobody else."""
    for dept in handling_departments(case):
        if allowed(actor, action, Target(case.center, department=dept)):
            return
    raise Forbidden(action)


def _step(actor: Actor, case: Case, kind: str, at: dt.datetime, staff: Staff | None, data: dict[str, Any] | None = None,
          to_department: Department | None = None) -> CaseStep:
    step = CaseStep.objects.create(case=case, kind=kind, at=at, on=clock.local(case.center, at).date(), staff=staff,
                                   to_department=to_department, data=data or {})
    # SEC-7: the state the step moved the case from, and what it appended.
    before = {"status": case.status, "due_date": case.due_date.isoformat() if case.due_date else None}
    record(actor, f"case.{kind}", case, before, {"step": kind, **{k: v for k, v in (data or {}).items()
                                                                   if k not in ("phone", "id_number")}})
    return step


# -- the clock -----------------------------------------------------------------------
def clock_of(case: Case, steps: list[CaseStep] | None = None, today: dt.date | None = None) -> CaseClock | None:
    """The case's clock from its steps (CASE-5, CASE-6, CASE-13); None until accepted."""
    steps = steps if steps is not None else list(case.steps.all())
    start = None
    paused: list[tuple[dt.date, dt.date]] = []
    extended = 0
    open_pause = None
    for s in steps:
        if s.kind in (StepKind.ACCEPT, StepKind.FINISH):
            start = start or s.on
        elif s.kind == StepKind.CORRECTION:
            start = s.on  # the limit counts afresh from the correction date
        elif s.kind == StepKind.PAUSE:
            open_pause = s.on
        elif s.kind == StepKind.RESUME and open_pause:
            paused.append((open_pause, s.on))
            open_pause = None
        elif s.kind == StepKind.EXTENSION_DECISION and s.data.get("approved"):
            extended += int(s.data.get("days", 0))
    if start is None:
        return None
    if open_pause:
        paused.append((open_pause, max(open_pause, today or open_pause)))
    return CaseClock(start, case.days, None, tuple(paused), extended)


# The status a case has after a step of each kind (a decision's depends on its data).
_STATUS_AFTER: dict[str, str] = {
    StepKind.RECEIVE: CaseStatus.AWAITING, StepKind.NOTICE: CaseStatus.AWAITING,
    StepKind.ACCEPT: CaseStatus.ACCEPTED, StepKind.CORRECTION: CaseStatus.ACCEPTED,
    StepKind.FINISH: CaseStatus.FINISHED, StepKind.REFUSAL: CaseStatus.REFUSED,
    StepKind.PAUSE: CaseStatus.PAUSED, StepKind.RESUME: CaseStatus.ACCEPTED,
    StepKind.DELIVERY: CaseStatus.DELIVERED,
}


def rederive(case: Case, now: dt.datetime | None = None) -> Case:
    """Status, due date and card from the steps (idempotent)."""
    steps = list(case.steps.order_by("at", "id"))
    today = clock.today(case.center, now)
    status = case.status
    for s in steps:
        status = _STATUS_AFTER.get(s.kind, status)
        if s.kind == StepKind.DECISION:
            status = CaseStatus.APPROVED if s.data.get("approved") else CaseStatus.DENIED
    case_clock = clock_of(case, steps, today)
    cal = get_calendar(case.center)
    try:
        due = due_date(cal, case_clock) if case_clock else None
        colour = card(cal, case_clock, today, case.center.policy.yellow_at) if case_clock and status in OPEN_STATUSES else ""
    except CalendarYearMissing as exc:
        raise RuleViolation(Problem.of("due_date", "%(exc)s", exc=exc)) from None
    accepted = next((s.on for s in steps if s.kind in (StepKind.ACCEPT, StepKind.FINISH, StepKind.CORRECTION)),
                    None)
    notices = [s for s in steps if s.kind == StepKind.NOTICE]
    case.status, case.due_date, case.card, case.accepted_on = status, due, colour, accepted
    case.notice_late = any(s.data.get("late") for s in notices)
    case.notice_breach = any(s.data.get("breach") for s in notices)
    Case.objects.filter(pk=case.pk).update(status=status, due_date=due, card=colour, accepted_on=accepted,
                                           notice_late=case.notice_late, notice_breach=case.notice_breach)
    derive_violation(case, steps, today)
    return case


def _closed_on(steps: list[CaseStep]) -> dt.date | None:
    """The day the case left the open statuses for good (decided, refused, finished), if it has."""
    status: str = CaseStatus.AWAITING
    closed = None
    for s in steps:
        status = _STATUS_AFTER.get(s.kind, status)
        if s.kind == StepKind.DECISION:
            status = CaseStatus.APPROVED if s.data.get("approved") else CaseStatus.DENIED
        if status in OPEN_STATUSES:
            closed = None
        elif closed is None:
            closed = s.on
    return closed


def derive_violation(case: Case, steps: list[CaseStep], today: dt.date) -> CaseViolation | None:
    """CASE-11: a case still open after its due date (or closed after it) is a violation of the clerk and
    department handling it on the day it turned red; when the steps put it on time again (an extension, a
    correction, a pause) the violation is withdrawn. Idempotent, like the vacancies."""
    existing = CaseViolation.objects.filter(case=case).first()
    end = _closed_on(steps) or today
    if case.due_date is None or end <= case.due_date:
        if existing is not None and existing.active:
            existing.active, existing.withdrawn_on = False, today
            existing.save(update_fields=["active", "withdrawn_on"])
        return existing
    red_on = case.due_date + dt.timedelta(days=1)
    staff_id, dept_id = case.clerk_id, case.department_id
    for s in steps:  # who was handling it when it turned red (transfers up to the due date)
        if s.kind != StepKind.TRANSFER or s.on >= red_on:
            continue
        if s.to_department_id is not None:
            dept_id = s.to_department_id
        code = s.data.get("to_staff")
        if code:
            to = Staff.objects.filter(center=case.center_id, code=code).values_list("pk", flat=True).first()
            staff_id = to or staff_id
    values = {"center_id": case.center_id, "staff_id": staff_id, "department_id": dept_id,
              "due_date": case.due_date, "red_on": red_on, "active": True, "withdrawn_on": None}
    if existing is None:
        return CaseViolation.objects.create(case=case, **values)
    if any(getattr(existing, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(existing, k, v)
        existing.save()
    return existing


# -- intake --------------------------------------------------------------------------
@dataclass
class Applicant:
    kind: str
    name: str
    phone: str
    id_number: str = ""
    org_code: str = ""
    address: str = ""


def _applicant_problems(a: Applicant) -> tuple[Applicant, list[Problem]]:
    problems = []
    if a.kind not in ("person", "organisation"):
        problems.append(Problem("applicant.kind", "an applicant is a person or an organisation"))
    if not a.name.strip():
        problems.append(Problem("applicant.name", "the applicant's name is required (CASE-2)"))
    a.phone = check_phone(a.phone, problems, "applicant.phone")
    if a.kind == "person" or a.id_number:
        try:
            a.id_number = validate_id_number(a.id_number)
        except IdNumberError as exc:
            problems.append(Problem.of("applicant.id_number", "%(exc)s (SEC-3)", exc=exc))
    if a.kind == "organisation" and not (a.org_code and len(a.org_code.strip()) == 18):
        problems.append(Problem("applicant.org_code", "an organisation gives its 18-character unified social "
                                                      "credit code"))
    return a, problems


def check_materials(item: ServiceItem, received: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Problem], list[str]]:
    """Received materials against the item's list (CASE-2): unknown names refused; missing required named."""
    listed = {m.name: m for m in item.materials.all()}
    problems, clean = [], []
    for i, m in enumerate(received):
        name = (m.get("name") or "").strip()
        if name not in listed:
            problems.append(Problem.of(f"materials[{i}].name", "%(name)s is not on the list of %(item_code)s (CASE-2)", name=f"{name!r}", item_code=item.code))
            continue
        count = m.get("count", 1)
        if not isinstance(count, int) or count < 1:
            problems.append(Problem(f"materials[{i}].count", "count is a whole number of 1 or more"))
            continue
        form = m.get("form") or listed[name].form
        if form not in FORMS:
            problems.append(Problem.of(f"materials[{i}].form", "form is one of %(forms)s", forms=', '.join(FORMS)))
            continue
        clean.append({"name": name, "count": count, "form": form})
    have = {m["name"] for m in clean}
    missing = [name for name, m in listed.items() if m.required and name not in have]
    return clean, problems, missing


@transaction.atomic
def receive_case(actor: ActorLike, center: Center, item_code: str, applicant: Applicant, materials: list[dict[str, Any]], *,
                 action: str = "accept", defects: dict[str, str] | None = None, client_request_id: str | None = None,
                 ticket: Any = None, now: dt.datetime | None = None,
                 return_by: dt.date | str | None = None) -> Case:
    """The window receives an application (CASE-2, CASE-3).

    ``action="accept"``: complete materials are accepted at once (a receipt is
    printed), an on-the-spot item is finished on the spot; missing required
    materials are refused with their names — issue the one-time notice instead.
    ``action="notice"``: the one-time notice lists every missing required
    material and every defect, and the case waits for the applicant.
    ``ticket``: the queue ticket being served, so the ticket links to the
    notice (Q-5); it must be this center's and with this clerk.
    ``return_by``: the notice's return date (CASE-3, :func:`notice_return_by`).
    """
    actor = Actor.of(actor)
    if client_request_id:
        existing = Case.objects.filter(center=center, client_request_id=client_request_id).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    problems: list[Problem] = []
    item = ServiceItem.objects.filter(center=center, code=item_code, active=True).select_related(
        "department").first()
    if item is None:
        raise RuleViolation(Problem.of("item", "unknown service item %(item_code)s", item_code=f"{item_code!r}"))
    if not JOINT_RECEIVING.get():
        authorize_receiving(actor, center, item)
    clerk = _staff_of(actor, center)
    applicant, found = _applicant_problems(applicant)
    problems += found
    clean, found, missing = check_materials(item, materials)
    problems += found
    defects = {k: v for k, v in (defects or {}).items() if v and v.strip()}
    for name in defects:
        if name not in {m.name for m in item.materials.all()}:
            problems.append(Problem.of("defects", "%(name)s is not on the list of %(item_code)s (CASE-3)", name=f"{name!r}", item_code=item.code))
    if action not in ("accept", "notice"):
        problems.append(Problem("action", "action is accept or notice"))
    elif action == "accept" and (missing or defects):
        problems.append(Problem.of("materials", "materials are incomplete or not in legal form: %(missing)s; issue the one-time notice (CASE-3)", missing=', '.join(missing + list(defects))))
    elif action == "notice" and not (missing or defects):
        problems.append(Problem("materials", "the materials are complete: accept the case (CASE-2)"))
    if ticket is not None and (ticket.center_id != center.pk or ticket.staff_id != clerk.pk
                               or ticket.day != clock.local(center, now).date()):
        problems.append(Problem("ticket", "the ticket is one this clerk called today (Q-5)"))
    if action == "notice":
        try:
            return_by = notice_return_by(center, return_by, now)
        except RuleViolation as exc:
            problems += exc.problems
    if problems:
        raise RuleViolation(problems)
    today = clock.local(center, now).date()
    seq = counters.next_number(center, "case", today)
    case = Case.objects.create(
        center=center, number=f"{center.code}{today:%Y%m%d}{seq:04d}", item=item, department=item.department,
        applicant_kind=applicant.kind, applicant_name=applicant.name.strip(), id_number=applicant.id_number,
        org_code=applicant.org_code, phone=applicant.phone, address=applicant.address, clerk=clerk, handler=clerk,
        received_at=now, received_on=today, days=0 if item.instant else item.promised_days,
        client_request_id=client_request_id or None, status=CaseStatus.AWAITING, ticket=ticket,
        guide_version=guide_in_force(item, today))  # CASE-1: the case keeps the guide it was received under
    CaseMaterial.objects.bulk_create(CaseMaterial(case=case, received_at=now, **m) for m in clean)
    _step(actor, case, StepKind.RECEIVE, now, clerk, {"materials": clean})
    if action == "notice":
        _notice(actor, case, now, clerk, missing, defects, confirm_breach=False, return_by=return_by)
    elif item.instant:
        _step(actor, case, StepKind.FINISH, now, clerk)
    else:
        _step(actor, case, StepKind.ACCEPT, now, clerk)
    return rederive(case, now)


def notice_return_by(center: Center, return_by: dt.date | str | None = None,
                     now: dt.datetime | None = None) -> dt.date:
    """The day a one-time notice asks the applicant back by (CASE-3): ``return_by`` (a date or ISO text from a
    form) when it is a working day of the center after today, else refused naming the field; unset, the
    default (rules.deadlines.RETURN_WORKDAYS working days on, by the center's calendar, CASE-5)."""
    cal = get_calendar(center)
    today = clock.today(center, now)
    try:
        if return_by is None or return_by == "":
            return default_return_by(cal, today)
        day = return_by if isinstance(return_by, dt.date) else dt.date.fromisoformat(str(return_by).strip())
        fault = return_by_fault(cal, today, day)
    except ValueError:
        raise RuleViolation(Problem.of("return_by", "%(value)s is not a date (YYYY-MM-DD) (CASE-3)",
                                       value=f"{return_by!r}")) from None
    except CalendarYearMissing as exc:
        raise RuleViolation(Problem.of("return_by", "no working-day calendar for year %(value_year)s (CASE-5)",
                                       value_year=exc.year)) from None
    if fault == "past":
        raise RuleViolation(Problem.of("return_by", "the return date %(day)s must be after today, %(today)s (CASE-3)",
                                       day=day.isoformat(), today=today.isoformat()))
    if fault:
        raise RuleViolation(Problem.of("return_by", "the return date %(day)s is not a working day of the center (CASE-5)",
                                       day=day.isoformat()))
    return day


def _notice(actor: Actor, case: Case, now: dt.datetime, clerk: Staff, missing: list[str], defects: dict[str, str],
            confirm_breach: bool, return_by: dt.date | str | None = None) -> CaseStep:
    asked = {name: "未提交" for name in missing}
    asked.update(defects)
    earlier = [s for s in case.steps.filter(kind=StepKind.NOTICE)]
    named_before = {n for s in earlier for n in s.data.get("items", {})}
    new = sorted(set(asked) - named_before) if earlier else []
    if new and not confirm_breach:
        raise RuleViolation(Problem.of("items", "the first notice did not ask for %(new)s: a second notice asking for more breaks the one-time rule (CASE-3); confirm to issue it anyway", new=', '.join(new)))
    day = notice_return_by(case.center, return_by, now)
    cal = get_calendar(case.center)
    today = clock.local(case.center, now).date()
    late = cal.workdays_between(case.received_on, today) > case.center.policy.notice_max_days
    return _step(actor, case, StepKind.NOTICE, now, clerk,
                 {"items": asked, "breach": bool(new), "new": new, "late": late,
                  "first": earlier[0].pk if earlier else None, "return_by": day.isoformat()})


def _require(case: Case, allowed: tuple[str, ...], what: str) -> None:
    if case.status not in allowed:
        raise RuleViolation(Problem.of("status", "%(what)s is not possible while the case is %(status_label)s (step out of order)", what=what, status_label=CaseStatus(case.status).label))


@transaction.atomic
def issue_notice(actor: ActorLike, case: Case, items: dict[str, str], *, confirm_breach: bool = False,
                 now: dt.datetime | None = None, return_by: dt.date | str | None = None) -> CaseStep:
    """A one-time notice after acceptance (CASE-3), within ``notice_max_days`` working days, else late.
    ``return_by``: the day the applicant is asked back by (see :func:`notice_return_by`)."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.ACCEPTED, CaseStatus.AWAITING), "A one-time notice")
    listed = {m.name for m in case.item.materials.all()}
    items = {k.strip(): (v or "").strip() or "未提交" for k, v in items.items() if k.strip()}
    problems = [Problem.of("items", "%(k)s is not on the list of %(item_code)s (CASE-3)", k=f"{k!r}", item_code=case.item.code) for k in items
                if k not in listed]
    if not items:
        problems.append(Problem("items", "a notice names what must be supplied (CASE-3)"))
    if problems:
        raise RuleViolation(problems)
    step = _notice(actor, case, now, _staff_of(actor, case.center), [], items, confirm_breach, return_by)
    rederive(case, now)
    return step


@transaction.atomic
def correct(actor: ActorLike, case: Case, materials: list[dict[str, Any]], now: dt.datetime | None = None) -> Case:
    """The applicant brings the corrections (CASE-3, CASE-5): the limit counts afresh from today."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.AWAITING,), "Receiving corrections")
    clean, problems, _missing = check_materials(case.item, materials)
    if not clean and not problems:
        problems.append(Problem("materials", "name the materials received"))
    if problems:
        raise RuleViolation(problems)
    CaseMaterial.objects.bulk_create(CaseMaterial(case=case, received_at=now, **m) for m in clean)
    _step(actor, case, StepKind.CORRECTION, now, _staff_of(actor, case.center), {"materials": clean})
    return rederive(case, now)


@transaction.atomic
def refuse(actor: ActorLike, case: Case, reason: str, legal_basis: str, now: dt.datetime | None = None) -> Case:
    """不予受理 (CASE-4): in writing, with the reason, the legal basis and the remedy."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.AWAITING, CaseStatus.ACCEPTED), "A refusal")
    problems = []
    if not reason.strip():
        problems.append(Problem("reason", "a refusal states its reason (CASE-4)"))
    if not legal_basis.strip():
        problems.append(Problem("legal_basis", "a refusal states its legal basis (CASE-4)"))
    if problems:
        raise RuleViolation(problems)
    _step(actor, case, StepKind.REFUSAL, now, _staff_of(actor, case.center),
          {"reason": reason.strip(), "legal_basis": legal_basis.strip(), "remedy": case.center.policy.remedy_text})
    return rederive(case, now)


@transaction.atomic
def transfer(actor: ActorLike, case: Case, *, to_staff: Staff | None = None, to_department: Department | None = None,
             note: str = "", urgent: bool = False, now: dt.datetime | None = None) -> Case:
    """To back-office approval (后台审批) or another department (CASE-8 joint handling)."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.ACCEPTED, CaseStatus.PAUSED), "A transfer")
    if to_staff is None and to_department is None:
        raise RuleViolation(Problem("to", "a transfer names a person or a department"))
    if to_staff is not None and to_staff.pk == case.handler_id:
        raise RuleViolation(Problem("to", "the case is already with this person"))
    if to_staff is not None:  # the center's active people, the person named (issue 17 item 1)
        # of the departments answering for the case — an approver elsewhere could neither handle nor decide it
        # (CASE-8, SEC-5)
        answering = handling_departments(case) + ([to_department] if to_department is not None else [])
        wrong = why_not(actor, case.center, "to_staff", to_staff, departments=answering, roles=[Role.APPROVER])
        if wrong is not None:
            raise RuleViolation(wrong)
    _step(actor, case, StepKind.TRANSFER, now, _staff_of(actor, case.center),
          {"to_staff": to_staff.code if to_staff else None, "to_name": to_staff.name if to_staff else None,
           "note": note, "urgent": urgent},
          to_department=to_department)
    case.handler = to_staff or case.handler  # the returned case says who has it now
    Case.objects.filter(pk=case.pk).update(handler=case.handler)
    return rederive(case, now)


@transaction.atomic
def pause(actor: ActorLike, case: Case, procedure: str, now: dt.datetime | None = None) -> Case:
    """A statutory special procedure starts (CASE-13): its working days are not counted."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.ACCEPTED,), "Pausing the clock")
    if not procedure.strip():
        raise RuleViolation(Problem("procedure", "name the statutory procedure (hearing, expert review, testing, "
                                                 "public notice — CASE-13)"))
    _step(actor, case, StepKind.PAUSE, now, _staff_of(actor, case.center), {"procedure": procedure.strip()})
    return rederive(case, now)


@transaction.atomic
def resume(actor: ActorLike, case: Case, now: dt.datetime | None = None) -> Case:
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.PAUSED,), "Resuming the clock")
    _step(actor, case, StepKind.RESUME, now, _staff_of(actor, case.center))
    return rederive(case, now)


@transaction.atomic
def request_extension(actor: ActorLike, case: Case, days: int, reason: str, now: dt.datetime | None = None) -> CaseStep:
    """延期 (CASE-6): registered with its reason before the due date."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.ACCEPTED, CaseStatus.PAUSED), "An extension")
    problems = []
    if not reason.strip():
        problems.append(Problem("reason", "an extension needs its special reason (CASE-6)"))
    if not isinstance(days, int) or days < 1:
        problems.append(Problem("days", "an extension adds 1 or more working days (CASE-6)"))
    if case.due_date and clock.today(case.center, now) > case.due_date:
        problems.append(Problem.of("due_date", "the case was due on %(date_isoformat)s: an extension is registered before the due date (CASE-6)", date_isoformat=case.due_date.isoformat()))
    if case.steps.filter(kind=StepKind.EXTENSION_REQUEST).exclude(
            pk__in=[s.data.get("request") for s in case.steps.filter(kind=StepKind.EXTENSION_DECISION)]).exists():
        problems.append(Problem("reason", "an extension request is already waiting for its decision"))
    if problems:
        raise RuleViolation(problems)
    # The due date it was registered against: the decision may come afterwards (CASE-6).
    step = _step(actor, case, StepKind.EXTENSION_REQUEST, now, _staff_of(actor, case.center),
                 {"days": days, "reason": reason.strip(),
                  "due_date": case.due_date.isoformat() if case.due_date else None})
    rederive(case, now)
    return step


@transaction.atomic
def decide_extension(actor: ActorLike, request: CaseStep, approved: bool, now: dt.datetime | None = None) -> Case:
    """The center management's leader approves or refuses an extension (CASE-6).

    What must be on time is the registration (on or before the due date, checked when it was registered);
    the decision may come afterwards — the next morning, when the case already shows red. An approval adds
    its working days after the current due date, and the applicant is told by SMS why and until when.
    """
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=request.case_id)
    authorize(actor, "case.extension.decide", Target(case.center, department=case.department))
    if request.kind != StepKind.EXTENSION_REQUEST:
        raise RuleViolation(Problem("request", "only an extension request is decided (CASE-6)"))
    if case.steps.filter(kind=StepKind.EXTENSION_DECISION, data__request=request.pk).exists():
        raise RuleViolation(Problem("request", "this extension has been decided"))
    _require(case, (CaseStatus.ACCEPTED, CaseStatus.PAUSED), "Deciding an extension")
    registered_against = request.data.get("due_date")
    if approved and registered_against and request.on > dt.date.fromisoformat(registered_against):
        raise RuleViolation(Problem.of(
            "request", "the extension was registered on %(on)s, after the due date %(due)s (CASE-6)",
            on=request.on.isoformat(), due=registered_against))
    days = int(request.data["days"])
    data: dict[str, Any] = {"request": request.pk, "approved": approved, "days": days,
                            "reason": request.data["reason"]}
    if approved:
        steps = list(case.steps.order_by("at", "id"))
        case_clock = clock_of(case, steps, clock.today(case.center, now))
        if case_clock is not None:
            try:
                new_due = due_date(get_calendar(case.center), replace(case_clock, extended=case_clock.extended + days))
            except CalendarYearMissing as exc:
                raise RuleViolation(Problem.of("due_date", "%(exc)s", exc=exc)) from None
            data["due_date"] = new_due.isoformat()
            data["notified"] = notify_applicant(case, "case-extension", reason=data["reason"], days=days,
                                                due=f"{new_due.year}年{new_due.month}月{new_due.day}日")
    _step(actor, case, StepKind.EXTENSION_DECISION, now, _staff_of(actor, case.center), data)
    return rederive(case, now)


@transaction.atomic
def decide(actor: ActorLike, case: Case, approved: bool, reason: str = "", now: dt.datetime | None = None) -> Case:
    """The result (CASE-7): approved, or denied with reasons."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.decide", case)
    _require(case, (CaseStatus.ACCEPTED,), "A decision")
    if not approved and not reason.strip():
        raise RuleViolation(Problem("reason", "a denial gives its reasons (CASE-4, CASE-7)"))
    from servicehall.tickets.services import case_rating_url

    # EVAL-4: the result SMS carries the link to rate the case (一事一评).
    notified = notify_applicant(case, "case-result", department=case.department.name, link=case_rating_url(case))
    _step(actor, case, StepKind.DECISION, now, _staff_of(actor, case.center),
          {"approved": approved, "reason": reason.strip(), "notified": notified, "on_time": not case.due_date
           or clock.today(case.center, now) <= case.due_date})
    return rederive(case, now)


def notify_applicant(case: Case, key: str, **values: Any) -> bool:
    """Tell the applicant (CASE-7) the center's SMS ``key`` (issue 16: templates the office edits), with the
    case's item and number and ``values``; True when a message was recorded to send."""
    from servicehall.core import sms

    return sms.send_template(case.center, case.phone, key, item=case.item.name, number=case.number,
                             **values) is not None


@transaction.atomic
def deliver(actor: ActorLike, case: Case, method: str, tracking_number: str = "", now: dt.datetime | None = None) -> Case:
    """The applicant collects the result, or it is mailed with a tracking number (CASE-7)."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    authorize_case(actor, "case.handle", case)
    _require(case, (CaseStatus.APPROVED, CaseStatus.DENIED), "Delivering the result")
    if method not in ("collect", "mail"):
        raise RuleViolation(Problem("method", "the result is collected or mailed"))
    if method == "mail" and not tracking_number.strip():
        raise RuleViolation(Problem("tracking_number", "a mailed certificate has its tracking number (CASE-7)"))
    _step(actor, case, StepKind.DELIVERY, now, _staff_of(actor, case.center),
          {"method": method, "tracking_number": tracking_number.strip()})
    return rederive(case, now)


def refresh_cards(center: Center, now: dt.datetime | None = None) -> int:
    """Re-derive the cards of every open case (daily, CASE-11). Returns how many changed."""
    changed = 0
    for case in Case.objects.filter(center=center, status__in=OPEN_STATUSES).select_related("center__policy"):
        before = (case.card, case.due_date)
        rederive(case, now)
        changed += (case.card, case.due_date) != before
    return changed


def refresh_all_cards(now: dt.datetime | None = None) -> int:
    """The worker's daily tick (CASE-11): re-derive the cards of every center's open cases."""
    return sum(refresh_cards(center, now) for center in Center.objects.select_related("policy"))


def progress_for_public(number: str, phone_last4: str) -> Case | None:
    """The public lookup: the case number and the last four digits of the phone, nothing else (PUB-2)."""
    if not number or len(phone_last4 or "") != 4 or not phone_last4.isdigit():
        return None
    case = Case.objects.filter(number=number.strip().upper()).select_related("item", "department").first()
    if case is None or not case.phone.endswith(phone_last4):
        return None
    return case


def corrections_asked(case: Case) -> tuple[dict[str, str], dt.date | None]:
    """What a case waiting for corrections asks of its applicant (CASE-3): every material named by its one-time
    notices since the last corrections were received or the case accepted (the latest word on each) and the
    latest notice's return date; nothing while the case is not waiting."""
    if case.status != CaseStatus.AWAITING:
        return {}, None
    items: dict[str, str] = {}
    return_by = None
    for step in case.steps.filter(kind__in=[StepKind.NOTICE, StepKind.CORRECTION, StepKind.ACCEPT]).order_by(
            "at", "id"):
        if step.kind != StepKind.NOTICE:  # what was brought before is not asked again
            items, return_by = {}, None
            continue
        items.update(step.data.get("items", {}))
        if step.data.get("return_by"):
            return_by = dt.date.fromisoformat(step.data["return_by"])
    return items, return_by
