"""Rankings of departments and windows (ASM-4), award eligibility (评先评优, CMP-5, ASM-3) and the people
listed for a replacement request (ASM-2).

The numbers are those of ``scores.month_scores`` — a closed month's frozen snapshot, an open month derived from
the records — grouped as the scores page groups them: a department's people are its staff, a window's people
are the A of its posts (ORG-3). A group's month is the mean of its people's points (``rules.assessment
.summarize``).

**Yearly figure: the mean of the year's monthly figures so far** (the months the record covers, up to the current
month), not their sum: a sum would rank a window that opened in March below one that had January and February
too, and the mean stays on the monthly scale of 100 points. Violations are counted over the same months.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from servicehall.core import clock
from servicehall.feedback.models import Accountability, Outcome
from servicehall.org.models import Center, Department, Post, Staff, Window
from servicehall.rules.assessment import KINDS, Score, summarize
from servicehall.rules.ranking import (
    competition_ranks,
    department_loses_award,
    person_loses_award,
    yearly_mean,
)

from . import scores
from .models import Inspection, InspectionState, ReplacementRequest

UNSATISFACTORY = "不称职"


@dataclass(frozen=True)
class Reason:
    """Why a person or department lost the year's award eligibility, naming the record behind it."""

    rule: str  # CMP-5 or ASM-3
    date: dt.date
    text: str
    url: str


@dataclass
class Eligibility:
    """The year's award eligibility (评先评优): per person and per department, the reasons for every loss."""

    year: int
    # staff id → the reasons of a loss: every active person of the center (and anyone else who lost it), an
    # empty list when eligible
    people: dict[int, list[Reason]] = field(default_factory=dict)
    departments: dict[int, list[Reason]] = field(default_factory=dict)  # department id → reasons, likewise

    def lost(self) -> dict[int, list[Reason]]:
        """The people who lost it, with the reasons."""
        return {pk: reasons for pk, reasons in self.people.items() if reasons}

    def person_eligible(self, staff_id: int) -> bool:
        return not self.people.get(staff_id)

    def department_eligible(self, department_id: int) -> bool:
        return not self.departments.get(department_id)


@dataclass(frozen=True)
class Row:
    """One department or window in a ranking."""

    rank: int
    code: str
    name: str
    people: int
    mean: float
    violations: dict[str, int]
    months: int  # how many months the figure is the mean of (1 for a monthly ranking)
    eligible: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Ranking:
    title: str  # "2026-03" or "2026"
    months: tuple[dt.date, ...]
    departments: tuple[Row, ...]
    windows: tuple[Row, ...]
    eligibility: Eligibility


def _inspection_url(i: Inspection) -> str:
    return reverse("assessment:inspection", args=[i.number])


def award_eligibility(center: Center, year: int) -> Eligibility:
    """评先评优 for ``year``: who and which departments lost it, and why (CMP-5, ASM-3).

    A person loses it by an accountability outcome of 取消评先评优 (``Outcome.NO_AWARDS``) dated in the year
    (CMP-5); a department by a confirmed inspection finding exposed in the media of its people in the year
    (ASM-3: the finding's department, else its person's). CMP-5's outcome is a person's: their department keeps
    its eligibility by it. Every reason links to its record."""
    out = Eligibility(year)
    out.people = {pk: [] for pk in Staff.objects.filter(center=center, active=True).values_list("pk", flat=True)}
    out.departments = {pk: [] for pk in Department.objects.filter(center=center).values_list("pk", flat=True)}
    for acc in (Accountability.objects.filter(center=center, outcome=Outcome.NO_AWARDS, date__year=year)
                .select_related("staff", "complaint", "inquiry").order_by("date", "id")):
        if not person_loses_award(acc.outcome, acc.date, year):
            continue
        if acc.complaint is not None:
            url = reverse("feedback:detail", args=[acc.complaint.code])
            what = f"投诉 {acc.complaint.code}"
        else:
            url = reverse("feedback:record", args=[acc.staff.code]) + f"?year={year}"
            what = "首问责任" if acc.inquiry_id else "责任追究"
        text = f"{acc.date} {what}：{Outcome(acc.outcome).label}" + (f"（{acc.note}）" if acc.note else "")
        out.people.setdefault(acc.staff_id, []).append(Reason("CMP-5", acc.date, text, url))
    # A year of the center's days: a finding late on 31 December belongs to that year locally.
    tz = clock.zone(center)
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    qs = Inspection.objects.filter(center=center, state=InspectionState.CONFIRMED, media=True, at__gte=start,
                                   at__lt=dt.datetime(year + 1, 1, 1, tzinfo=tz))
    for i in qs.select_related("staff", "window").order_by("at", "id"):
        day = clock.local_date(center, i.at)
        dept_id = i.department_id or (i.staff.department_id if i.staff is not None else None) or (
            i.window.department_id if i.window is not None else None)
        if dept_id is None or not department_loses_award(i.state, i.media, day, year):
            continue
        who = f" {i.staff.name}" if i.staff is not None else ""
        text = f"{day} 明察暗访 {i.number}{who}：媒体曝光（已确认）"
        out.departments.setdefault(dept_id, []).append(Reason("ASM-3", day, text, _inspection_url(i)))
    return out


