"""A month's scores, derived from the records (ASM-1, ASM-2; SCENARIO.md ``servicehall scores``).

Every deduction is read from a record another part derives or keeps, never entered here:

- ``vacancy``: a vacancy answered as A, counted as NV-8 counts it (one per post-day when the center merges
  a post-day's stretches); waived vacancies are gone from the record, so they do not count;
- ``absent`` (per day), ``late``, ``early_leave``: attendance anomalies (ATT-1);
- ``red_case``: an active red-case violation of the handling clerk on the day it turned red (CASE-11);
- ``late_notice``, ``notice_breach``: one-time notice steps marked late or asking for more (CASE-3);
- ``inquiry``: an accountability outcome recorded for a first inquiry (FIR-5), once per inquiry;
- ``complaint``: a complaint upheld naming the person (CMP-4), dated by its answer;
- ``poor_rating``: a poor rating that held after verification (EVAL-2), dated by the rating;
- ``inspection``: an inspection finding (明察暗访, ASM-3) confirmed by the office and naming the person, on the
  finding's date, with ``inspection`` points (``inspection_media`` when exposed in the media); open, answered
  and dismissed findings do not count, and a late confirmation of a finding in a closed month is an adjustment;
- ``praise``: praise recorded by the office (capped a month by ``rules.assessment``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from servicehall.cases.models import CaseStep, CaseViolation, StepKind
from servicehall.core import clock
from servicehall.duty.models import Anomaly, Vacancy
from servicehall.feedback.models import Accountability, Complaint, ComplaintStepKind
from servicehall.org.models import Center, Staff
from servicehall.rules.assessment import Deduction, Score, grade_thresholds, point_table, score
from servicehall.tickets.models import BadRatingCase

from .inspections import kinds_of
from .models import Inspection, InspectionState, MonthClosing, Praise, PraiseKind

# How far back closed months are re-derived to find late corrections (months).
ADJUST_LOOKBACK_MONTHS = 12


@dataclass(frozen=True)
class PersonMonth:
    staff: Staff
    score: Score


def parse_month(value: str) -> dt.date:
    """``YYYY-MM`` → the month's first day; ValueError otherwise."""
    try:
        day = dt.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        raise ValueError(f"month: {value!r} is not a month (YYYY-MM)") from None
    if len(value) != 7:
        raise ValueError(f"month: {value!r} is not a month (YYYY-MM)")
    return day


def month_end(first: dt.date) -> dt.date:
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def next_month(first: dt.date) -> dt.date:
    return month_end(first) + dt.timedelta(days=1)


def prev_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def tables(center: Center) -> tuple[dict[str, int], dict[str, int]]:
    """The center's point table and grade thresholds (settings ``assessment_points``, ``assessment_grades``)."""
    policy = center.policy
    return point_table(policy.assessment_points or {}), grade_thresholds(policy.assessment_grades or {})


class _Links:
    """Record URLs by name, reversed once per name (thousands of entries a month): the argument is put in place
    of a marker, quoted as ``reverse`` would."""

    MARK = "00000000"

    def __init__(self) -> None:
        self.templates: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, arg: object) -> str:
        if name not in self.templates:
            head, _mark, tail = reverse(name, args=[self.MARK]).partition(self.MARK)
            self.templates[name] = (head, tail)
        head, tail = self.templates[name]
        return f"{head}{quote(str(arg), safe='')}{tail}"


def _hm(center: Center, when: dt.datetime | None) -> str:
    return clock.local(center, when).strftime("%H:%M") if when else ""


