"""Writes of the assessment (ASM-2): praise recorded by the office, and closing a month."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.core import clock
from servicehall.errors import Problem, RuleViolation
from servicehall.org.models import Center, Staff
from servicehall.org.permissions import Target, authorize

from . import scores
from .models import MonthClosing, Praise, PraiseKind


@transaction.atomic
def record_praise(actor: ActorLike, center: Center, staff: Staff, kind: str, day: dt.date, note: str = "",
                  now: dt.datetime | None = None) -> Praise:
    """表扬信, 锦旗 or 表彰 for a person (ASM-2): adds the table's points in its month, capped a month."""
    actor = Actor.of(actor)
    authorize(actor, "assessment.praise", Target(center, person=staff))
    problems = []
    if kind not in PraiseKind.values:
        problems.append(Problem.of("kind", "praise is one of %(kinds)s (ASM-2)", kinds=", ".join(PraiseKind.values)))
    if staff.center_id != center.pk:
        problems.append(Problem("staff", "the person is not on this center's staff"))
    if not isinstance(day, dt.date) or day > clock.today(center, now or timezone.now()):
        problems.append(Problem("date", "praise is dated on or before today"))
    elif scores.is_closed(center, day.replace(day=1)):
        problems.append(Problem.of("date", "%(month)s is closed: date the praise in an open month (ASM-2)",
                                   month=f"{day:%Y-%m}"))
    if len(note) > 300:
        problems.append(Problem("note", "a note of at most 300 characters"))
    if problems:
        raise RuleViolation(problems)
    praise = Praise.objects.create(center=center, staff=staff, kind=kind, date=day, note=note.strip())
    record(actor, "assessment.praise", praise, None, {"staff": staff.code, "kind": kind, "date": day.isoformat(),
                                                      "note": praise.note})
    return praise


@transaction.atomic
def close_month(actor: ActorLike, center: Center, first: dt.date, now: dt.datetime | None = None) -> MonthClosing:
    """The office closes a month (ASM-2): what each person's month shows is frozen; a later correction of its
    records appears as an adjustment in the next open month. Months close in order, and only when over."""
    actor = Actor.of(actor)
    authorize(actor, "assessment.close", Target(center))
    now = now or timezone.now()
    first = first.replace(day=1)
    Center.objects.select_for_update().filter(pk=center.pk).first()  # one closing at a time per center
    problems = []
    if MonthClosing.objects.filter(center=center, month=first).exists():
        problems.append(Problem.of("month", "%(month)s is already closed", month=f"{first:%Y-%m}"))
    elif first > clock.today(center, now).replace(day=1) or first == clock.today(center, now).replace(day=1):
        problems.append(Problem.of("month", "%(month)s is not over yet", month=f"{first:%Y-%m}"))
    else:
        earlier = MonthClosing.objects.filter(center=center, month__lt=first).order_by("-month").first()
        if MonthClosing.objects.filter(center=center, month__gt=first).exists():
            problems.append(Problem.of("month", "a month after %(month)s is already closed (months close in order)",
                                       month=f"{first:%Y-%m}"))
        elif earlier is not None and earlier.month != scores.prev_month(first):
            problems.append(Problem.of("month", "months close in order: close %(month)s first",
                                       month=f"{scores.next_month(earlier.month):%Y-%m}"))
    if problems:
        raise RuleViolation(problems)
    snap = scores.snapshot(center, first)
    table, grades = scores.tables(center)
    closing = MonthClosing.objects.create(center=center, month=first, closed_at=now, actor=actor.user,
                                          snapshot=snap, points=table, grades=grades)
    record(actor, "assessment.close", closing, None, {"month": f"{first:%Y-%m}", "people": len(snap)})
    return closing
