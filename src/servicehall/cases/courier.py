"""取送件 — the courier log between windows and departments (CASE-10).

Each department names a courier and fixed daily pickup times; every hand-over
of case files is logged (who, when, which cases). A file transferred to a
department waits for the next scheduled pickup (an urgent one is carried at
once, within ``URGENT_MINUTES``); files waiting past that are listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, record, snapshot
from servicehall.errors import Problem, RuleViolation, length_problems
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Department, Staff
from servicehall.org.people import why_not
from servicehall.org.permissions import Forbidden, Target, allowed, authorize

from .models import OPEN_STATUSES, Case, CaseStep, CourierSchedule, FileHandover, StepKind

URGENT_MINUTES = 30


def _times(pickups) -> list[dt.time]:
    out = []
    for i, t in enumerate(pickups):
        try:
            out.append(dt.time.fromisoformat(t))
        except (TypeError, ValueError):
            raise RuleViolation(Problem.of(f"pickups[{i}]", "%(t)s is not a time (HH:MM)", t=f"{t!r}")) from None
    return sorted(out)


@transaction.atomic
def set_schedule(actor, department: Department, courier: Staff, pickups: list[str]) -> CourierSchedule:
    """The department's courier and pickup times (CASE-10)."""
    actor = Actor.of(actor)
    authorize(actor, "courier.schedule", Target(department.center, department=department))
    times = _times(pickups)
    if not times:
        raise RuleViolation(Problem("pickups", "at least one fixed pickup time a day (CASE-10)"))
    wrong = why_not(actor, department.center, "courier", courier)  # active, this center, named (issue 17)
    if wrong is not None:
        raise RuleViolation(wrong)
    sched, _ = CourierSchedule.objects.update_or_create(
        department=department, defaults={"center": department.center, "courier": courier,
                                         "pickups": [t.strftime("%H:%M") for t in times]})
    record(actor, "courier.schedule", sched, None, snapshot(sched))
    return sched


@transaction.atomic
def log_handover(actor, center: Center, cases: list[Case], from_staff: Staff, to_staff: Staff, urgent: bool = False,
                 note: str = "", now: dt.datetime | None = None) -> FileHandover:
    """Log one hand-over of files (CASE-10): who handed, who received, when, which cases."""
    actor = Actor.of(actor)
    if not any(allowed(actor, "courier.handover", Target(center, department=s.department))
               for s in (from_staff, to_staff)):
        raise Forbidden("courier.handover")
    problems = []
    if not cases:
        problems.append(Problem("cases", "name the case files handed over"))
    if from_staff.pk == to_staff.pk:
        problems.append(Problem("to_staff", "a hand-over is between two people"))
    for field, person in (("from_staff", from_staff), ("to_staff", to_staff)):
        wrong = why_not(actor, center, field, person)  # active people of this center, named (issue 17)
        if wrong is not None:
            problems.append(wrong)
    for c in cases:
        if c.center_id != center.pk:
            problems.append(Problem.of("cases", "%(c_number)s is not a case of this center", c_number=c.number))
    problems += length_problems(FileHandover, {"note": note})
    if problems:
        raise RuleViolation(problems)
    h = FileHandover.objects.create(center=center, at=now or timezone.now(), from_staff=from_staff,
                                    to_staff=to_staff, urgent=urgent, note=note)
    h.cases.set(cases)
    record(actor, "courier.handover", h, None, {"cases": [c.number for c in cases], "from": from_staff.code,
                                                "to": to_staff.code, "urgent": urgent})
    return h


@dataclass
class Waiting:
    case: Case
    step: CaseStep
    due: dt.datetime
    overdue: bool
    urgent: bool


def next_pickup(center: Center, after: dt.datetime, pickups: list[str]) -> dt.datetime:
    """The first scheduled pickup after ``after`` on a working day."""
    tz = ZoneInfo(center.timezone)
    cal = get_calendar(center)
    local = after.astimezone(tz)
    day = local.date()
    for _ in range(40):
        if cal.is_workday(day):
            for t in _times(pickups):
                slot = dt.datetime.combine(day, t, tzinfo=tz)
                if slot >= local:
                    return slot
        day += dt.timedelta(days=1)
    raise RuleViolation(Problem("pickups", "no pickup within forty days"))


def waiting_files(center: Center, now: dt.datetime | None = None) -> list[Waiting]:
    """Files transferred to a department and not yet carried (CASE-10); overdue first."""
    now = now or timezone.now()
    schedules: dict[int | None, CourierSchedule] = {s.department_id: s for s in CourierSchedule.objects.filter(center=center)}
    out = []
    steps = (CaseStep.objects.filter(case__center=center, case__status__in=OPEN_STATUSES, kind=StepKind.TRANSFER,
                                     to_department__isnull=False)
             .select_related("case", "case__item", "to_department").order_by("case_id", "-at"))
    seen = set()
    for step in steps:
        if step.case_id in seen:
            continue  # only the latest transfer of a case matters
        seen.add(step.case_id)
        if FileHandover.objects.filter(cases=step.case, at__gte=step.at).exists():
            continue
        urgent = bool(step.data.get("urgent"))
        sched = schedules.get(step.to_department_id)
        if urgent or sched is None:
            due = step.at + dt.timedelta(minutes=URGENT_MINUTES if urgent else 24 * 60)
        else:
            due = next_pickup(center, step.at, sched.pickups)
        out.append(Waiting(step.case, step, due, now > due, urgent))
    out.sort(key=lambda w: (not w.overdue, w.due))
    return out
