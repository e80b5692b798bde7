"""The Monday report (ATT-3, ASM-5) and the monthly bulletin (月度通报, ASM-5): their figures, read from the
records every other part keeps, with the functions those parts use for their own pages (waits and
satisfaction from ``tickets.stats``/``tickets.services``, the scores from ``scores.month_scores``, the
penalty ladder from ``duty.queries.sanctions``, the complaints from ``feedback.summary.monthly``).

The figures are plain JSON (stored in :class:`~servicehall.assessment.models.Report`): the page and the .docx
show exactly what was prepared. Writes (preparing, regenerating) are in ``services.py``; the worker's tick
is :func:`tick`.

Who belongs to a window (for records of a person: attendance, notices, first inquiries, red cases): the A of
its posts (ORG-3), as on the scores page; one person A at two windows counts for each, and once for the hall.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from servicehall.cases.models import Case, CaseStep, CaseViolation, StepKind
from servicehall.core import clock
from servicehall.duty.models import Anomaly, SanctionLevel, Vacancy
from servicehall.feedback.models import Accountability, Complaint
from servicehall.org.models import Center, Post, Staff, Window
from servicehall.rules.assessment import GRADES, KINDS, summarize

from . import scores
from .models import Inspection, InspectionState, Report, ReportKind

# The figures of one window (and of the hall), in the order the page and the .docx show them.
FIGURES = ("tickets", "wait_avg", "wait_p90", "ratings", "satisfied", "poor", "poor_upheld",
           "cases_finished", "cases_on_time", "cases_yellow", "cases_red", "red_new",
           "late_notices", "notice_breaches", "inquiry_issues",
           "vacancies", "vacancy_minutes", "late", "early_leave", "absent",
           "complaints", "complaints_upheld", "inspections")

# Chinese column heads of the .docx and the printed page (the document's language).
FIGURE_NAMES = {
    "tickets": "办结号数", "wait_avg": "平均等候(分)", "wait_p90": "等候P90(分)", "ratings": "评价数",
    "satisfied": "满意率(%)", "poor": "差评", "poor_upheld": "差评属实", "cases_finished": "办结件",
    "cases_on_time": "按时办结", "cases_yellow": "黄牌办结", "cases_red": "超期办结", "red_new": "新增红牌",
    "late_notices": "一次性告知超时", "notice_breaches": "二次告知", "inquiry_issues": "首问责任问题",
    "vacancies": "缺位次数", "vacancy_minutes": "缺位分钟", "late": "迟到", "early_leave": "早退", "absent": "旷工",
    "complaints": "投诉", "complaints_upheld": "投诉属实", "inspections": "明察暗访",
}

KIND_NAMES = {
    "vacancy": "缺位", "absent": "旷工", "late": "迟到", "early_leave": "早退", "red_case": "超期办件",
    "late_notice": "一次性告知超时", "notice_breach": "二次告知", "inquiry": "首问责任", "complaint": "投诉属实",
    "poor_rating": "差评属实", "inspection": "明察暗访", "praise": "表扬",
}

INSPECTION_STATE_NAMES = {"open": "待答复", "answered": "已答复", "confirmed": "已确认", "dismissed": "已撤销"}
SANCTION_NAMES: dict[str, str] = {SanctionLevel.CRITICISM: "批评", SanctionLevel.PUBLIC_CRITICISM_ADMONITION: "通报批评并诫勉谈话",
                  SanctionLevel.PUBLIC_CRITICISM_TRANSFER: "通报批评，建议调离窗口"}

# Hall time of the Monday report (ATT-3: before the meeting) and of the bulletin on the 1st.
PREPARE_HOUR = 6


def last_week(monday: dt.date) -> tuple[dt.date, dt.date]:
    """The week a Monday's meeting reviews: the Monday to Sunday before it (ATT-3)."""
    monday = monday - dt.timedelta(days=monday.weekday())
    return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)


def _bounds(center: Center, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = clock.zone(center)
    return dt.datetime.combine(first, dt.time(), tz), dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)


def a_windows(center: Center) -> dict[int, list[int]]:
    """Staff id → the windows where they are A of a post (ORG-3), in the hall's order."""
    out: dict[int, list[int]] = defaultdict(list)
    for staff_id, window_id in (Post.objects.filter(center=center)
                                .values_list("a_id", "window_id").order_by("window__sort", "window__code")):
        if window_id not in out[staff_id]:
            out[staff_id].append(window_id)
    return out