def collect(center: Center, first: dt.date, last: dt.date,
            staff_ids: Iterable[int] | None = None) -> dict[int, list[Deduction]]:
    """Every deduction and praise of ``first..last`` by staff id, with the center's points (unsorted, uncapped)."""
    table, _grades = tables(center)
    ids = set(staff_ids) if staff_ids is not None else None
    by_code = {s.code: s.pk for s in Staff.objects.filter(center=center).only("pk", "code")}
    out: dict[int, list[Deduction]] = defaultdict(list)
    link = _Links()

    def mine(field: str) -> dict[str, Any]:
        """Only the given people's records, when the month is read for a few of them (a person's page)."""
        return {} if ids is None else {f"{field}__in": sorted(ids)}

    def add(staff_id: int | None, kind: str, day: dt.date, source: str, url: str, key: str,
            points: int | None = None) -> None:
        if staff_id is None or (ids is not None and staff_id not in ids):
            return
        out[staff_id].append(Deduction(kind, day, table[kind] if points is None else points, source, url, key))

    # NV-8: A-answerable vacancies, one per post-day when merged.
    seen: set[tuple[object, ...]] = set()
    merge = center.policy.merge_same_day
    vacancies = Vacancy.objects.filter(center=center, answerable_kind="a", date__gte=first, date__lte=last)
    if ids is not None:
        vacancies = vacancies.filter(answerable__in=[c for c, pk in by_code.items() if pk in ids])
    for v in vacancies.select_related("post").order_by("date", "start"):
        k: tuple[object, ...] = (v.answerable, v.date, v.post_id) if merge else (v.answerable, v.date, v.post_id, v.start)
        if k in seen:
            continue
        seen.add(k)
        key = f"vacancy:{v.answerable}:{v.date}:{v.post.code}" + ("" if merge else f":{_hm(center, v.start)}")
        add(by_code.get(v.answerable), "vacancy", v.date,
            f"缺位 {v.post.code} {v.date} {_hm(center, v.start)}–{_hm(center, v.end)}（{v.minutes}分钟）",
            link("duty:vacancy", v.pk), key)

    # ATT-1: absence once a day, lateness and early leave each.
    absent_days: set[tuple[int, dt.date]] = set()
    for a in (Anomaly.objects.filter(center=center, date__gte=first, date__lte=last,
                                     kind__in=("absent", "late", "early_leave"), **mine("staff_id"))
              .select_related("staff").order_by("date", "start")):
        url = link("feedback:record", a.staff.code) + f"?year={a.date.year}"
        if a.kind == "absent":
            if (a.staff_id, a.date) in absent_days:
                continue
            absent_days.add((a.staff_id, a.date))
            add(a.staff_id, "absent", a.date, f"旷工 {a.date}", url, f"absent:{a.staff.code}:{a.date}")
        else:
            word = "迟到" if a.kind == "late" else "早退"
            add(a.staff_id, a.kind, a.date, f"{word} {a.date} {_hm(center, a.start)}（{a.minutes}分钟）", url,
                f"{a.kind}:{a.staff.code}:{a.date}:{_hm(center, a.start)}")

    # CASE-11: red cases of the handling clerk, on the day they turned red.
    for x in (CaseViolation.objects.filter(center=center, active=True, red_on__gte=first, red_on__lte=last,
                                                **mine("staff_id"))
              .select_related("case")):
        add(x.staff_id, "red_case", x.red_on, f"超期办件 {x.case.number}（应办结 {x.due_date}）",
            link("cases:detail", x.case.number), f"red_case:{x.case.number}")

    # CASE-3: one-time notices issued late, and second notices asking for more.
    for s in (CaseStep.objects.filter(case__center=center, kind=StepKind.NOTICE, on__gte=first, on__lte=last,
                                           **mine("staff_id"))
              .select_related("case").order_by("at", "id")):
        url = link("cases:detail", s.case.number)
        if s.data.get("late"):
            add(s.staff_id, "late_notice", s.on, f"一次性告知超时 {s.case.number}", url, f"late_notice:{s.pk}")
        if s.data.get("breach"):
            add(s.staff_id, "notice_breach", s.on, f"二次告知 {s.case.number}", url, f"notice_breach:{s.pk}")

    # FIR-5: a first-inquiry violation once per inquiry, whatever outcomes it carried.
    counted: set[tuple[int, int]] = set()
    for acc in (Accountability.objects.filter(center=center, inquiry__isnull=False, date__gte=first, date__lte=last,
                                              **mine("staff_id"))
                .select_related("inquiry", "staff").order_by("date", "id")):
        assert acc.inquiry is not None
        if (acc.staff_id, acc.inquiry.pk) in counted:
            continue
        counted.add((acc.staff_id, acc.inquiry.pk))
        add(acc.staff_id, "inquiry", acc.date,
            f"首问责任 {clock.local_date(center, acc.inquiry.at)} {acc.inquiry.asker}",
            link("feedback:record", acc.staff.code) + f"?year={acc.date.year}",
            f"inquiry:{acc.inquiry.pk}")

    # CMP-4: complaints upheld against the person, dated by their answer (or the department's reply).
    tz = clock.zone(center)
    since = dt.datetime.combine(first, dt.time(), tz) - dt.timedelta(days=1)
    until = dt.datetime.combine(last, dt.time(), tz) + dt.timedelta(days=2)
    for c in (Complaint.objects.filter(center=center, upheld=True, staff__isnull=False, **mine("staff_id"),
                                       steps__kind__in=(ComplaintStepKind.ANSWER, ComplaintStepKind.DEPARTMENT_REPLY),
                                       steps__at__gte=since)  # answered or replied to in or after the month
              .prefetch_related("steps").distinct()):
        steps = [s for s in c.steps.all() if s.kind in (ComplaintStepKind.ANSWER, ComplaintStepKind.DEPARTMENT_REPLY)]
        answered = [s.at for s in steps if s.kind == ComplaintStepKind.ANSWER] or [s.at for s in steps]
        day = clock.local_date(center, max(answered) if answered else c.received_at)
        if first <= day <= last:
            add(c.staff_id, "complaint", day, f"投诉属实 {c.code}", link("feedback:detail", c.code),
                f"complaint:{c.code}")

    # EVAL-2: poor ratings that held after verification, of a service or a case (EVAL-4); EVAL-5: not one whose
    # appeal was upheld (it stays on record, out of assessment).
    for b in (BadRatingCase.objects.filter(Q(rating__ticket__center=center) | Q(rating__rated_case__center=center),
                                           verified=True, rating__at__gte=since, **mine("rating__staff_id"),
                                           rating__at__lt=until).exclude(rating__appeal__upheld=True)
              .select_related("rating")):
        day = clock.local_date(center, b.rating.at)
        if first <= day <= last:
            add(b.rating.staff_id, "poor_rating", day, f"差评属实 {day} {_hm(center, b.rating.at)}",
                reverse("tickets:bad_ratings"), f"poor_rating:{b.rating.pk}")

    # ASM-3: confirmed inspection findings naming the person, on the finding's date.
    names = kinds_of(center)
    for f in Inspection.objects.filter(center=center, state=InspectionState.CONFIRMED, staff__isnull=False,
                                       at__gte=since, at__lt=until, **mine("staff_id")).order_by("at", "id"):
        day = clock.local_date(center, f.at)
        if first <= day <= last:
            add(f.staff_id, "inspection", day,
                f"{'媒体曝光 ' if f.media else ''}{'暗访' if f.hidden else '明察'} {f.number} "
                f"{names.get(f.kind, f.kind)}",
                link("assessment:inspection", f.number), f"inspection:{f.number}",
                points=table["inspection_media"] if f.media else None)

    # ASM-2: praise recorded by the office.
    for p in Praise.objects.filter(center=center, date__gte=first, date__lte=last, **mine("staff_id")).select_related("staff"):
        add(p.staff_id, "praise", p.date, f"{PraiseKind(p.kind).label} {p.note}".strip(),
            link("assessment:person", p.staff.code) + f"?month={p.date:%Y-%m}", f"praise:{p.pk}")
    return out