def year_months(center: Center, year: int, now: dt.datetime | None = None) -> list[dt.date]:
    """The months of ``year`` the record covers up to the current month, and every closed month."""
    from .models import MonthClosing

    closed = set(MonthClosing.objects.filter(center=center, month__year=year).values_list("month", flat=True))
    return [m for m in (dt.date(year, n, 1) for n in range(1, 13)) if m in closed or scores.covered(center, m, now)]


def _groups(center: Center, rows: list[scores.PersonMonth]) -> tuple[dict[str, list[Score]], dict[str, list[Score]]]:
    """Scores by department code and by window code (a window's people are the A of its posts, ORG-3)."""
    by_department: dict[str, list[Score]] = defaultdict(list)
    for pm in rows:
        by_department[pm.staff.department.code].append(pm.score)
    window_of: dict[int, list[str]] = defaultdict(list)
    for staff_id, code in (Post.objects.filter(center=center, a__in=[pm.staff.pk for pm in rows])
                           .values_list("a_id", "window__code").order_by("window__sort", "window__code")):
        if code not in window_of[staff_id]:
            window_of[staff_id].append(code)
    by_window: dict[str, list[Score]] = defaultdict(list)
    for pm in rows:
        for code in window_of.get(pm.staff.pk, []):
            by_window[code].append(pm.score)
    return by_department, by_window


def _rank(figures: dict[str, tuple[float, int, int, dict[str, int]]], names: dict[str, str],
          reasons: dict[str, list[Reason]]) -> tuple[Row, ...]:
    # Equal figures share a rank and are listed by code.
    ranked = competition_ranks([(code, f[0]) for code, f in sorted(figures.items())])
    return tuple(Row(rank, code, names.get(code, code), figures[code][1], value, figures[code][3], figures[code][2],
                     not reasons.get(code), tuple(reasons.get(code, ())))
                 for rank, code, value in ranked)


def ranking(center: Center, months: list[dt.date], title: str, year: int) -> Ranking:
    """Departments and windows ranked by the mean of their monthly means over ``months`` (one month: that
    month's mean), ties sharing a rank (ASM-4), with the violations by kind summed and the year's award
    eligibility of each department (a window shows its department's)."""
    monthly_d: dict[str, list[float]] = defaultdict(list)
    monthly_w: dict[str, list[float]] = defaultdict(list)
    people_d: dict[str, int] = {}
    people_w: dict[str, int] = {}
    viol_d: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    viol_w: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for first in months:
        by_department, by_window = _groups(center, scores.month_scores(center, first))
        for groups, monthly, people, viol in ((by_department, monthly_d, people_d, viol_d),
                                              (by_window, monthly_w, people_w, viol_w)):
            for g in summarize(groups):
                monthly[g.name].append(g.mean)
                people[g.name] = g.people  # the latest month's count
                for k, n in g.violations.items():
                    viol[g.name][k] += n
    eligibility = award_eligibility(center, year)
    departments = {d.code: d for d in Department.objects.filter(center=center)}
    windows = {w.code: w for w in Window.objects.filter(center=center).select_related("department")}
    dept_reasons = {code: eligibility.departments.get(d.pk, []) for code, d in departments.items()}
    win_reasons = {code: eligibility.departments.get(w.department_id, []) for code, w in windows.items()}

    def figures(monthly, people, viol) -> dict[str, tuple[float, int, int, dict[str, int]]]:
        return {code: (yearly_mean(values) or 0.0, people[code], len(values),
                       {k: viol[code][k] for k in KINDS if viol[code].get(k)})
                for code, values in monthly.items()}

    return Ranking(title, tuple(months),
                   _rank(figures(monthly_d, people_d, viol_d), {c: d.name for c, d in departments.items()},
                         dept_reasons),
                   _rank(figures(monthly_w, people_w, viol_w), {c: w.name for c, w in windows.items()}, win_reasons),
                   eligibility)