class _Tally:
    """Counts per window and for the hall: a record counts once for the hall and once at each of its windows."""

    def __init__(self, staff_windows: dict[int, list[int]]) -> None:
        self.hall: dict[str, Any] = defaultdict(int)
        self.windows: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
        self.staff_windows = staff_windows
        self.notes: dict[int, list[str]] = defaultdict(list)
        self.hall_notes: list[str] = []

    def where(self, window_id: int | None = None, staff_id: int | None = None) -> list[int]:
        if window_id is not None:
            return [window_id]
        return list(self.staff_windows.get(staff_id, [])) if staff_id is not None else []

    def add(self, key: str, windows: Iterable[int], n: int = 1) -> None:
        self.hall[key] += n
        for w in windows:
            self.windows[w][key] += n

    def note(self, text: str, windows: Iterable[int]) -> None:
        self.hall_notes.append(text)
        for w in windows:
            self.notes[w].append(text)


def _waits(center: Center, first: dt.date, last: dt.date, tally: _Tally) -> None:
    """Q-6 as ``tickets.stats.times`` counts it: done tickets, wait from issue to call, mean and P90 (nearest
    rank); EVAL-3 satisfaction as ``tickets.services.satisfaction``; EVAL-2 poor ratings upheld."""
    from servicehall.tickets.models import BadRatingCase, Rating, Ticket, TicketStatus
    from servicehall.tickets.services import satisfaction
    from servicehall.tickets.stats import percentile, ratings_of

    waits: dict[int | None, list[float]] = defaultdict(list)
    for window_id, issued, called in (Ticket.objects.filter(center=center, day__gte=first, day__lte=last,
                                                            status=TicketStatus.DONE)
                                      .values_list("window_id", "issued_at", "called_at")):
        if issued is not None and called is not None:
            waits[window_id].append((called - issued).total_seconds() / 60)
    everyone = [w for ws in waits.values() for w in ws]

    def put(counter: dict[str, Any], values: list[float]) -> None:
        counter["tickets"] = len(values)
        counter["wait_avg"] = round(sum(values) / len(values), 1) if values else 0.0
        counter["wait_p90"] = round(percentile(values, 90), 1)

    put(tally.hall, everyone)
    for key, values in waits.items():
        if key is not None:
            put(tally.windows[key], values)
    # EVAL-1, EVAL-4: the week's ratings of window services (by the ticket's day) and of finished cases (by the
    # rating's time in the hall's zone), each at the window it names.
    since, until = _bounds(center, first, last)
    ratings = list(ratings_of(center, first, last).only("level", "window_id"))
    by_window: dict[int, list[Rating]] = defaultdict(list)
    for r in ratings:
        if r.window_id is not None:  # a case rating without a ticket names no window: the hall's only
            by_window[r.window_id].append(r)
    for counter, rows in [(tally.hall, ratings), *((tally.windows[w], rs) for w, rs in by_window.items())]:
        s = satisfaction(rows)
        counter["ratings"], counter["satisfied"], counter["poor"] = s["count"], s["satisfied"], s["bad"]
    # EVAL-2, EVAL-5: poor ratings that held after verification, less those whose appeal was upheld (kept on
    # record, out of assessment — as the scores count them).
    held = (BadRatingCase.objects.filter(verified=True)
            .filter(Q(rating__ticket__center=center, rating__ticket__day__gte=first, rating__ticket__day__lte=last)
                    | Q(rating__rated_case__center=center, rating__at__gte=since, rating__at__lt=until))
            .exclude(rating__appeal__upheld=True))
    for window_id in held.values_list("rating__window_id", flat=True):
        tally.add("poor_upheld", [window_id] if window_id is not None else [])