def _entry_json(d: Deduction, origin: str = "") -> dict[str, Any]:
    return {"key": d.key, "kind": d.kind, "date": d.date.isoformat(), "points": d.points, "source": d.source,
            "url": d.url, "adjustment": d.adjustment, "origin": origin}


def _entry(j: dict[str, Any]) -> Deduction:
    return Deduction(str(j["kind"]), dt.date.fromisoformat(str(j["date"])), int(j["points"]),
                     str(j["source"]), str(j.get("url", "")), str(j.get("key", "")), bool(j.get("adjustment")))


def _closings(center: Center) -> dict[dt.date, MonthClosing]:
    return {m.month: m for m in MonthClosing.objects.filter(center=center)}


def _adjustments(center: Center, first: dt.date, closings: dict[dt.date, MonthClosing],
                 ids: set[int] | None) -> dict[int, list[Deduction]]:
    """ASM-2: for the first open month after the closed ones, each closed month's records as they are now
    against what it showed when closed (plus adjustments already shown in later closed months)."""
    out: dict[int, list[Deduction]] = defaultdict(list)
    if not closings or prev_month(first) not in closings:
        return out
    table, grades = tables(center)
    codes = {s.pk: s.code for s in Staff.objects.filter(center=center).only("pk", "code")}
    pks = {v: k for k, v in codes.items()}
    oldest = first
    for _i in range(ADJUST_LOOKBACK_MONTHS):
        oldest = prev_month(oldest)
    for month in sorted(m for m in closings if oldest <= m < first):
        origin = f"{month:%Y-%m}"
        now = collect(center, month, month_end(month), ids)
        frozen: dict[tuple[str, str], int] = defaultdict(int)  # (staff code, key) → points shown so far
        shown: dict[tuple[str, str], Deduction] = {}
        for later, closing in closings.items():
            if later < month or later >= first:
                continue
            for code, entries in closing.snapshot.items():
                for j in entries:
                    if (later == month and not j.get("adjustment")) or j.get("origin") == origin:
                        frozen[(code, str(j["key"]))] += int(j["points"])
                        shown.setdefault((code, str(j["key"])), _entry(j))
        current: dict[tuple[str, str], Deduction] = {}
        for staff_id, entries in now.items():
            for d in score(entries, table, grades).deductions:
                k = (codes[staff_id], d.key)
                prior = current.get(k)
                current[k] = d if prior is None else Deduction(d.kind, d.date, prior.points + d.points, d.source,
                                                               d.url, d.key)
        for k in sorted(set(frozen) | set(current)):
            diff = (current[k].points if k in current else 0) - frozen.get(k, 0)
            who = pks.get(k[0])
            if diff == 0 or who is None or (ids is not None and who not in ids):
                continue
            base = current.get(k) or shown[k]
            out[who].append(Deduction(base.kind, base.date, diff, f"{origin} 调整：{base.source}", base.url,
                                           base.key, adjustment=True))
    return out


