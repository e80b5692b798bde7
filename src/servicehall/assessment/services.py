"""Writes of the assessment (ASM-2): praise recorded by the office, closing a month, and the center's request
that a department replace a person graded 不称职 with the department's answer."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.core import clock, notify
from servicehall.errors import Problem, RuleViolation
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff
from servicehall.org.people import named, why_not
from servicehall.org.permissions import Target, authorize

from . import scores
from .models import (
    MonthClosing,
    Praise,
    PraiseKind,
    ReplacementAnswer,
    ReplacementRequest,
    Report,
    ReportKind,
)

UNSATISFACTORY = "不称职"  # ASM-2's lowest grade


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


def _leaders(center: Center, department_id: int) -> list[Staff]:
    return list(Staff.objects.filter(center=center, department_id=department_id, active=True,
                                     roles__role=Role.DEPT_LEADER).distinct())


@transaction.atomic
def request_replacement(actor: ActorLike, center: Center, staff: Staff, first: dt.date, reason: str,
                        now: dt.datetime | None = None) -> ReplacementRequest:
    """The center asks the person's department to replace them (ASM-2): only for a person graded 不称职 in a
    closed month (the grade is then final), once per person and month. The department's leader is told after
    the request commits."""
    actor = Actor.of(actor)
    authorize(actor, "assessment.replace", Target(center, person=staff))
    now = now or timezone.now()
    reason = (reason or "").strip()
    problems = []
    if staff.center_id != center.pk:
        problems.append(Problem("staff", "the person is not on this center's staff"))
    if not isinstance(first, dt.date):
        problems.append(Problem("month", "a month (YYYY-MM)"))
    if not reason:
        problems.append(Problem("reason", "say why the person should be replaced"))
    elif len(reason) > 300:
        problems.append(Problem("reason", "a reason of at most 300 characters"))
    if problems:
        raise RuleViolation(problems)
    first = first.replace(day=1)
    month = f"{first:%Y-%m}"
    points = 0
    if not scores.is_closed(center, first):
        problems.append(Problem.of("month", "%(month)s is not closed: a replacement is asked for on a closed "
                                   "month's grade (ASM-2)", month=month))
    else:
        pm = scores.month_scores(center, first, [staff])[0]
        points = pm.score.points
        if pm.score.grade != UNSATISFACTORY:
            problems.append(Problem.of("staff", "%(staff)s was graded %(grade)s in %(month)s: only a person graded "
                                       "不称职 may be returned to their department (ASM-2)",
                                       staff=named(staff), grade=pm.score.grade, month=month))
    if ReplacementRequest.objects.filter(center=center, staff=staff, month=first).exists():
        problems.append(Problem.of("staff", "a replacement of %(staff)s for %(month)s was already requested",
                                   staff=named(staff), month=month))
    if problems:
        raise RuleViolation(problems)
    req = ReplacementRequest.objects.create(center=center, staff=staff, department_id=staff.department_id,
                                            month=first, points=points, reason=reason, requested_by=actor.user,
                                            requested_at=now)
    record(actor, "assessment.replace", req, None, {"staff": staff.code, "month": month, "points": points,
                                                    "reason": reason})
    notify.send(center, _leaders(center, staff.department_id), f"replacement:{req.pk}",
                f"中心请求更换 {staff.name}（{staff.code}）：{month} 考核不称职，{points} 分。原因：{reason}")
    return req


@transaction.atomic
def answer_replacement(actor: ActorLike, req: ReplacementRequest, agree: bool, replacement: Staff | None = None,
                       reason: str = "", now: dt.datetime | None = None) -> ReplacementRequest:
    """The department's leader answers the center's request (ASM-2): agrees and names the person of the
    department who replaces them, or disagrees and says why. Answered once."""
    actor = Actor.of(actor)
    center = req.center
    authorize(actor, "assessment.replace_answer", Target(center, department=req.department, person=req.staff))
    now = now or timezone.now()
    req = ReplacementRequest.objects.select_for_update().get(pk=req.pk)
    reason = (reason or "").strip()
    problems = []
    if req.answer:
        problems.append(Problem("answer", "this request is already answered"))
    elif agree:
        if replacement is None:
            problems.append(Problem("replacement", "name the person who replaces them"))
        elif (wrong := why_not(actor, center, "replacement", replacement)) is not None:
            problems.append(wrong)  # active people of this center, the person named (issue 17 item 1)
        elif replacement.department_id != req.department_id:
            problems.append(Problem.of("replacement", "%(person)s is not of the same department: the replacement is "
                                                      "an active person of the same department",
                                       person=named(replacement)))
        elif replacement.pk == req.staff_id:
            problems.append(Problem("replacement", "the replacement is another person"))
    elif not reason:
        problems.append(Problem("answer_reason", "say why the department disagrees"))
    if len(reason) > 300:
        problems.append(Problem("answer_reason", "a reason of at most 300 characters"))
    if problems:
        raise RuleViolation(problems)
    req.answer = ReplacementAnswer.AGREE if agree else ReplacementAnswer.DISAGREE
    req.replacement = replacement if agree else None
    req.answer_reason = reason
    req.answered_by = actor.user
    req.answered_at = now
    req.save(update_fields=["answer", "replacement", "answer_reason", "answered_by", "answered_at"])
    record(actor, "assessment.replace_answer", req, None,
           {"staff": req.staff.code, "month": f"{req.month:%Y-%m}", "answer": req.answer,
            "replacement": replacement.code if agree and replacement else "", "reason": reason})
    return req
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
    elif not 2000 <= period.year <= 2100:
        problems.append(Problem.of("period", "%(year)s is not a plausible year", year=period.year))
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