def _cases(center: Center, first: dt.date, last: dt.date, tally: _Tally) -> None:
    """CASE-11: cases finished (decided or finished on the spot) in the period — on time, in the yellow zone,
    or overdue — at the window that took the number, else the accepting clerk's; red cards that turned red in
    the period (the handling clerk's violation, as scores count it); CASE-3: notices late or asking for more."""
    from servicehall.cases.services import clock_of
    from servicehall.org.calendar import get_calendar
    from servicehall.rules.deadlines import card
    from servicehall.rules.workdays import CalendarYearMissing

    cal = get_calendar(center)
    yellow_at = center.policy.yellow_at
    done = (CaseStep.objects.filter(case__center=center, kind__in=(StepKind.FINISH, StepKind.DECISION),
                                    on__gte=first, on__lte=last).values_list("case_id", "on"))
    finished: dict[int, dt.date] = {}
    for case_id, on in done:
        finished[case_id] = max(on, finished.get(case_id, on))
    rows = (Case.objects.filter(pk__in=list(finished)).select_related("ticket")
            .prefetch_related("steps").only("pk", "number", "days", "clerk_id", "ticket__window_id", "due_date",
                                            "center_id", "accepted_on", "received_on"))
    for case in rows:
        day = finished[case.pk]
        steps = sorted(case.steps.all(), key=lambda s: (s.at, s.pk))
        colour = "green"
        if case.due_date is not None and day > case.due_date:
            colour = "red"
        else:
            clk = clock_of(case, [s for s in steps if s.on <= day and s.kind != StepKind.DECISION], day)
            if clk is not None:
                try:
                    colour = card(cal, clk, day, yellow_at)
                except CalendarYearMissing:
                    colour = "green"
        windows = tally.where(case.ticket.window_id if case.ticket_id and case.ticket else None, case.clerk_id)
        tally.add("cases_finished", windows)
        tally.add({"green": "cases_on_time", "yellow": "cases_yellow"}.get(colour, "cases_red"), windows)
    for x in (CaseViolation.objects.filter(center=center, active=True, red_on__gte=first, red_on__lte=last)
              .select_related("case", "staff")):
        windows = tally.where(None, x.staff_id)
        tally.add("red_new", windows)
        tally.note(f"超期办件 {x.case.number}（{x.staff.name}，应办结 {x.due_date}）", windows)
    for staff_id, data in (CaseStep.objects.filter(case__center=center, kind=StepKind.NOTICE, on__gte=first,
                                                   on__lte=last).values_list("staff_id", "data")):
        windows = tally.where(None, staff_id)
        if (data or {}).get("late"):
            tally.add("late_notices", windows)
        if (data or {}).get("breach"):
            tally.add("notice_breaches", windows)


def _people(center: Center, first: dt.date, last: dt.date, tally: _Tally) -> None:
    """FIR-5 accountability once per inquiry; NV-6 vacancies at their post's window; ATT-1 lateness, early
    leave and absence (once a day) of the window's people."""
    counted: set[tuple[int, int]] = set()
    for staff_id, inquiry_id in (Accountability.objects.filter(center=center, inquiry__isnull=False, date__gte=first,
                                                               date__lte=last).values_list("staff_id", "inquiry_id")):
        if (staff_id, inquiry_id) not in counted:
            counted.add((staff_id, inquiry_id))
            tally.add("inquiry_issues", tally.where(None, staff_id))
    for window_id, minutes in (Vacancy.objects.filter(center=center, date__gte=first, date__lte=last)
                               .values_list("post__window_id", "minutes")):
        tally.add("vacancies", [window_id])
        tally.add("vacancy_minutes", [window_id], minutes)
    absent: set[tuple[int, dt.date]] = set()
    for staff_id, day, kind in (Anomaly.objects.filter(center=center, date__gte=first, date__lte=last,
                                                       kind__in=("late", "early_leave", "absent"))
                                .values_list("staff_id", "date", "kind")):
        if kind == "absent":
            if (staff_id, day) in absent:
                continue
            absent.add((staff_id, day))
        tally.add(kind, tally.where(None, staff_id))


def _complaints_and_inspections(center: Center, first: dt.date, last: dt.date, tally: _Tally) -> None:
    """CMP: complaints received in the period at their window (else the named person's); ASM-3: findings of
    the period not dismissed."""
    start, end = _bounds(center, first, last)
    for c in (Complaint.objects.filter(center=center, received_at__gte=start, received_at__lt=end)
              .only("window_id", "staff_id", "upheld", "code")):
        windows = tally.where(c.window_id, c.staff_id)
        tally.add("complaints", windows)
        if c.upheld:
            tally.add("complaints_upheld", windows)
            tally.note(f"投诉属实 {c.code}", windows)
    kinds = inspection_kinds(center)
    for i in (Inspection.objects.filter(center=center, at__gte=start, at__lt=end)
              .exclude(state=InspectionState.DISMISSED).select_related("staff", "window")):
        windows = tally.where(i.window_id, i.staff_id)
        tally.add("inspections", windows)
        who = i.staff.name if i.staff else (i.window.name if i.window else "")
        tally.note(f"明察暗访 {clock.local_date(center, i.at)} {kinds.get(i.kind, i.kind)} {who}"
                   f"（{INSPECTION_STATE_NAMES.get(i.state, i.state)}）".replace("  ", " "), windows)


def inspection_kinds(center: Center) -> dict[str, str]:
    """The center's finding types (setting ``inspection_kinds``, ATT-5's list by default)."""
    from servicehall.rules.assessment import INSPECTION_KINDS

    custom = getattr(center.policy, "inspection_kinds", None) or {}
    return {**INSPECTION_KINDS, **custom} if isinstance(custom, dict) else dict(INSPECTION_KINDS)