def is_closed(center: Center, first: dt.date) -> bool:
    return MonthClosing.objects.filter(center=center, month=first).exists()


def month_scores(center: Center, first: dt.date, staff: Iterable[Staff] | None = None) -> list[PersonMonth]:
    """Each active staff member's month (or the given people's), sorted by staff code (SCENARIO.md).

    A closed month shows what it showed when closed; the first open month after a closed one carries the
    adjustments of late corrections (ASM-2); any open month is recomputed from the records."""
    people = sorted(staff if staff is not None else
                    Staff.objects.filter(center=center, active=True).select_related("department"),
                    key=lambda s: s.code)
    table, grades = tables(center)
    closings = _closings(center)
    closed = closings.get(first)
    if closed is not None:  # as it was closed, with the table and thresholds of that day
        table, grades = closed.points or table, closed.grades or grades
        return [PersonMonth(s, score([_entry(j) for j in closed.snapshot.get(s.code, [])], table, grades))
                for s in people]
    ids = {s.pk for s in people}
    entries = collect(center, first, month_end(first), ids if staff is not None else None)
    for staff_id, adj in _adjustments(center, first, closings, ids if staff is not None else None).items():
        entries[staff_id].extend(adj)
    return [PersonMonth(s, score(entries.get(s.pk, []), table, grades)) for s in people]


def snapshot(center: Center, first: dt.date) -> dict[str, list[dict[str, Any]]]:
    """What closing ``first`` freezes: each active person's entries as shown now."""
    out: dict[str, list[dict[str, Any]]] = {}
    for pm in month_scores(center, first):
        out[pm.staff.code] = [_entry_json(d, d.source[:7] if d.adjustment else "") for d in pm.score.deductions]
    return out


def score_json(pm: PersonMonth) -> dict[str, Any]:
    """SCENARIO.md's object for one person."""
    return {"staff": pm.staff.code, "department": pm.staff.department.code, "points": pm.score.points,
            "grade": pm.score.grade,
            "deductions": [{"kind": d.kind, "date": d.date.isoformat(), "points": d.points, "source": d.source}
                           for d in pm.score.deductions]}


def covered(center: Center, first: dt.date, now: dt.datetime | None = None) -> bool:
    """A month the record covers: not after the current month, not before the center's first data."""
    today = clock.today(center, now or timezone.now())
    if first > today.replace(day=1):
        return False
    earliest = [d for d in (
        Vacancy.objects.filter(center=center).order_by("date").values_list("date", flat=True).first(),
        Anomaly.objects.filter(center=center).order_by("date").values_list("date", flat=True).first(),
        CaseStep.objects.filter(case__center=center).order_by("on").values_list("on", flat=True).first(),
        Praise.objects.filter(center=center).order_by("date").values_list("date", flat=True).first(),
    ) if d is not None]
    from servicehall.duty.models import Event
    ev = Event.objects.filter(center=center).exclude(date=None).order_by("date").values_list("date", flat=True).first()
    if ev is not None:
        earliest.append(ev)
    ev_at = Event.objects.filter(center=center).exclude(at=None).order_by("at").values_list("at", flat=True).first()
    if ev_at is not None:
        earliest.append(clock.local_date(center, ev_at))
    return bool(earliest) and first >= min(earliest).replace(day=1)
