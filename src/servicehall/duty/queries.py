"""Reading the derived record: vacancies and the NV-8 ladder, as SCENARIO.md's JSON contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from servicehall.org.models import Center, Staff
from servicehall.rules.attendance import arrivals
from servicehall.rules.ladders import Counted, Sanction, ladder

from . import engine
from .models import Anomaly, Vacancy

# SCENARIO.md ``servicehall anomalies``: the kinds of the contract (ATT-1); late openings (NV-11) are shown apart.
ANOMALY_KINDS = ("late", "early_leave", "missing_clock_out", "clock_out_without_clock_in", "absent")


def vacancy_rows(center: Center, first: dt.date, last: dt.date, **filters):
    return (Vacancy.objects.filter(center=center, date__gte=first, date__lte=last, **filters)
            .select_related("post", "post__window", "staff", "department").order_by("post__code", "start"))


def vacancy_json(center: Center, v: Vacancy) -> dict:
    tz = ZoneInfo(center.timezone)
    return {"post": v.post.code, "window": v.post.window.code, "date": v.date.isoformat(),
            "start": v.start.astimezone(tz).isoformat(), "end": v.end.astimezone(tz).isoformat(),
            "minutes": v.minutes, "answerable_kind": v.answerable_kind, "answerable": v.answerable,
            "reason": v.reason}


def anomaly_rows(center: Center, first: dt.date, last: dt.date, **filters):
    """Attendance anomalies (ATT-1) of the contract's kinds, sorted by staff, date, then start."""
    return (Anomaly.objects.filter(center=center, date__gte=first, date__lte=last, kind__in=ANOMALY_KINDS, **filters)
            .select_related("staff").order_by("staff__code", "date", "start", "kind"))


def anomaly_json(center: Center, a: Anomaly) -> dict:
    tz = ZoneInfo(center.timezone)
    return {"staff": a.staff.code, "date": a.date.isoformat(), "kind": a.kind, "minutes": a.minutes,
            "start": a.start.astimezone(tz).isoformat() if a.start else None}


@dataclass(frozen=True)
class ArrivalRow:
    """One person's arrivals on a day, session by session (ATT-1: at the post ``arrive_early_minutes`` early)."""

    staff: Staff
    sessions: list[tuple[dt.time, dt.time | None, bool]]  # (session start, arrival or None, early enough)


def arrival_rows(center: Center, day: dt.date, department_id: int | None = None) -> list[ArrivalRow]:
    """Who arrived when for each regular session of ``day``, and whether early enough (ATT-1)."""
    try:
        facts = engine.gather(center, day)
    except LookupError:  # a year without a calendar
        return []
    if not facts.workday:
        return []
    sessions = engine.opening_of(center)
    out = []
    for staff in sorted(engine.expected_staff(center, day), key=lambda s: s.code):
        if department_id is not None and staff.department_id != department_id:
            continue
        person, _kinds = engine.person_day(facts, staff)
        found = arrivals(person.present, sessions, center.policy.arrive_early_minutes)
        out.append(ArrivalRow(staff, [(_time(a.session[0]), _time(a.at) if a.at is not None else None,
                                       a.early_enough) for a in found]))
    return out


def _time(minute: int) -> dt.time:
    return dt.time(min(minute, 24 * 60 - 1) // 60, minute % 60)


def sanctions(center: Center, year: int, staff_code: str | None = None) -> list[Sanction]:
    """NV-8 for ``year``: A-answerable vacancies ranked per the center's policy (rolling looks back a year).
    Ranks are per person, so ``staff_code`` reads one person's ladder without ranking everyone's."""
    policy = center.policy
    first = dt.date(year - 1 if policy.ladder_window == "rolling" else year, 1, 1)
    rows = (Vacancy.objects.filter(center=center, answerable_kind="a", date__gte=first, date__lte=dt.date(year, 12, 31))
            .select_related("post").order_by("date", "start"))
    if staff_code is not None:
        rows = rows.filter(answerable=staff_code)
    tz = ZoneInfo(center.timezone)
    counted = []
    for v in rows:
        local = v.start.astimezone(tz)
        counted.append(Counted(v.answerable, v.date, v.post.code, local.hour * 60 + local.minute))
    return [s for s in ladder(counted, policy.ladder_window, policy.merge_same_day) if s.date.year == year]


def sanction_json(s: Sanction) -> dict:
    return {"staff": s.staff, "post": s.post, "date": s.date.isoformat(), "rank_in_year": s.rank_in_year,
            "rank_in_month": s.rank_in_month, "level": s.level}