def _figures(counter: dict[str, Any]) -> dict[str, Any]:
    return {k: counter.get(k, 0) for k in FIGURES}


def weekly(center: Center, monday: dt.date) -> dict[str, Any]:
    """The Monday report's figures for the week before ``monday``: per window (in the hall's order) and for
    the whole hall (ATT-3, ASM-5)."""
    first, last = last_week(monday)
    tally = _Tally(a_windows(center))
    _waits(center, first, last, tally)
    _cases(center, first, last, tally)
    _people(center, first, last, tally)
    _complaints_and_inspections(center, first, last, tally)
    windows = []
    for w in Window.objects.filter(center=center).select_related("department").order_by("sort", "code"):
        windows.append({"code": w.code, "name": w.name, "department": w.department.code,
                        "department_name": w.department.name, "figures": _figures(tally.windows.get(w.pk, {})),
                        "notes": tally.notes.get(w.pk, [])})
    return {"kind": ReportKind.WEEKLY, "center": center.code, "center_name": center.name,
            "title": f"{center.name} 周例会情况通报（{first:%Y年%m月%d日}—{last:%m月%d日}）",
            "meeting": (last + dt.timedelta(days=1)).isoformat(), "first": first.isoformat(), "last": last.isoformat(),
            "hall": _figures(tally.hall), "hall_notes": tally.hall_notes, "windows": windows}


# -- the monthly bulletin ---------------------------------------------------------------------------------

def doc_number(center: Center, year: int, number: int) -> str:
    """The bulletin's 文号: ``{prefix}〔{year}〕{n}号``; the prefix per center from the setting
    ``SERVICEHALL_BULLETIN_PREFIXES`` (center code → prefix), by default the center name's first character
    and 政服通."""
    prefixes = getattr(settings, "SERVICEHALL_BULLETIN_PREFIXES", {}) or {}
    prefix = prefixes.get(center.code) or f"{center.name[:1]}政服通"
    return f"{prefix}〔{year}〕{number}号"


def group_scores(center: Center, rows: list[scores.PersonMonth]) -> tuple[list[Any], list[Any]]:
    """ASM-1: the departments' and windows' months from their people, as the scores page groups them (a
    window's people are the A of its posts)."""
    by_department: dict[str, list[Any]] = {}
    for pm in rows:
        by_department.setdefault(pm.staff.department.name, []).append(pm.score)
    window_of: dict[int, list[str]] = {}
    for staff_id, name in (Post.objects.filter(center=center, a__in=[pm.staff for pm in rows])
                           .values_list("a_id", "window__name").order_by("window__sort", "window__code")):
        if name not in window_of.setdefault(staff_id, []):
            window_of[staff_id].append(name)
    by_window: dict[str, list[Any]] = {}
    for pm in rows:
        for name in window_of.get(pm.staff.pk, []):
            by_window.setdefault(name, []).append(pm.score)
    return summarize(by_department), summarize(by_window)


def _group_json(g: Any) -> dict[str, Any]:
    return {"name": g.name, "people": g.people, "mean": g.mean,
            "violations": {KIND_NAMES.get(k, k): n for k, n in g.violations.items()}}


