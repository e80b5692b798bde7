"""Recomputation: from a center-day's events to its vacancies and anomalies (NV-1..7, ATT-1, SCENARIO.md).

The pure rules (``rules/coverage.py``) judge; this module gathers the
events of a day, turns local times into minutes of the day, and replaces the
derived rows of the post-days and staff-days it recomputes. Recomputing
twice gives the same rows (idempotent); a late event or a correction heals
the record by recomputing the days it touches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from servicehall.org import assignments
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Post, PostAssignment, Staff
from servicehall.rules.coverage import (
    Absence,
    PersonDay,
    PostDay,
    Run,
    StandIn,
    intersect,
    normalise,
    presence_from_clock,
    subtract,
    uncovered_runs,
    waive,
)

from .models import Anomaly, Event, EventType, Vacancy


def parse_hhmm(value: str) -> int:
    h, m = value.split(":")
    return int(h) * 60 + int(m)


def opening_of(center: Center) -> list[tuple[int, int]]:
    return [(parse_hhmm(a), parse_hhmm(b)) for a, b in center.policy.sessions]


def local_day_bounds(center: Center, day: dt.date) -> tuple[dt.datetime, dt.datetime, ZoneInfo]:
    tz = ZoneInfo(center.timezone)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz), tz


def local_date(center: Center, when: dt.datetime) -> dt.date:
    return when.astimezone(ZoneInfo(center.timezone)).date()


def minute_of(start_of_day: dt.datetime, when: dt.datetime) -> int:
    return max(0, min(24 * 60, int((when - start_of_day).total_seconds() // 60)))


@dataclass
class DayFacts:
    """Everything a center-day's judgement needs, gathered once."""

    center: Center
    date: dt.date
    workday: bool
    judged: bool
    start_of_day: dt.datetime
    opening: list[tuple[int, int]]
    horizon: int | None
    # keyed by the events' staff and post ids, which the event table allows to be empty
    clock: dict[int | None, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    absences: dict[int | None, list[tuple[Absence, Event]]] = field(default_factory=lambda: defaultdict(list))
    pauses: dict[int | None, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    stand_ins: dict[int | None, list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))
    handovers: list[Event] = field(default_factory=list)
    waivers: dict[int | None, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    events: list[Event] = field(default_factory=list)
    # each post's A, B and items in force on this day (ORG-3, NV-6); a post absent here did not exist yet
    assignments: dict[int, PostAssignment] = field(default_factory=dict)


def leave_approved(event: Event, approvals: list[Event]) -> bool | None:
    """ATT-2: an explicit ``approved`` wins; otherwise the approval route must be complete.

    One day or less: the department leader. Two days or more: the department
    leader, then filing with the center office.
    """
    if event.approved is not None:
        return event.approved
    decisions = {a.kind: a.approved for a in approvals}
    if decisions.get("department") is False or decisions.get("office") is False:
        return False
    days = (event.end - event.start).total_seconds() / 86400 if event.start and event.end else 0
    needed = ["department", "office"] if days > 1.0 and event.type == EventType.LEAVE else ["department"]
    if event.type == EventType.AWAY:
        needed = ["department", "office"]  # NV-4: the center consents when a window is touched
    if all(decisions.get(k) for k in needed):
        return True
    return None  # pending: not in order yet


def gather(center: Center, day: dt.date, now: dt.datetime | None = None) -> DayFacts:
    cal = get_calendar(center)
    workday = cal.is_workday(day)
    sod, eod, _tz = local_day_bounds(center, day)
    now = now or timezone.now()
    # Today is judged up to and including the minute in progress.
    horizon = minute_of(sod, now) + 1 if sod <= now < eod else None
    if now < sod:
        horizon = 0
    opening = opening_of(center)
    if horizon is not None:
        opening = intersect(opening, [(0, horizon)])
    facts = DayFacts(center, day, workday, False, sod, opening, horizon)
    facts.assignments = assignments.on(center, day)
    qs = (Event.objects.filter(center=center)
          .filter(Q(at__gte=sod, at__lt=eod) | Q(start__lt=eod, end__gt=sod) | Q(start__lt=eod, end__isnull=True,
                                                                                  start__gte=sod - dt.timedelta(days=1))
                  | Q(date=day)
                  # follow-ups (approvals, corrections, returns, pause ends) of events that touch this day
                  | Q(type__in=[EventType.VOID, EventType.APPROVAL, EventType.LEAVE_RETURN, EventType.PAUSE_END],
                      target__start__lt=eod, target__start__gte=sod - dt.timedelta(days=400))
                  & (Q(target__end__gt=sod) | Q(target__end__isnull=True, target__start__gte=sod - dt.timedelta(days=1)))
                  | Q(type=EventType.VOID, target__at__gte=sod, target__at__lt=eod)
                  | Q(type=EventType.VOID, target__date=day))
          .select_related("target").order_by("id"))
    events = list(qs)
    voided = {e.target_id for e in events if e.type == EventType.VOID}
    voided |= set(Event.objects.filter(center=center, type=EventType.VOID,
                                       target__in=[e.pk for e in events]).values_list("target_id", flat=True))
    events = [e for e in events if e.pk not in voided and e.type != EventType.VOID]
    facts.events = events
    followups: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        if e.target_id and e.type in (EventType.APPROVAL, EventType.LEAVE_RETURN, EventType.PAUSE_END):
            followups[e.target_id].append(e)
    day_end_minute = (opening_of(center) or [(0, 24 * 60)])[-1][1]
    for e in events:
        if e.type in (EventType.CLOCK_IN, EventType.CLOCK_OUT) and e.at and sod <= e.at < eod:
            facts.clock[e.staff_id].append((minute_of(sod, e.at), e.type))
            facts.judged = True
        elif e.type in (EventType.LEAVE, EventType.AWAY) and e.start:
            end = e.end or eod
            for r in followups.get(e.pk, []):
                if r.type == EventType.LEAVE_RETURN and r.at and r.at < end:
                    end = r.at  # 销假: back early
            if e.start >= eod or end <= sod:
                continue
            approved = leave_approved(e, [f for f in followups.get(e.pk, []) if f.type == EventType.APPROVAL])
            facts.absences[e.staff_id].append(
                (Absence(minute_of(sod, e.start), minute_of(sod, end), e.type, bool(approved)), e))
        elif e.type == EventType.PAUSE and e.start:
            pause_end = e.end
            for r in followups.get(e.pk, []):
                if r.type == EventType.PAUSE_END and r.at:
                    pause_end = r.at
            s = minute_of(sod, e.start)
            if pause_end is None:
                stop = horizon if horizon is not None else day_end_minute
            else:
                stop = minute_of(sod, pause_end)
            if e.start < eod:
                facts.pauses[e.staff_id].append((s, max(s, stop)))
        elif (e.type == EventType.STAND_IN and e.staff_id is not None and e.start and e.end and e.start < eod
              and e.end > sod):
            facts.stand_ins[e.post_id].append((e.staff_id, minute_of(sod, e.start), minute_of(sod, e.end)))
        elif e.type == EventType.HANDOVER:
            facts.handovers.append(e)
        elif e.type == EventType.WAIVER and e.date == day and e.start and e.end:
            facts.waivers[e.post_id].append((minute_of(sod, e.start), minute_of(sod, e.end)))
    return facts


def person_day(facts: DayFacts, staff: Staff) -> tuple[PersonDay, list[str]]:
    day_end = facts.horizon if facts.horizon is not None else (opening_of(facts.center) or [(0, 1440)])[-1][1]
    present, anomalies = presence_from_clock(facts.clock.get(staff.pk, []), day_end)
    if facts.horizon is not None:
        anomalies = [a for a in anomalies if a != "missing_clock_out"]  # the day is not over yet
    return PersonDay(staff.code, present, [a for a, _e in facts.absences.get(staff.pk, [])],
                     facts.pauses.get(staff.pk, [])), anomalies


def held(facts: DayFacts, post: Post) -> PostAssignment:
    """The post's A, B and items on the judged day (ORG-3): never today's, so a late event judges its own day."""
    return facts.assignments[post.pk]


def handover_ok(facts: DayFacts, post: Post) -> bool:
    """NV-3: A's planned absence today has a handover registered ``handover_lead_days`` before, or an emergency."""
    lead = facts.center.policy.handover_lead_days
    a_id = held(facts, post).a_id
    for absence, ev in facts.absences.get(a_id, []):
        if not absence.approved:
            continue
        assert ev.start is not None  # absences are gathered from events with a start
        first_day = local_date(facts.center, ev.start)
        ok = False
        for h in facts.handovers:
            if h.post_id != post.pk or h.staff_id != a_id or h.date is None:
                continue
            if not first_day <= h.date <= facts.date:
                continue
            if h.emergency or (h.filed_at and local_date(facts.center, h.filed_at) <= h.date - dt.timedelta(days=lead)):
                ok = True
        if not ok:
            return False
    return True


def post_day(facts: DayFacts, post: Post, staff_by_id: dict[int, Staff]) -> PostDay:
    policy = facts.center.policy
    asg = held(facts, post)
    a, _ = person_day(facts, asg.a)
    b, _ = person_day(facts, asg.b)
    stand_ins = []
    for staff_id, s, e in facts.stand_ins.get(post.pk, []):
        person, _ = person_day(facts, staff_by_id[staff_id])
        stand_ins.append(StandIn(person, s, e))
    return PostDay(post.code, facts.opening, a, b, stand_ins, handover_ok(facts, post),
                   policy.pause_grace_minutes, policy.pause_daily_minutes)


def runs_for(facts: DayFacts, post: Post, staff_by_id: dict[int, Staff]) -> list[Run]:
    if not (facts.workday and facts.judged) or post.pk not in facts.assignments:
        return []
    runs = uncovered_runs(post_day(facts, post, staff_by_id), post.department.code)
    return waive(runs, facts.waivers.get(post.pk, []))


def _posts(center: Center, post_ids=None):
    qs = Post.objects.filter(center=center).select_related("a", "b", "department", "window")
    if post_ids is not None:
        qs = qs.filter(pk__in=post_ids)
    return list(qs)


@transaction.atomic
def recompute_day(center: Center, day: dt.date, post_ids=None, now: dt.datetime | None = None) -> list[Vacancy]:
    """Re-derive vacancies (and anomalies) of a center-day; returns the vacancy rows that are new."""
    center = Center.objects.select_related("policy").get(pk=center.pk)
    facts = gather(center, day, now)
    posts = _posts(center, post_ids)
    staff_by_id = {s.pk: s for s in Staff.objects.filter(center=center)}
    existing = defaultdict(list)
    for v in Vacancy.objects.filter(center=center, date=day, post__in=posts):
        existing[v.post_id].append(v)
    created: list[Vacancy] = []
    for post in posts:
        runs = runs_for(facts, post, staff_by_id)
        wanted = []
        asg = facts.assignments.get(post.pk)  # that day's A and B answer (NV-6), not today's
        for r in runs:
            assert asg is not None  # runs_for judges only posts with an assignment that day
            staff = asg.a if r.answerable_kind == "a" else asg.b if r.answerable_kind == "b" else None
            is_open = facts.horizon is not None and r.end >= facts.horizon
            wanted.append((facts.start_of_day + dt.timedelta(minutes=r.start),
                           facts.start_of_day + dt.timedelta(minutes=r.end), r.minutes, r.answerable_kind,
                           staff.pk if staff else None, r.answerable, r.reason, is_open))
        have = existing.get(post.pk, [])
        have_keys = sorted((v.start, v.end, v.minutes, v.answerable_kind, v.staff_id, v.answerable, v.reason, v.open)
                           for v in have)
        if have_keys == sorted(wanted):
            continue
        old_starts = {(v.start, v.answerable_kind) for v in have}
        Vacancy.objects.filter(pk__in=[v.pk for v in have]).delete()
        rows = Vacancy.objects.bulk_create(
            Vacancy(center=center, post=post, date=day, start=s, end=e, minutes=m, answerable_kind=k, staff_id=sid,
                    department=post.department, answerable=ans, reason=reason, open=o)
            for s, e, m, k, sid, ans, reason, o in wanted)
        created += [v for v in rows if (v.start, v.answerable_kind) not in old_starts]
    if post_ids is None:
        recompute_anomalies(facts)
    return created


def expected_staff(center: Center, day: dt.date | None = None) -> list[Staff]:
    """People expected at the windows on a working day: every A and B of a post on that day (ATT-1, ORG-3)."""
    if day is None:
        from servicehall.org.calendar import local_today

        day = local_today(center)
    return list(Staff.objects.filter(pk__in=assignments.staff_ids_on(center, day), active=True))


def _within(minute: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= minute < e for s, e in spans)


def recompute_anomalies(facts: DayFacts) -> None:
    """ATT-1: late, early leave, missing clock-out, clock-out without clock-in, absent without leave."""
    center, day = facts.center, facts.date
    Anomaly.objects.filter(center=center, date=day).delete()
    if not (facts.workday and facts.judged):
        return
    policy = center.policy
    sessions = opening_of(center)
    first_start, last_end = sessions[0][0], sessions[-1][1]
    rows = []
    for staff in expected_staff(center, day):
        person, anomalies = person_day(facts, staff)
        in_order = normalise((a.start, a.end) for a in person.absences if a.approved)
        for a in anomalies:
            rows.append(Anomaly(center=center, staff=staff, date=day, kind=a))
        needed = subtract(facts.opening, in_order)
        if not person.present:
            if needed and "clock_out_without_clock_in" not in anomalies:
                rows.append(Anomaly(center=center, staff=staff, date=day, kind="absent",
                                    minutes=sum(e - s for s, e in needed)))
            continue
        first_in = person.present[0][0]
        if (first_in > first_start + policy.clock_in_grace and not _within(first_start, in_order)
                and (facts.horizon is None or facts.horizon > first_start + policy.clock_in_grace)):
            rows.append(Anomaly(center=center, staff=staff, date=day, kind="late", minutes=first_in - first_start))
        last_out = person.present[-1][1]
        if (facts.horizon is None and "missing_clock_out" not in anomalies and last_out < last_end
                and not _within(last_out, in_order)):
            rows.append(Anomaly(center=center, staff=staff, date=day, kind="early_leave", minutes=last_end - last_out))
    Anomaly.objects.bulk_create(rows)