def month_ranking(center: Center, first: dt.date) -> Ranking:
    return ranking(center, [first], f"{first:%Y-%m}", first.year)


def year_ranking(center: Center, year: int, now: dt.datetime | None = None) -> Ranking:
    """The year so far: each department's and window's figure is the mean of its monthly means (ASM-4)."""
    return ranking(center, year_months(center, year, now), str(year), year)


@dataclass(frozen=True)
class Candidate:
    """A person graded 不称职 in a closed month with no replacement request yet (ASM-2)."""

    staff: Staff
    month: dt.date
    points: int


def replacement_candidates(center: Center, department_id: int | None = None,
                           lookback: int = 12, now: dt.datetime | None = None) -> list[Candidate]:
    """People graded 不称职 in the closed months of the last ``lookback`` months without a request, latest
    month first (only a closed month's grade is final, ASM-2)."""
    from .models import MonthClosing

    today = clock.today(center, now or timezone.now())
    since = today.replace(day=1)
    for _i in range(lookback):
        since = scores.prev_month(since)
    asked = set(ReplacementRequest.objects.filter(center=center, month__gte=since)
                .values_list("staff_id", "month"))
    people = Staff.objects.filter(center=center, active=True).select_related("department")
    if department_id is not None:
        people = people.filter(department_id=department_id)
    staff = list(people)
    out: list[Candidate] = []
    for closing in MonthClosing.objects.filter(center=center, month__gte=since).order_by("-month"):
        for pm in scores.month_scores(center, closing.month, staff):
            if pm.score.grade == UNSATISFACTORY and (pm.staff.pk, closing.month) not in asked:
                out.append(Candidate(pm.staff, closing.month, pm.score.points))
    return out


KIND_NAMES = {"vacancy": "缺位", "absent": "旷工", "late": "迟到", "early_leave": "早退", "red_case": "超期办件",
              "late_notice": "一次性告知超时", "notice_breach": "二次告知", "inquiry": "首问责任",
              "complaint": "投诉属实", "poor_rating": "差评属实", "inspection": "明察暗访", "praise": "表扬"}


def xlsx(center: Center, r: Ranking, people: list[tuple[Staff, list[Reason]]]) -> bytes:
    """The ranking as a workbook: 部门排名, 窗口排名, 评先评优 (the people the reader may see). No formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from servicehall.core.xlsx import xlsx_bytes

    bold = Font(bold=True)
    wb = Workbook()
    wb.remove(wb.active)
    basis = "月度平均分" if len(r.months) == 1 else f"年度平均分（{len(r.months)}个月的月平均分之平均）"
    for title, rows in (("部门排名", r.departments), ("窗口排名", r.windows)):
        ws = wb.create_sheet(title)
        ws.append([f"{center.name} {title} {r.title}（{basis}）"])
        ws["A1"].font = bold
        ws.append(["名次", "代码", "名称", "人数", "平均分", "月数", *[KIND_NAMES[k] for k in KINDS if k != "praise"],
                   "评先评优", "取消原因"])
        for cell in ws[2]:
            cell.font = bold
        for row in rows:
            ws.append([row.rank, row.code, row.name, row.people, row.mean, row.months,
                       *[row.violations.get(k, 0) for k in KINDS if k != "praise"],
                       "有资格" if row.eligible else "取消", "；".join(x.text for x in row.reasons)])
        ws.column_dimensions["C"].width = 24
    ws = wb.create_sheet("评先评优")
    ws.append([f"{center.name} {r.eligibility.year} 年度取消评先评优资格"])
    ws["A1"].font = bold
    ws.append(["类别", "代码", "名称", "依据", "日期", "原因"])
    for cell in ws[2]:
        cell.font = bold
    for row in r.departments:
        for x in row.reasons:
            ws.append(["部门", row.code, row.name, x.rule, x.date.isoformat(), x.text])
    for staff, reasons in people:
        for x in reasons:
            ws.append(["人员", staff.code, staff.name, x.rule, x.date.isoformat(), x.text])
    return xlsx_bytes(wb)