def _best_worst(groups: list[Any], n: int = 3) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The best and the worst ``n`` (sorted best first); with fewer than two groups there is no ranking."""
    if len(groups) < 2:
        return [], []
    k = min(n, len(groups) // 2) or 1
    return [_group_json(g) for g in groups[:k]], [_group_json(g) for g in reversed(groups[-k:])]


def monthly(center: Center, first: dt.date, number: int = 0) -> dict[str, Any]:
    """The monthly bulletin's content (ASM-5): the month's findings by kind, the scores and grades (the same
    numbers as the scores pages and ``servicehall scores``), the best and the worst windows and departments,
    the penalty ladder's entries (NV-8), inspections, and the complaints handled."""
    from servicehall.duty.queries import sanctions
    from servicehall.feedback import summary

    first = first.replace(day=1)
    last = scores.month_end(first)
    rows = scores.month_scores(center, first)
    departments, windows = group_scores(center, rows)
    findings: Counter[str] = Counter()
    for pm in rows:
        for d in pm.score.deductions:
            if d.points < 0 and d.kind != "praise" and not d.adjustment:
                findings[d.kind] += 1
    grades = Counter(pm.score.grade for pm in rows)
    people = [{"staff": pm.staff.code, "name": pm.staff.name, "department": pm.staff.department.name,
               "points": pm.score.points, "grade": pm.score.grade,
               "causes": "；".join(f"{KIND_NAMES.get(d.kind, d.kind)}{d.points:+d}" for d in pm.score.deductions
                                  if d.points < 0)}
              for pm in rows]
    low = sorted((p for p in people if p["grade"] in GRADES[2:]), key=lambda p: (p["points"], p["staff"]))
    names = dict(Staff.objects.filter(center=center).values_list("code", "name"))
    ladder = [{"staff": s.staff, "name": names.get(s.staff, s.staff), "post": s.post, "date": s.date.isoformat(),
               "rank_in_year": s.rank_in_year, "level": SANCTION_NAMES.get(s.level, s.level)}
              for s in sanctions(center, first.year) if first <= s.date <= last]
    start, end = _bounds(center, first, last)
    kinds = inspection_kinds(center)
    inspections = [{"number": i.number, "date": clock.local_date(center, i.at).isoformat(),
                    "kind": kinds.get(i.kind, i.kind), "window": i.window.name if i.window else "",
                    "staff": i.staff.name if i.staff else "", "hidden": i.hidden, "media": i.media,
                    "state": INSPECTION_STATE_NAMES.get(i.state, i.state)}
                   for i in (Inspection.objects.filter(center=center, at__gte=start, at__lt=end)
                             .exclude(state=InspectionState.DISMISSED)  # a dismissed finding names nobody
                             .select_related("window", "staff").order_by("at", "id"))]
    c = summary.monthly(center, first.year, first.month)
    best_w, worst_w = _best_worst(windows)
    best_d, worst_d = _best_worst(departments)
    return {
        "kind": ReportKind.MONTHLY, "center": center.code, "center_name": center.name, "month": f"{first:%Y-%m}",
        "first": first.isoformat(), "last": last.isoformat(), "closed": scores.is_closed(center, first),
        "title": f"{center.name} {first.year}年{first.month}月工作通报",
        "doc_number": doc_number(center, first.year, number) if number else "",
        "findings": {KIND_NAMES.get(k, k): findings[k] for k in KINDS if findings[k]},
        "people": len(rows), "mean": round(sum(pm.score.points for pm in rows) / len(rows), 1) if rows else 0,
        "grades": {g: grades[g] for g in GRADES}, "low": low,
        "departments": [_group_json(g) for g in departments], "windows": [_group_json(g) for g in windows],
        "best_windows": best_w, "worst_windows": worst_w, "best_departments": best_d, "worst_departments": worst_d,
        "ladder": ladder, "inspections": inspections,
        "complaints": {"received": c.total, "answered": c.answered, "upheld": c.upheld,
                       "answered_in_days": c.answered_in_days,
                       "departments": [{"name": d.name, "received": d.received, "upheld": d.upheld,
                                        "answered": d.answered, "open": d.open} for d in c.departments]},
    }


# -- the worker ---------------------------------------------------------------------------------------------

def due(center: Center, now: dt.datetime) -> list[tuple[str, dt.date]]:
    """What the worker should prepare now, in hall time: last week's report from Monday 06:00 and last month's
    bulletin from the 1st 06:00 (each once: a report already there is left as it is)."""
    local = clock.local(center, now)
    today = local.date()
    monday = today - dt.timedelta(days=today.weekday())
    if today == monday and local.hour < PREPARE_HOUR:
        monday -= dt.timedelta(days=7)
    month = today.replace(day=1)
    if today.day == 1 and local.hour < PREPARE_HOUR:
        month = scores.prev_month(month)
    wanted = [(ReportKind.WEEKLY.value, last_week(monday)[0]), (ReportKind.MONTHLY.value, scores.prev_month(month))]
    have = set(Report.objects.filter(center=center).filter(
        Q(kind=wanted[0][0], period=wanted[0][1]) | Q(kind=wanted[1][0], period=wanted[1][1]))
        .values_list("kind", "period"))
    return [w for w in wanted if w not in have]


def tick(now: dt.datetime | None = None) -> int:
    """The worker's pass (ATT-3 "ready on Monday morning", ASM-5): prepare every center's missing Monday
    report and bulletin; how many were prepared."""
    from servicehall.audit.services import system_actor

    from .services import generate_report

    now = now or timezone.now()
    made = 0
    for center in Center.objects.select_related("policy"):
        wanted = due(center, now)
        if not wanted or not scores.covered(center, clock.today(center, now).replace(day=1), now):
            continue
        actor = system_actor("worker")
        for kind, period in wanted:
            generate_report(actor, center, kind, period, now=now, replace=False)
            made += 1
    return made
