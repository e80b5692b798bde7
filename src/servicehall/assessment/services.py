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
from .models import MonthClosing, Praise, PraiseKind, Report, ReportKind


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


@transaction.atomic
def generate_report(actor: ActorLike, center: Center, kind: str, period: dt.date, now: dt.datetime | None = None,
                    replace: bool = True) -> Report:
    """Prepare (or, by the office, regenerate) the Monday report of the week starting ``period`` (ATT-3) or
    the monthly bulletin of ``period``'s month (ASM-5): the figures as JSON and the .docx, stored; audited.

    The worker prepares a missing one (``replace=False`` leaves an existing one as it is); the office
    regenerates after corrections. A bulletin keeps its number (文号) when regenerated; a new one takes the
    center's next number of its year."""
    from django.core.files.base import ContentFile

    from . import documents, reports

    actor = Actor.of(actor)
    authorize(actor, "assessment.report", Target(center))
    now = now or timezone.now()
    today = clock.today(center, now)
    problems = []
    if kind not in ReportKind.values:
        problems.append(Problem.of("kind", "a report is one of %(kinds)s (ASM-5)", kinds=", ".join(ReportKind.values)))
    elif not isinstance(period, dt.date):
        problems.append(Problem("period", "a date (YYYY-MM-DD)"))
    elif kind == ReportKind.WEEKLY and (period.weekday() != 0 or period + dt.timedelta(days=7) > today):
        problems.append(Problem("period", "a Monday whose week is over (ATT-3: the report reviews last week)"))
    elif kind == ReportKind.MONTHLY and (period.day != 1 or scores.next_month(period) > today):
        problems.append(Problem("period", "the first day of a month that is over (ASM-5)"))
    if problems:
        raise RuleViolation(problems)
    Center.objects.select_for_update().filter(pk=center.pk).first()  # one numbering at a time per center
    old = Report.objects.filter(center=center, kind=kind, period=period).first()
    if old is not None and not replace:
        return old
    number = old.number if old is not None else None
    if kind == ReportKind.MONTHLY and number is None:
        taken = (Report.objects.filter(center=center, kind=kind, period__year=period.year)
                 .order_by("-number").values_list("number", flat=True).first())
        number = (taken or 0) + 1
    data = (reports.weekly(center, period + dt.timedelta(days=7)) if kind == ReportKind.WEEKLY
            else reports.monthly(center, period, number or 0))
    data["generated_at"], data["signed"] = now.isoformat(), today.isoformat()
    content = (documents.weekly_docx(data) if kind == ReportKind.WEEKLY
               else documents.monthly_docx(data, today))
    before = {"generated_at": old.generated_at.isoformat()} if old is not None else None
    report = old or Report(center=center, kind=kind, period=period)
    stale = old.docx.name if old is not None and old.docx else ""
    report.number, report.generated_at, report.generated_by, report.data = number, now, actor.user, data
    report.docx.save(f"{center.code}-{kind}-{period:%Y%m%d}.docx", ContentFile(content), save=False)
    report.save()
    if stale and stale != report.docx.name:  # the previous file goes once the new one is committed
        storage = report.docx.storage
        transaction.on_commit(lambda: storage.delete(stale))
    record(actor, "assessment.report", report, before,
           {"kind": kind, "period": period.isoformat(), "number": number, "generated_at": now.isoformat()})
    return report
