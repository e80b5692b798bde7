"""全程代办 (CASE-8), 帮办代办 (CASE-9) and 联办件 (CASE-8: one window receives, several departments handle)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, record, snapshot
from servicehall.catalog.models import ServiceItem
from servicehall.core import clock, counters
from servicehall.errors import Problem, RuleViolation, check_phone, length_problems
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff
from servicehall.org.people import why_not
from servicehall.org.permissions import Target, authorize
from servicehall.rules.identity import IdNumberError, age_on, validate_id_number

from . import services
from .models import AssistGroup, AssistRequest, AssistVisit, Case, CaseStatus, ProxyPackage, StepKind

FOLLOW_UP_WORKDAYS = 5


AGENT_ROLES = (Role.ASSIST, Role.OFFICE)  # who carries out 帮办代办 (CASE-8, CASE-9)


def _not_an_agent(actor, center: Center, field: str, person: Staff) -> list[Problem]:
    """An agent or assignee is an active person of this center holding the assist or office role — as the pages'
    lists offer them (CASE-8, CASE-9, issue 17 item 1), the person named."""
    wrong = why_not(actor, center, field, person)
    if wrong is None and not person.roles.filter(role__in=AGENT_ROLES).exists():
        wrong = Problem.of(field, "%(agent_name)s is not an assisted-service agent (帮办代办, CASE-8)",
                           agent_name=person.name)
    return [wrong] if wrong is not None else []


# -- 全程代办 -----------------------------------------------------------------------
@transaction.atomic
def create_package(actor, center: Center, agent: Staff, applicant_name: str, phone: str, cases: list[Case],
                   note: str = "", now: dt.datetime | None = None) -> ProxyPackage:
    actor = Actor.of(actor)
    authorize(actor, "assist.handle", Target(center))
    now = now or timezone.now()
    problems = []
    problems += _not_an_agent(actor, center, "agent", agent)
    phone = check_phone(phone, problems)
    if not cases:
        problems.append(Problem("cases", "a package holds the cases it handles"))
    if any(c.center_id != center.pk for c in cases):
        problems.append(Problem("cases", "cases of another center"))
    if problems:
        raise RuleViolation(problems)
    today = clock.today(center, now)
    seq = counters.next_number(center, "proxy", today)
    pkg = ProxyPackage.objects.create(center=center, number=f"DB{center.code}{today:%Y%m%d}{seq:03d}", agent=agent,
                                      applicant_name=applicant_name.strip(), phone=phone, created_at=now, note=note)
    pkg.cases.set(cases)
    record(actor, "proxy.create", pkg, None, {"cases": [c.number for c in cases], "agent": agent.code})
    return pkg


@dataclass
class PackageSums:
    promised: int
    actual: int
    finished: bool

    @property
    def over(self) -> bool:
        return self.actual > self.promised


def package_sums(pkg: ProxyPackage, today: dt.date | None = None) -> PackageSums:
    """CASE-8: summed actual working days (acceptance to result, or to today) against summed promised days."""
    cal = get_calendar(pkg.center)
    today = today or clock.today(pkg.center)
    promised = actual = 0
    finished = True
    for case in pkg.cases.prefetch_related("steps"):
        promised += case.days
        steps = list(case.steps.all())
        start = next((s.on for s in steps if s.kind in (StepKind.ACCEPT, StepKind.FINISH, StepKind.CORRECTION)), None)
        end = next((s.on for s in steps if s.kind in (StepKind.DECISION, StepKind.FINISH, StepKind.REFUSAL)), None)
        if end is None:
            finished = False
            end = today
        if start is not None:
            actual += max(0, cal.workdays_between(start, end))
    return PackageSums(promised, actual, finished)


# -- 帮办代办 -----------------------------------------------------------------------
@transaction.atomic
def register_assist(actor, center: Center, *, applicant_name: str, phone: str, group: str, place: str,
                    assignee: Staff, id_number: str = "", item: ServiceItem | None = None,
                    now: dt.datetime | None = None) -> AssistRequest:
    """Register a free assisted-service request with place and item (CASE-9); eligibility is checked."""
    actor = Actor.of(actor)
    authorize(actor, "assist.handle", Target(center))
    now = now or timezone.now()
    problems = []
    if group not in AssistGroup.values:
        problems.append(Problem.of("group", "group is one of %(assistgroup)s (CASE-9)", assistgroup=', '.join(AssistGroup.values)))
    if not applicant_name.strip():
        problems.append(Problem("applicant_name", "the applicant's name is required"))
    if not place.strip():
        problems.append(Problem("place", "where to help: an address or a place (CASE-9)"))
    problems += _not_an_agent(actor, center, "assignee", assignee)
    phone = check_phone(phone, problems)
    today = clock.today(center, now)
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except IdNumberError as exc:
            problems.append(Problem.of("id_number", "%(exc)s (SEC-3)", exc=exc))
    if group == AssistGroup.ELDERLY:
        if not id_number:
            problems.append(Problem("id_number", "the elderly group is checked from the ID number (60 or over)"))
        elif not any(p.field == "id_number" for p in problems) and age_on(id_number, today) < 60:
            problems.append(Problem.of("group", "%(number_today)s years old: the elderly group is 60 or over (CASE-9)", number_today=age_on(id_number, today)))
    if problems:
        raise RuleViolation(problems)
    req = AssistRequest.objects.create(
        center=center, applicant_name=applicant_name.strip(), phone=phone, id_number=id_number, group=group,
        place=place.strip(), item=item, assignee=assignee, requested_at=now,
        follow_up_by=get_calendar(center).add_workdays(today, FOLLOW_UP_WORKDAYS))
    record(actor, "assist.create", req, None, snapshot(req, ["applicant_name", "phone", "group", "place"]))
    return req


@transaction.atomic
def log_visit(actor, req: AssistRequest, staff: Staff, kind: str, note: str, now: dt.datetime | None = None,
              close: bool = False) -> AssistVisit:
    """A home visit, on-site help or mailing on a request; closing it records the outcome (CASE-9)."""
    actor = Actor.of(actor)
    authorize(actor, "assist.handle", Target(req.center))
    if req.closed_at:
        raise RuleViolation(Problem("request", "this request is closed"))
    if kind not in ("home_visit", "on_site", "mailing", "phone"):
        raise RuleViolation(Problem("kind", "kind is home_visit, on_site, mailing or phone"))
    if not note.strip():
        raise RuleViolation(Problem("note", "say what was done"))
    too_long = length_problems(AssistVisit, {"note": note.strip()}) + (
        length_problems(AssistRequest, {"outcome": note.strip()}) if close else [])
    if too_long:
        raise RuleViolation(too_long)
    now = now or timezone.now()
    visit = AssistVisit.objects.create(request=req, at=now, staff=staff, kind=kind, note=note.strip())
    if close:
        req.closed_at, req.outcome = now, note.strip()
        req.save(update_fields=["closed_at", "outcome"])
    record(actor, "assist.visit", req, None, {"kind": kind, "note": note.strip(), "closed": close})
    return visit


# -- 联办件 ---------------------------------------------------------------------------
@transaction.atomic
def receive_joint(actor, center: Center, item_codes: list[str], applicant: services.Applicant,
                  materials: dict[str, list[dict]], now: dt.datetime | None = None,
                  return_by: dt.date | str | None = None) -> list[Case]:
    """One window receives for several departments (CASE-8): one case per item under one joint number;
    with anything missing, one combined one-time notice lists every department's materials (CASE-3), with
    one return date (``return_by``, see services.notice_return_by)."""
    now = now or timezone.now()
    return_by = services.notice_return_by(center, return_by, now)  # refused once, naming the field
    codes = list(dict.fromkeys(item_codes))
    if len(codes) < 2:
        raise RuleViolation(Problem("items", "a joint case has two or more items"))
    items = {i.code: i for i in ServiceItem.objects.filter(center=center, code__in=codes).select_related("department")}
    unknown = [c for c in codes if c not in items]
    if unknown:
        raise RuleViolation(Problem.of("items", "unknown service items %(unknown)s", unknown=', '.join(unknown)))
    if len({items[c].department_id for c in codes}) < 2:
        raise RuleViolation(Problem("items", "a joint case spans two or more departments (CASE-8)"))
    authorize(actor, "case.receive_joint", Target(center))
    token = services.JOINT_RECEIVING.set(True)
    try:
        return _receive_joint(actor, center, codes, items, applicant, materials, now, return_by)
    finally:
        services.JOINT_RECEIVING.reset(token)


def _receive_joint(actor, center, codes, items, applicant, materials, now, return_by) -> list[Case]:
    today = clock.today(center, now)
    joint = f"LB{center.code}{today:%Y%m%d}{counters.next_number(center, 'joint', today):03d}"
    out = []
    problems: list[Problem] = []
    for code in codes:
        _clean, _found, missing = services.check_materials(items[code], materials.get(code, []))
        try:
            with transaction.atomic():
                case = services.receive_case(actor, center, code, services.Applicant(**vars(applicant)),
                                             materials.get(code, []), action="notice" if missing else "accept",
                                             now=now, return_by=return_by)
        except RuleViolation as exc:
            problems += [Problem(f"{code}.{p.field}", p.message) for p in exc.problems]
            continue
        Case.objects.filter(pk=case.pk).update(joint_number=joint)
        case.joint_number = joint
        out.append(case)
    if problems:
        raise RuleViolation(problems)
    return out


def joint_cases(number: str) -> list[Case]:
    return list(Case.objects.filter(joint_number=number).select_related("item", "department", "center")
                .prefetch_related("steps").order_by("number"))


def joint_missing(cases: list[Case]) -> list[tuple[Case, dict[str, str]]]:
    """Every department's requested materials, for the combined notice."""
    out = []
    for c in cases:
        if c.status == CaseStatus.AWAITING:
            notice = [s for s in c.steps.all() if s.kind == StepKind.NOTICE]
            if notice:
                out.append((c, notice[-1].data.get("items", {})))
    return out
