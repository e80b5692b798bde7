"""Recomputation: from a center-day's events to its vacancies and anomalies (NV-1..7, ATT-1, SCENARIO.md).

The pure rules (``rules/coverage.py``) judge; this module gathers the
events of a day, turns local times into minutes of the day, and replaces the
derived rows of the post-days and staff-days it recomputes. Recomputing
twice gives the same rows (idempotent); a late event or a correction heals
the record by recomputing the days it touches.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from servicehall.core import clock
from servicehall.org import assignments
from servicehall.org.calendar import get_calendar
from servicehall.org.models import (
    Center,
    Department,
    ExtendedSession,
    Policy,
    Post,
    PostAssignment,
    Staff,
    Window,
)
from servicehall.rules.attendance import Finding, clock_anomalies, session_anomalies
from servicehall.rules.coverage import (
    Absence,
    Interval,
    PersonDay,
    PostDay,
    Run,
    StandIn,
    intersect,
    late_stretches,
    normalise,
    presence_from_clock,
    split_late_openings,
    uncovered_runs,
    waive,
)
from servicehall.rules.leavetime import needs_office_filing
from servicehall.rules.workdays import CalendarYearMissing, WorkCalendar

from . import alerts
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
    # ATT-4: the day's extended sessions by window id (whole, not cut at the present minute)
    extended: dict[int, list[Interval]] = field(default_factory=dict)
    # keyed by the events' staff and post ids, which the event table allows to be empty
    clock: dict[int | None, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    absences: dict[int | None, list[tuple[Absence, Event]]] = field(default_factory=lambda: defaultdict(list))
    pauses: dict[int | None, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    stand_ins: dict[int | None, list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))
    handovers: list[Event] = field(default_factory=list)
    waivers: dict[int | None, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    # NV-6: a person's attendance waived for a span (the bulk waiver of a day), by staff id
    attendance_waivers: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    events: list[Event] = field(default_factory=list)
    # each post's A, B and items in force on this day (ORG-3, NV-6); a post absent here did not exist yet
    assignments: dict[int, PostAssignment] = field(default_factory=dict)
    # ASM-3: removals from a post (post id → [(staff id, effective date)]) in force on or before this day
    removals: dict[int | None, list[tuple[int, dt.date]]] = field(default_factory=lambda: defaultdict(list))
    # set (to an empty list) by a caller that writes the late openings with the attendance anomalies in one go:
    # :func:`_replace_posts` leaves its posts and late-opening rows here for :func:`recompute_anomalies`
    late_pending: list[tuple[list[Post], list[Anomaly]]] | None = None


def leave_approved(event: Event, approvals: list[Event], cal: WorkCalendar | None = None) -> bool | None:
    """ATT-2: an explicit ``approved`` wins; otherwise the approval route must be complete.

    One day or less: the department leader. Two days or more: the department
    leader, then filing with the center office.
    """
    if event.approved is not None:
        return event.approved
    decisions = {a.kind: a.approved for a in approvals}
    if decisions.get("department") is False or decisions.get("office") is False:
        return False
    needed = ["department", "office"] if event.type == EventType.LEAVE and long_leave(event, cal) else ["department"]
    if event.type == EventType.AWAY or retroactive(event):
        # NV-4: the center consents when a window is touched; issue 17: a request for days already judged
        # changes vacancies and attendance already counted, so the office approves it too.
        needed = ["department", "office"]
    if all(decisions.get(k) for k in needed):
        return True
    return None  # pending: not in order yet


def retroactive(event: Event) -> bool:
    """A leave or away filed after the day it starts on had begun (in the hall's zone): it reaches back into days
    already judged (issue 17 item 2; ATT-2). An imported record without a filing time is not flagged."""
    if event.filed_at is None or event.start is None:
        return False
    return clock.local_date(event.center, event.start) < clock.local_date(event.center, event.filed_at)


def long_leave(event: Event, cal: WorkCalendar | None = None) -> bool:
    """ATT-2: more than one working day, counted in the center's calendar and opening sessions
    (``rules.leavetime``), not in calendar time — Friday afternoon to Monday morning is one day.
    ``cal``: the center's calendar when the caller has it (a day's gathering reads it once)."""
    if not (event.start and event.end):
        return False
    center = event.center
    tz = ZoneInfo(center.timezone)
    try:
        return needs_office_filing(cal or get_calendar(center), opening_of(center), event.start.astimezone(tz),
                                   event.end.astimezone(tz))
    except CalendarYearMissing:
        return True  # no calendar for that year: the longer route, never a guess (CASE-5)


@dataclass
class Scope:
    """The part of a center-day a recomputation reads: the events of these people and these posts.

    ``None`` (the default everywhere) reads the whole day. A scope must hold
    every person whose events a judged post needs: its A and B that day and its
    stand-ins (see :func:`scope_of_people`); ``held`` is the posts' assignments that day,
    ``judged`` whether the day is judged when already known.
    """

    staff_ids: frozenset[int]
    post_ids: frozenset[int]
    held: dict[int, PostAssignment] = field(default_factory=dict)
    judged: bool | None = None
    # the posts in scope with their department and window, when read with the assignments
    posts: dict[int, Post] = field(default_factory=dict)


BULK_TYPES = [EventType.CLOCK_IN, EventType.CLOCK_OUT, EventType.PAUSE, EventType.PAUSE_END]


class RangeEvents:
    """The punches and pauses of a range of days (most of a center's events), read in four queries as plain
    tuples rather than model rows, for :func:`recompute_days`; :func:`gather` takes the other events per day."""

    def __init__(self, center: Center, first: dt.date, last: dt.date) -> None:
        lo, _e, _tz = local_day_bounds(center, first)
        _s, hi, _tz = local_day_bounds(center, last)
        day = dt.timedelta(days=1)
        # unordered (sorted here where it matters): an ORDER BY would walk the center's every event in id order
        events = Event.objects.filter(center=center).order_by()
        self.voided = set(events.filter(type=EventType.VOID, target__type__in=BULK_TYPES).filter(
            Q(target__at__gte=lo - day, target__at__lt=hi) | Q(target__start__lt=hi, target__start__gte=lo - 400 * day))
            .values_list("target_id", flat=True))
        self.clock: list[tuple[Any, ...]] = sorted(events.filter(type__in=[EventType.CLOCK_IN, EventType.CLOCK_OUT], at__gte=lo, at__lt=hi)
                            .values_list("at", "id", "staff_id", "type"))
        # two ranges of the (center, type, end, start) index: closed after the range begins, or open from the day
        # before (not every pause of the center that began before the range ends)
        pauses = Q(end__gt=lo, start__lt=hi) | Q(end__isnull=True, start__gte=lo - day, start__lt=hi)
        self.pauses: dict[dt.date, list[tuple[Any, ...]]] = defaultdict(list)
        dates = [first + dt.timedelta(days=i) for i in range(-401, (last - first).days + 2)]
        # the day starts as POSIX seconds: comparing aware datetimes of two zones costs a zone lookup each time
        starts = [local_day_bounds(center, d)[0].timestamp() for d in dates]

        def date_of(when: dt.datetime) -> dt.date:  # the local day, by the range's day starts (no zone per row)
            i = bisect.bisect_right(starts, when.timestamp()) - 1
            return dates[i] if 0 <= i else clock.local_date(center, when)

        for row in sorted(events.filter(pauses, type=EventType.PAUSE).values_list("id", "staff_id", "start", "end")):
            # each day the pause can touch (an open one also the next day, as gather reads it)
            d0 = date_of(cast(dt.datetime, row[2]))
            d1 = date_of(row[3]) if row[3] is not None else d0 + day
            for i in range((d1 - d0).days + 1):
                self.pauses[d0 + dt.timedelta(days=i)].append(row)
        self.pause_end: dict[int, Any] = {}
        # the follow-ups of the range's pauses, found by the target's index (the type and time are asked here: in
        # the query they would have the database walk every pause-end of the center instead)
        for pk, target, at, type_ in sorted(Event.objects.filter(target_id__in=events.filter(
                pauses, type=EventType.PAUSE).values("id")).order_by().values_list("id", "target_id", "at", "type")):
            if type_ == EventType.PAUSE_END and at is not None and pk not in self.voided:
                self.pause_end[target] = at  # the last one counts, as in gather

    def fill(self, facts: DayFacts, sod: dt.datetime, eod: dt.datetime, day_end_minute: int) -> None:
        """The day's clock events and pauses into ``facts`` — what :func:`gather` makes of them."""
        punches: dict[int | None, list[tuple[int, int, str]]] = defaultdict(list)
        i = bisect.bisect_left(self.clock, (sod,))
        while i < len(self.clock) and self.clock[i][0] < eod:
            at, pk, staff_id, kind = self.clock[i]
            i += 1
            if pk not in self.voided:
                punches[staff_id].append((pk, minute_of(sod, at), kind))
                facts.judged = True
        for staff_id, rows in punches.items():  # in the order of the events, as gather reads them
            facts.clock[staff_id] = [(m, k) for _pk, m, k in sorted(rows)]
        day = dt.timedelta(days=1)
        for pk, staff_id, start, end in self.pauses.get(facts.date, []):
            if pk in self.voided or not start < eod or not ((end is not None and end > sod)
                                                            or (end is None and start >= sod - day)):
                continue
            pause_end = self.pause_end.get(pk, end)
            s = minute_of(sod, start)
            stop: int = (facts.horizon if facts.horizon is not None else day_end_minute) if pause_end is None \
                else minute_of(sod, pause_end)
            facts.pauses[staff_id].append((s, max(s, stop)))


def gather(center: Center, day: dt.date, now: dt.datetime | None = None, scope: Scope | None = None,
           bulk: RangeEvents | None = None) -> DayFacts:
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
    if scope is not None:  # a punch: kept per process (the caller checked the generation, recompute_people)
        from servicehall.core import hot

        extended = hot.get(("duty-extended", center.pk, day), lambda: extended_sessions(center, day))
    else:
        extended = extended_sessions(center, day)
    facts = DayFacts(center, day, workday, False, sod, opening, horizon, extended)
    facts.assignments = assignments.on(center, day) if scope is None else dict(scope.held)
    if scope is not None and bulk is None:  # a punch: one plain statement, no query built (issue 14 item 7)
        facts.judged = day_is_judged(center, sod, eod) if scope.judged is None else scope.judged
        return _judge_events(facts, _scoped_events(center, day, sod, eod, scope), cal, horizon)
    qs = (Event.objects.filter(center=center)
          .filter(Q(at__gte=sod, at__lt=eod) | Q(start__lt=eod, end__gt=sod) | Q(start__lt=eod, end__isnull=True,
                                                                                  start__gte=sod - dt.timedelta(days=1))
                  | Q(date=day)
                  | Q(type=EventType.REMOVAL, date__lte=day)  # ASM-3: a removal holds from its date on
                  # follow-ups (approvals, corrections, returns, pause ends) of events that touch this day
                  | Q(type__in=[EventType.VOID, EventType.APPROVAL, EventType.LEAVE_RETURN, EventType.PAUSE_END],
                      target__start__lt=eod, target__start__gte=sod - dt.timedelta(days=400))
                  & (Q(target__end__gt=sod) | Q(target__end__isnull=True, target__start__gte=sod - dt.timedelta(days=1)))
                  | Q(type=EventType.VOID, target__at__gte=sod, target__at__lt=eod)
                  | Q(type=EventType.VOID, target__date=day))
          .order_by())  # sorted by id below: an ORDER BY id would walk the center's every event in id order
    if scope is not None:
        # Only the events of the people and posts in scope (and the follow-ups of theirs); whether the day is
        # judged at all (any clock event of the center, NV-1) is asked apart, since it spans everyone.
        qs = qs.filter(Q(staff_id__in=scope.staff_ids) | Q(post_id__in=scope.post_ids)
                       | Q(target__staff_id__in=scope.staff_ids) | Q(target__post_id__in=scope.post_ids))
        facts.judged = day_is_judged(center, sod, eod) if scope.judged is None else scope.judged
    if bulk is not None:  # punches and pauses come from the range's tuples; the other types named (read by the
        # type's index, not every event of the center)
        qs = qs.filter(type__in=[t for t in EventType if t not in BULK_TYPES]).exclude(
            type=EventType.VOID, target__type__in=BULK_TYPES)
    events = sorted(qs, key=lambda e: e.pk)
    voided = {e.target_id for e in events if e.type == EventType.VOID}
    voided |= set(Event.objects.filter(center=center, type=EventType.VOID,
                                       target__in=[e.pk for e in events]).order_by().values_list("target_id", flat=True))
    events = [e for e in events if e.pk not in voided and e.type != EventType.VOID]
    if bulk is not None:  # punches and pauses come from the range's tuples
        bulk.fill(facts, sod, eod, last_minute(facts))
    return _judge_events(facts, events, cal, horizon, scoped=scope is not None)


def _scoped_events(center: Center, day: dt.date, sod: dt.datetime, eod: dt.datetime, scope: Scope) -> list[Event]:
    """The standing events of a center-day :func:`gather` reads, limited to the people and posts of ``scope`` and
    the follow-ups of theirs — the same rows as its query, written out as one statement with whether each event
    is voided beside it (a punch would otherwise spend most of its time building the query)."""
    q = connection.ops.quote_name
    dtv, dv = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
    day_before, long_before = dtv(sod - dt.timedelta(days=1)), dtv(sod - dt.timedelta(days=400))
    s, e, d = dtv(sod), dtv(eod), dv(day)

    def among(column: str, ids: frozenset[int]) -> tuple[str, list[Any]]:
        return (f"{column} IN ({', '.join(['%s'] * len(ids))})", sorted(ids)) if ids else ("1 = 0", [])

    # In scope: the event is of the people or posts, or follows up (targets) one that is. Written as ids found by
    # the person's and the post's indexes, so a punch reads those people's history, never the center's every event.
    mine: list[str] = []
    mine_params: list[Any] = []
    for column, ids in (("staff_id", scope.staff_ids), ("post_id", scope.post_ids)):
        clause, values = among(column, ids)
        mine.append(clause)
        mine_params += values
    theirs = f"SELECT id FROM {q(Event._meta.db_table)} WHERE {' OR '.join(mine)}"
    in_scope = (f"e.id IN ({theirs} UNION ALL SELECT f.id FROM {q(Event._meta.db_table)} f "
                f"WHERE f.target_id IN ({theirs}))")
    scope_params = mine_params * 2
    table, type_, start, end, date = (q(Event._meta.db_table), q("type"), q("start"), q("end"), q("date"))
    follow = [t.value for t in (EventType.VOID, EventType.APPROVAL, EventType.LEAVE_RETURN, EventType.PAUSE_END)]
    void, removal = EventType.VOID.value, EventType.REMOVAL.value
    fields = Event._meta.concrete_fields
    columns = ", ".join(f"e.{q(str(f.column))}" for f in fields)
    sql = (f"SELECT {columns}, EXISTS(SELECT 1 FROM {table} v WHERE v.{type_} = %s AND v.target_id = e.id) AS voided "
           f"FROM {table} e LEFT OUTER JOIN {table} t ON t.id = e.target_id WHERE e.center_id = %s AND ("
           f"(e.at >= %s AND e.at < %s) OR (e.{start} < %s AND e.{end} > %s)"
           f" OR (e.{start} < %s AND e.{end} IS NULL AND e.{start} >= %s) OR e.{date} = %s"
           f" OR (e.{type_} = %s AND e.{date} <= %s)"
           f" OR (e.{type_} IN (%s, %s, %s, %s) AND t.{start} < %s AND t.{start} >= %s"
           f" AND (t.{end} > %s OR (t.{end} IS NULL AND t.{start} >= %s)))"
           f" OR (e.{type_} = %s AND t.at >= %s AND t.at < %s) OR (e.{type_} = %s AND t.{date} = %s))"
           f" AND {in_scope} ORDER BY e.id")
    params = [void, center.pk, s, e, e, s, e, day_before, d, removal, d, *follow, e, long_before, s, day_before, void,
              s, e, void, d, *scope_params]
    # Read by a plain cursor and made into rows directly (a raw query set's per-row column mapping and converters
    # cost more than the rest of the punch); date-times as the ORM gives them, aware.
    moments = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
    dates = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateField"]
    names = [f.attname for f in fields]
    kind = names.index("type")
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            if row[-1] or row[kind] == void:  # voided, or a correction itself
                continue
            values = list(row[:-1])
            for i in moments:
                values[i] = _aware(values[i])
            for i in dates:
                if isinstance(values[i], str):
                    values[i] = dt.date.fromisoformat(values[i])
            out.append(Event.from_db(connection.alias, names, values))
    return out


_EVENT_CENTER = Event.center.field


def _judge_events(facts: DayFacts, events: list[Event], cal: WorkCalendar, horizon: int | None,
                  scoped: bool = True) -> DayFacts:
    """The day's standing events (bulk punches and pauses already filled) into ``facts``."""
    center, day, sod = facts.center, facts.date, facts.start_of_day
    eod = local_day_bounds(center, day)[1]
    facts.events = events
    followups: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        if e.target_id and e.type in (EventType.APPROVAL, EventType.LEAVE_RETURN, EventType.PAUSE_END):
            followups[e.target_id].append(e)
    day_end_minute = last_minute(facts)
    for e in events:
        if e.type in (EventType.CLOCK_IN, EventType.CLOCK_OUT) and e.at and sod <= e.at < eod:
            facts.clock[e.staff_id].append((minute_of(sod, e.at), e.type))
            if not scoped:
                facts.judged = True
        elif e.type in (EventType.LEAVE, EventType.AWAY) and e.start:
            end = e.end or eod
            for r in followups.get(e.pk, []):
                if r.type == EventType.LEAVE_RETURN and r.at and r.at < end:
                    end = r.at  # 销假: back early
            if e.start >= eod or end <= sod:
                continue
            # the gathered center with its policy: no query per leave (the board reads the day); the id is the same,
            # so only the cache is set (the descriptor's checks cost more than the rest of the judgement)
            _EVENT_CENTER.set_cached_value(e, center)
            approved = leave_approved(e, [f for f in followups.get(e.pk, []) if f.type == EventType.APPROVAL], cal)
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
        elif e.type == EventType.REMOVAL and e.staff_id is not None and e.date is not None and e.date <= day:
            facts.removals[e.post_id].append((e.staff_id, e.date))
        elif e.type == EventType.WAIVER and e.date == day and e.start and e.end:
            span = (minute_of(sod, e.start), minute_of(sod, e.end))
            if e.post_id is None and e.staff_id is not None:  # a person's attendance waived (waive_day)
                facts.attendance_waivers[e.staff_id].append(span)
            else:
                facts.waivers[e.post_id].append(span)
    return facts


# -- one re-derivation of a center-day at a time (NV-1) ----------------------------------------------------------
# Under READ COMMITTED two re-derivations of one center-day (two punches, a punch and the worker's tick, a
# correction) could interleave: each reads the day's events without the other's, and the last to commit writes rows
# that miss the other's event (and its new vacancies are told twice). Every re-derivation first takes a
# transaction-level advisory lock per center-day (PostgreSQL; SQLite serialises writers already), before it reads
# the day's events; the lock is held until the transaction ends. Writes that audit take it after the audit chain
# head's lock (``audit.services.record(locks=...)``: in the same statement, no extra round trip), re-derivations that
# do not (the tick, an import's re-derive step) take only day locks, in ascending order: no deadlock.
_DAY_LOCK_SPACE = 0x5348  # "SH": the namespace of these keys among the database's advisory locks


def day_lock_key(center_id: int, day: dt.date) -> int:
    """The advisory lock key of a center-day: the namespace, the center id and the day's ordinal in one bigint."""
    return (_DAY_LOCK_SPACE << 47) | (center_id << 20) | day.toordinal()


def _held_day_locks() -> set[int] | None:
    """The day locks this connection's open transaction already holds (``None`` without locks or a transaction).
    Kept beside the transaction's list of commit callbacks: Django starts a new list at every commit and rollback
    (of a savepoint too, which releases the locks taken in it), so the set is forgotten with the locks."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    kept: tuple[list[Any], set[int]] | None = getattr(connection, "_servicehall_day_locks", None)
    if kept is None or kept[0] is not connection.run_on_commit:
        kept = (connection.run_on_commit, set())
        setattr(connection, "_servicehall_day_locks", kept)  # noqa: B010
    return kept[1]


def day_locks_to_take(center_id: int, days: Iterable[dt.date]) -> list[int]:
    """The keys of these center-days' locks the open transaction does not hold yet, ascending (none off
    PostgreSQL). A caller that takes them in a statement of its own calls :func:`day_locks_taken` after it."""
    held = _held_day_locks()
    if held is None:
        return []
    return sorted({day_lock_key(center_id, d) for d in days} - held)


def day_locks_taken(keys: Iterable[int]) -> None:
    held = _held_day_locks()
    if held is not None:
        held.update(keys)


def hold_days(center: Center, days: Iterable[dt.date]) -> None:
    """Serialise the re-derivations of these center-days (NV-1): wait for the one under way to commit, then hold
    them until this transaction ends — one statement, none when they are held already (or off PostgreSQL).
    Called by every ``recompute_*`` before it reads a day's events."""
    keys = day_locks_to_take(center.pk, days)
    if not keys:
        return
    with connection.cursor() as cursor:  # in ascending order: two multi-day re-derivations never deadlock
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS u(k)", [keys])
    day_locks_taken(keys)


def day_is_judged(center: Center, sod: dt.datetime, eod: dt.datetime, exclude: Iterable[int] = ()) -> bool:
    """NV-1: a day is judged once the center has a clock event on it that stands (not voided);
    ``exclude`` leaves some events out (those just appended: was the day judged before them?)."""
    return (Event.objects.filter(center=center, type__in=[EventType.CLOCK_IN, EventType.CLOCK_OUT], at__gte=sod,
                                 at__lt=eod).exclude(pk__in=list(exclude))
            .exclude(followups__type=EventType.VOID).exists())


def _judged_sql(center_id: int, sod: dt.datetime, eod: dt.datetime, exclude: list[int]) -> tuple[str, list[Any]]:
    """:func:`day_is_judged` as one plain scalar subquery (for ``core.hot.check``): 1 when a standing clock event
    of the center falls on the day outside ``exclude`` (NV-1), else 0."""
    q = connection.ops.quote_name
    dtv = connection.ops.adapt_datetimefield_value
    table, type_ = q(Event._meta.db_table), q("type")
    outside = f" AND e.id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else ""
    sql = (f"SELECT CASE WHEN EXISTS(SELECT 1 FROM {table} e WHERE e.center_id = %s AND e.{type_} IN (%s, %s)"
           f" AND e.at >= %s AND e.at < %s{outside} AND NOT EXISTS(SELECT 1 FROM {table} v"
           f" WHERE v.target_id = e.id AND v.{type_} = %s)) THEN 1 ELSE 0 END")
    return sql, [center_id, EventType.CLOCK_IN.value, EventType.CLOCK_OUT.value, dtv(sod), dtv(eod), *exclude,
                 EventType.VOID.value]


def extended_sessions(center: Center, day: dt.date) -> dict[int, list[Interval]]:
    """ATT-4: the day's extended sessions (延时服务) as minutes of the day, by the window they open."""
    out: dict[int, list[Interval]] = defaultdict(list)
    # one query over the sessions' windows (a session without windows opens none)
    for start, end, window_id in (ExtendedSession.windows.through.objects
                                  .filter(extendedsession__center=center, extendedsession__date=day).order_by()
                                  .values_list("extendedsession__start", "extendedsession__end", "window_id")):
        out[window_id].append((start.hour * 60 + start.minute, end.hour * 60 + end.minute))
    return {k: normalise(v) for k, v in out.items()}


def opening_for(facts: DayFacts, window_id: int | None, whole: bool = False) -> list[Interval]:
    """A window's opening time on the day (ATT-4): the sessions on a working day, plus its extended sessions.

    A non-working day is open only in the window's extended sessions. Cut at
    the present minute (today) unless ``whole``.
    """
    spans = list(opening_of(facts.center)) if facts.workday else []
    spans = normalise(spans + facts.extended.get(window_id or 0, []))
    if not whole and facts.horizon is not None:
        spans = intersect(spans, [(0, facts.horizon)])
    return spans


def last_minute(facts: DayFacts) -> int:
    """Where a missing clock-out ends presence: the end of the day's last session, extended ones included."""
    ends = [e for _s, e in opening_of(facts.center)] + [e for spans in facts.extended.values() for _s, e in spans]
    return max(ends, default=24 * 60)


def person_day(facts: DayFacts, staff: Staff) -> tuple[PersonDay, list[str]]:
    day_end = facts.horizon if facts.horizon is not None else last_minute(facts)
    present, anomalies = presence_from_clock(facts.clock.get(staff.pk, []), day_end)
    if facts.horizon is not None:
        anomalies = [a for a in anomalies if a != "missing_clock_out"]  # the day is not over yet
    return PersonDay(staff.code, present, [a for a, _e in facts.absences.get(staff.pk, [])],
                     facts.pauses.get(staff.pk, [])), anomalies


def held(facts: DayFacts, post: Post) -> PostAssignment:
    """The post's A, B and items on the judged day (ORG-3): never today's, so a late event judges its own day."""
    return facts.assignments[post.pk]


def removed(facts: DayFacts, post: Post, staff_id: int) -> bool:
    """ASM-3: the person was removed from the post (a recorded decision) and the office has not saved a new
    assignment of the post since the removal took effect (ORG-3): they no longer hold it that day."""
    asg = facts.assignments.get(post.pk)
    return asg is not None and any(sid == staff_id and asg.valid_from < since
                                   for sid, since in facts.removals.get(post.pk, ()))


def off_post(staff: Staff) -> PersonDay:
    """A person removed from a post, as the coverage rules see them there: away the whole day, in order (ASM-3),
    so B covers (NV-2) and an uncovered minute is B's or the department's (NV-6), never the removed person's."""
    return PersonDay(staff.code, [], [Absence(0, 24 * 60, "removed", True)], [])


def handover_ok(facts: DayFacts, post: Post) -> bool:
    """NV-3: A's planned absence today has a handover registered ``handover_lead_days`` before, or an emergency."""
    lead = facts.center.policy.handover_lead_days
    a_id = held(facts, post).a_id
    if removed(facts, post, a_id):
        return True  # ASM-3: removed by the office's decision — nothing to hand over
    for absence, ev in facts.absences.get(a_id, []):
        if not absence.approved:
            continue
        assert ev.start is not None  # absences are gathered from events with a start
        first_day = clock.local_date(facts.center, ev.start)
        ok = False
        for h in facts.handovers:
            if h.post_id != post.pk or h.staff_id != a_id or h.date is None:
                continue
            if not first_day <= h.date <= facts.date:
                continue
            if h.emergency or (h.filed_at and clock.local_date(facts.center, h.filed_at) <= h.date - dt.timedelta(days=lead)):
                ok = True
        if not ok:
            return False
    return True


def post_day(facts: DayFacts, post: Post, staff_by_id: dict[int, Staff],
             opening: list[Interval] | None = None) -> PostDay:
    """A post's day for the coverage rules; its opening time is its window's (ATT-4) unless given."""
    policy = facts.center.policy
    asg = held(facts, post)
    a = off_post(asg.a) if removed(facts, post, asg.a_id) else person_day(facts, asg.a)[0]
    b = off_post(asg.b) if removed(facts, post, asg.b_id) else person_day(facts, asg.b)[0]
    stand_ins = []
    for staff_id, s, e in facts.stand_ins.get(post.pk, []):
        person, _ = person_day(facts, staff_by_id[staff_id])
        stand_ins.append(StandIn(person, s, e))
    if opening is None:
        opening = opening_for(facts, post.window_id)
    return PostDay(post.code, opening, a, b, stand_ins, handover_ok(facts, post),
                   policy.pause_grace_minutes, policy.pause_daily_minutes)


def judge_post(facts: DayFacts, post: Post, staff_by_id: dict[int, Staff]) -> tuple[list[Run], list[Run]]:
    """(vacancies, late openings) of a post-day (NV-2, NV-6, NV-11; ATT-4 extended sessions).

    A day is judged only with at least one clock event of the center; a
    non-working day only inside the window's extended sessions.
    """
    opening = opening_for(facts, post.window_id)
    if not (facts.judged and opening) or post.pk not in facts.assignments:
        return [], []  # not judged, closed, or the post did not exist that day (ORG-3)
    runs = uncovered_runs(post_day(facts, post, staff_by_id, opening), post.department.code)
    runs, late = split_late_openings(runs, opening_for(facts, post.window_id, whole=True),
                                     facts.center.policy.clock_in_grace)
    return waive(runs, facts.waivers.get(post.pk, [])), late


def runs_for(facts: DayFacts, post: Post, staff_by_id: dict[int, Staff]) -> list[Run]:
    return judge_post(facts, post, staff_by_id)[0]


def _posts(center: Center, post_ids=None):
    qs = Post.objects.filter(center=center).select_related("a", "b", "department", "window")
    if post_ids is not None:
        qs = qs.filter(pk__in=post_ids)
    return list(qs)


@transaction.atomic
def recompute_day(center: Center, day: dt.date, post_ids=None, now: dt.datetime | None = None) -> list[Vacancy]:
    """Re-derive vacancies (and anomalies) of a center-day; returns the vacancy rows that are new.

    The whole day goes through :func:`recompute_days` (the array engine); some posts through the
    per-post-day engine."""
    if post_ids is None:
        return recompute_days(center, day, day, now)
    return recompute_day_per_post(center, day, post_ids, now)


@transaction.atomic
def recompute_day_per_post(center: Center, day: dt.date, post_ids=None,
                           now: dt.datetime | None = None) -> list[Vacancy]:
    """:func:`recompute_day` judging post-day by post-day with the interval engine (``rules.coverage``); the
    reference the array engine is held equal to."""
    hold_days(center, [day])  # NV-1: one re-derivation of the day at a time
    center = Center.objects.select_related("policy").get(pk=center.pk)
    facts = gather(center, day, now)
    posts = _posts(center, post_ids)
    staff_by_id = {s.pk: s for s in Staff.objects.filter(center=center)}
    created = _replace_posts(facts, posts, staff_by_id)
    if post_ids is None:
        recompute_anomalies(facts)
    return created


@transaction.atomic
def recompute_days(center: Center, first: dt.date, last: dt.date, now: dt.datetime | None = None,
                   days: Iterable[dt.date] | None = None) -> list[Vacancy]:
    """Re-derive whole days ``first``..``last`` (or those of ``days`` in it) — a month of a city at once.

    The same rows as :func:`recompute_day` day by day (NV-1..7, NV-11, ATT-1, ATT-4). The days already over go
    through the column pipeline of ``duty.month`` (issue 14 item 7); a day not over yet (judged up to the present
    minute) through :func:`recompute_days_by_objects`. Returns the vacancy rows that are new.
    """
    from . import month

    now = now or timezone.now()
    wanted_days = sorted({d for d in (days if days is not None else
                                      (first + dt.timedelta(days=i) for i in range((last - first).days + 1)))
                          if first <= d <= last})
    hold_days(center, wanted_days)  # NV-1: one re-derivation of a day at a time, before its events are read
    center = Center.objects.select_related("policy").get(pk=center.pk)
    over = [d for d in wanted_days if local_day_bounds(center, d)[1] <= now]
    rest = [d for d in wanted_days if d not in set(over)]
    created = month.recompute_days(center, over, now) if over else []
    if rest:
        created += recompute_days_by_objects(center, rest[0], rest[-1], now, rest)
    return created


@transaction.atomic
def recompute_days_by_objects(center: Center, first: dt.date, last: dt.date, now: dt.datetime | None = None,
                              days: Iterable[dt.date] | None = None) -> list[Vacancy]:
    """Re-derive whole days ``first``..``last`` (or those of ``days`` in it) with the day's objects — the path
    before ``duty.month``, kept for the days not over yet and as the reference the column pipeline is held to.

    The same rows as :func:`recompute_day` day by day (NV-1..7, NV-11, ATT-1, ATT-4), computed differently:
    the punches and pauses of the range are read in a few queries as tuples (:class:`RangeEvents`), the other
    events day by day, and the uncovered minutes of every post-day come from the array engine
    (``rules.coverage_batch.runs_of``). Returns the vacancy rows that are new.
    """
    from servicehall.rules.coverage_batch import runs_of

    center = Center.objects.select_related("policy").get(pk=center.pk)
    wanted_days = sorted(d for d in (days if days is not None else
                                     (first + dt.timedelta(days=i) for i in range((last - first).days + 1)))
                         if first <= d <= last)
    if not wanted_days:
        return []
    hold_days(center, wanted_days)  # NV-1 (held already when called by recompute_days)
    bulk = RangeEvents(center, wanted_days[0], wanted_days[-1])
    posts = _posts(center)
    staff_by_id = {s.pk: s for s in Staff.objects.filter(center=center)}
    policy = center.policy
    judged: list[tuple[DayFacts, Post, list[Interval]]] = []
    facts_of: list[DayFacts] = []
    post_days: list[PostDay] = []
    departments: list[str] = []
    for day in wanted_days:
        facts = gather(center, day, now, bulk=bulk)
        facts_of.append(facts)
        people: dict[int, PersonDay] = {}

        def person(staff: Staff, facts: DayFacts = facts, people: dict[int, PersonDay] = people) -> PersonDay:
            if staff.pk not in people:
                people[staff.pk] = person_day(facts, staff)[0]
            return people[staff.pk]

        for post in posts:
            opening = opening_for(facts, post.window_id)
            if not (facts.judged and opening) or post.pk not in facts.assignments:
                continue
            asg = facts.assignments[post.pk]
            stand_ins = [StandIn(person(staff_by_id[sid]), s, e) for sid, s, e in facts.stand_ins.get(post.pk, [])]
            a = off_post(asg.a) if removed(facts, post, asg.a_id) else person(asg.a)  # ASM-3
            b = off_post(asg.b) if removed(facts, post, asg.b_id) else person(asg.b)
            post_days.append(PostDay(post.code, opening, a, b, stand_ins,
                                     handover_ok(facts, post), policy.pause_grace_minutes, policy.pause_daily_minutes))
            departments.append(post.department.code)
            judged.append((facts, post, opening))
    runs = runs_of(post_days, departments)
    by_day: dict[dt.date, dict[int, tuple[list[Run], list[Run]]]] = defaultdict(dict)
    for (facts, post, _opening), post_runs in zip(judged, runs, strict=True):
        kept, late = split_late_openings(post_runs, opening_for(facts, post.window_id, whole=True),
                                         policy.clock_in_grace)
        by_day[facts.date][post.pk] = (waive(kept, facts.waivers.get(post.pk, [])), late)
    created: list[Vacancy] = []
    for facts in facts_of:
        judged_posts = by_day.get(facts.date, {})
        facts.late_pending = []  # the day's late openings read and written with its attendance anomalies
        created += _replace_posts(facts, posts, staff_by_id, judged_posts)
        recompute_anomalies(facts, staff_by_id=staff_by_id)
    return created


def day_assignments(center: Center, day: dt.date) -> dict[int, PostAssignment]:
    """Every post's assignment in force on ``day`` (ORG-3) with its A, B, post, department and window, kept per
    process (``core.hot``) until an assignment, post, person, department or window is saved or deleted anywhere
    (:func:`watch`): a clock punch reads none of it again (issue 14 item 7). Treat the rows as read-only."""
    from servicehall.core import hot

    def load() -> dict[int, PostAssignment]:
        out: dict[int, PostAssignment] = {}
        for asg in PostAssignment.objects.filter(post__center=center, valid_from__lte=day).select_related(
                "a", "b", "post__department", "post__window").order_by("post_id", "valid_from"):
            out[asg.post_id] = asg  # the last one before or on the day wins (ORG-3)
        return out

    return hot.get(("duty-day-assignments", center.pk, day), load)


def watch() -> None:
    """What :func:`day_assignments` keeps is made of these models: a save or delete of any drops the copies."""
    from servicehall.core import hot

    hot.watch(PostAssignment, Post, Staff, Department, Window, Center, Policy, ExtendedSession)


def _posts_by_person(center: Center, day: dt.date, every: dict[int, PostAssignment]) -> dict[int, tuple[int, ...]]:
    """The posts each person is A or B of on the day (ORG-3), kept per process beside :func:`day_assignments`."""
    from servicehall.core import hot

    def load() -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = defaultdict(list)
        for pid, asg in every.items():
            for sid in {asg.a_id, asg.b_id}:
                out[sid].append(pid)
        return {sid: tuple(pids) for sid, pids in out.items()}

    return hot.get(("duty-day-posts-by-person", center.pk, day), load)


def _stand_ins(center_id: int, sod: dt.datetime, eod: dt.datetime) -> list[tuple[int | None, int | None]]:
    """(post id, staff id) of the stand-in events touching the day (NV-7), one plain statement."""
    q = connection.ops.quote_name
    dtv = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT post_id, staff_id FROM {q(Event._meta.db_table)} WHERE center_id = %s AND "
                       f"{q('type')} = %s AND {q('start')} < %s AND {q('end')} > %s",
                       [center_id, EventType.STAND_IN.value, dtv(eod), dtv(sod)])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _stand_ins_sql(center_id: int, sod: dt.datetime, eod: dt.datetime) -> tuple[str, list[Any]]:
    """:func:`_stand_ins` as one scalar subquery for ``core.hot.check`` (a punch reads it with the generation):
    ``post:staff`` pairs joined by commas, or NULL; :func:`_parse_stand_ins` reads it."""
    q = connection.ops.quote_name
    dtv = connection.ops.adapt_datetimefield_value
    pair = "CAST(post_id AS TEXT) || ':' || CAST(staff_id AS TEXT)"  # NULL when either is: skipped
    joined = f"string_agg({pair}, ',')" if connection.vendor == "postgresql" else f"group_concat({pair}, ',')"
    return (f"SELECT {joined} FROM {q(Event._meta.db_table)} WHERE center_id = %s AND {q('type')} = %s"
            f" AND {q('start')} < %s AND {q('end')} > %s", [center_id, EventType.STAND_IN.value, dtv(eod), dtv(sod)])


def _parse_stand_ins(joined: str | None) -> list[tuple[int | None, int | None]]:
    return [(int(p), int(s)) for p, s in (pair.split(":") for pair in joined.split(","))] if joined else []


def scope_of_people(center: Center, day: dt.date, staff_ids: Iterable[int],
                    stand_ins: list[tuple[int | None, int | None]] | None = None) -> Scope:
    """The post-days a person's day of events can change (NV-1, NV-2, NV-7, ATT-1): the posts where they are A or B
    in the assignment in force that day (ORG-3) and the posts they stand in for that day; with everyone those
    posts' judgement reads — their A and B and their stand-ins. The day's assignments come from
    :func:`day_assignments` (call ``core.hot.check()`` first in a request); the stand-ins, being events, are read."""
    people = set(staff_ids)
    sod, eod, _tz = local_day_bounds(center, day)
    every = day_assignments(center, day)
    by_person = _posts_by_person(center, day, every)
    posts = {pid for sid in people for pid in by_person.get(sid, ())}
    if stand_ins is None:  # the caller read them already (recompute_people: with the generation)
        stand_ins = _stand_ins(center.pk, sod, eod)
    posts |= {pid for pid, sid in stand_ins if sid in people and pid is not None}
    held = {pid: every[pid] for pid in posts if pid in every}
    staff = people | {i for asg in held.values() for i in (asg.a_id, asg.b_id)}
    staff |= {sid for pid, sid in stand_ins if pid in posts and sid is not None}
    return Scope(frozenset(staff), frozenset(posts), held, posts={pid: asg.post for pid, asg in held.items()})


@transaction.atomic(savepoint=False)  # inside the punch's transaction: no savepoint of its own (two round trips)
def recompute_people(center: Center, day: dt.date, staff_ids: Iterable[int], now: dt.datetime | None = None,
                     exclude: Iterable[int] = ()) -> list[Vacancy]:
    """Re-derive only what the day's events of ``staff_ids`` decide (a clock punch, their leave or pause): the
    post-days of :func:`scope_of_people` and those people's attendance anomalies (ATT-1). The rows are the ones
    :func:`recompute_day` of the whole day gives, provided the rest of the day was derived already.

    A punch can make the day judged (NV-1: the center's first clock event) or, voided, unjudge it; then every
    post changes and the whole day is recomputed. ``exclude`` names the events just appended or voided: the day
    was judged before them iff a standing clock event outside them exists.
    """
    from servicehall.core import hot

    people = set(staff_ids)
    sod, eod, _tz = local_day_bounds(center, day)
    exclude = list(exclude)
    hold_days(center, [day])  # NV-1: a punch took it with its audit record already (services.append_event)
    # One statement: whether what is kept per process (the center, the day's assignments and extended sessions) is
    # current, whether the day is judged without the events just appended or voided (NV-1), and the day's stand-ins
    # (NV-7) — read after the day's lock (taken with the punch's audit record, or just above).
    read = hot.check(judged=_judged_sql(center.pk, sod, eod, exclude), stand_ins=_stand_ins_sql(center.pk, sod, eod))
    judged = bool(read["judged"])
    if "policy" not in center._state.fields_cache:
        pk = center.pk
        center = hot.get(("duty-center", pk), lambda: Center.objects.select_related("policy").get(pk=pk))
    if exclude and not judged:
        return recompute_day(center, day, now=now)  # the punches may change whether the day is judged at all
    scope = scope_of_people(center, day, people, _parse_stand_ins(read["stand_ins"]))
    # With ``exclude``: a standing clock event outside the punches, so judged before and after them.
    scope.judged = judged
    facts = gather(center, day, now, scope)
    facts.late_pending = []  # the late openings written with the attendance anomalies (one read of the day's)
    # the posts and people in scope as the assignments brought them; only the others are read
    posts = [scope.posts[pid] for pid in sorted(scope.post_ids) if pid in scope.posts]
    if len(posts) < len(scope.post_ids):
        posts += _posts(center, scope.post_ids - set(scope.posts))
    staff_by_id = {s.pk: s for asg in scope.held.values() for s in (asg.a, asg.b)}
    if missing := scope.staff_ids - set(staff_by_id):
        staff_by_id.update((s.pk, s) for s in Staff.objects.filter(center=center, pk__in=missing).order_by())
    # the posts' vacancy rows and the people's anomalies (with the posts' late openings) in one statement
    existing, anomalies = _punch_rows(center.pk, day, [p.pk for p in posts], sorted(people))
    created = _replace_posts(facts, posts, staff_by_id, existing=existing)
    recompute_anomalies(facts, people, staff_by_id, read=anomalies)
    return created


def _replace_posts(facts: DayFacts, posts: list[Post], staff_by_id: dict[int, Staff],
                   judged: dict[int, tuple[list[Run], list[Run]]] | None = None,
                   existing: dict[int, list[tuple[int, tuple[Any, ...]]]] | None = None) -> list[Vacancy]:
    """Replace the vacancies and late openings of ``posts`` on the day (the rows unchanged are kept).
    ``judged``: each post's (vacancy runs, late openings) already computed; a post missing there has none.
    ``existing``: their rows as :func:`_vacancy_rows` reads them, when the caller read them (a punch)."""
    center, day = facts.center, facts.date
    if existing is None:
        existing = _vacancy_rows(center.pk, day, [p.pk for p in posts])
    created: list[Vacancy] = []
    late_rows: list[Anomaly] = []
    stale: list[int] = []
    fresh: list[tuple[Post, tuple[Any, ...]]] = []
    old_starts: dict[int, set[tuple[dt.datetime, str]]] = {}
    for post in posts:
        if judged is None:
            runs, late = judge_post(facts, post, staff_by_id)
        else:
            runs, late = judged.get(post.pk, ([], []))
        late_rows += _late_openings(facts, post, late)
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
        kept: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for pk, key in have:
            kept[key].append(pk)
        new = [w for w in wanted if not (kept.get(w) and kept[w].pop() is not None)]  # a row already there stays
        gone = [pk for pks in kept.values() for pk in pks]
        if not new and not gone:
            continue
        # only the rows that changed (a punch moves one vacancy's end, issue 14 item 7): fewer rows written and
        # checked against their foreign keys; the result is the same as replacing the post-day's rows
        old_starts[post.pk] = {(key[0], key[3]) for _pk, key in have}
        stale += gone
        fresh += [(post, (center.pk, post.pk, day, s, e, m, k, sid, post.department_id, ans, reason, o))
                  for s, e, m, k, sid, ans, reason, o in new]
    # the changed post-days' rows replaced in a few plain statements, not two per post; model rows are made only
    # for the vacancies that are new (the caller tells about them)
    _delete_ids(Vacancy._meta.db_table, stale)
    ids = _insert(Vacancy, _VACANCY_COLUMNS, [row for _post, row in fresh], returning=True)
    for pk, (post, row) in zip(ids, fresh, strict=True):
        if (row[3], row[6]) not in old_starts[post.pk]:
            v = Vacancy(pk=pk, **dict(zip(_VACANCY_COLUMNS, row, strict=True)))
            v.post = post
            created.append(v)
    if stale or fresh:  # issue 17 item 3: the day's alerts are worked out again after commit (no statement here)
        alerts.rederived(center, day)
    late_rows = [a for a in late_rows if not attendance_waived(facts, a.staff_id, a.start)]
    if facts.late_pending is not None:
        facts.late_pending.append((posts, late_rows))  # written with the attendance anomalies
    else:
        _write_changed(Anomaly.objects.filter(center=center, date=day, kind=LATE_OPENING, post__in=posts), late_rows)
    return created


def _aware(value: Any) -> Any:
    """A date-time column read by a plain cursor: SQLite gives it naive (stored in UTC), PostgreSQL aware."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _among(column: str, ids: list[int]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0"


def _vacancy_where(center_id: int, day: dt.date, post_ids: list[int]) -> tuple[str, list[Any]]:
    """Which vacancy rows a re-derivation of these posts' day replaces: the condition and its parameters."""
    q = connection.ops.quote_name
    return (f"center_id = %s AND {q('date')} = %s AND {_among('post_id', post_ids)}",
            [center_id, connection.ops.adapt_datefield_value(day), *post_ids])


def _anomaly_where(center_id: int, day: dt.date, staff_ids: list[int], late_posts: list[int]
                   ) -> tuple[str, list[Any]]:
    """Which anomaly rows a re-derivation of these people's day (and these posts' late openings, NV-11) replaces."""
    q = connection.ops.quote_name
    return (f"center_id = %s AND {q('date')} = %s AND (({q('kind')} <> %s AND {_among('staff_id', staff_ids)})"
            f" OR ({q('kind')} = %s AND {_among('post_id', late_posts)}))",
            [center_id, connection.ops.adapt_datefield_value(day), LATE_OPENING, *staff_ids, LATE_OPENING,
             *late_posts])


def _vacancy_entry(pk: int, start: Any, end: Any, minutes: int, kind: str, staff_id: int | None, answerable: str,
                   reason: str, is_open: Any) -> tuple[int, tuple[Any, ...]]:
    """(id, the key :func:`_replace_posts` compares) of a vacancy row read by a plain cursor."""
    return pk, (_aware(start), _aware(end), minutes, kind, staff_id, answerable, reason, bool(is_open))


def _vacancy_rows(center_id: int, day: dt.date, post_ids: list[int]
                  ) -> dict[int, list[tuple[int, tuple[Any, ...]]]]:
    """The day's vacancy rows of these posts as (id, the key :func:`_replace_posts` compares), by post: one
    plain statement, no model rows (issue 14 item 7)."""
    out: dict[int, list[tuple[int, tuple[Any, ...]]]] = defaultdict(list)
    if not post_ids:
        return out
    q = connection.ops.quote_name
    where, params = _vacancy_where(center_id, day, post_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT post_id, id, {q('start')}, {q('end')}, minutes, answerable_kind, staff_id, answerable,"
                       f" reason, {q('open')} FROM {q(Vacancy._meta.db_table)} WHERE {where}", params)
        for post_id, *row in cursor.fetchall():
            out[post_id].append(_vacancy_entry(*row))
    return out


def _punch_rows(center_id: int, day: dt.date, post_ids: list[int], staff_ids: list[int]
                ) -> tuple[dict[int, list[tuple[int, tuple[Any, ...]]]], list[tuple[Any, ...]]]:
    """A punch's derived rows in one statement (issue 14 item 7): what :func:`_vacancy_rows` reads of these posts
    and what :func:`_anomaly_rows` reads of these people and the late openings of these posts, as they give them."""
    q = connection.ops.quote_name
    v_where, v_params = _vacancy_where(center_id, day, post_ids)
    a_where, a_params = _anomaly_where(center_id, day, staff_ids, post_ids)
    sql = (f"SELECT 'v', id, post_id, staff_id, {q('start')}, {q('end')}, minutes, answerable_kind, answerable,"
           f" reason, {q('open')} FROM {q(Vacancy._meta.db_table)} WHERE {v_where} UNION ALL"
           f" SELECT 'a', id, post_id, staff_id, {q('start')}, NULL, minutes, {q('kind')}, NULL, detail, NULL"
           f" FROM {q(Anomaly._meta.db_table)} WHERE {a_where}")
    vacancies: dict[int, list[tuple[int, tuple[Any, ...]]]] = defaultdict(list)
    anomalies: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*v_params, *a_params])
        for which, pk, post_id, staff_id, start, end, minutes, kind, answerable, text, is_open in cursor.fetchall():
            if which == "v":
                vacancies[post_id].append(_vacancy_entry(pk, start, end, minutes, kind, staff_id, answerable, text,
                                                         is_open))
            else:
                anomalies.append((pk, staff_id, kind, minutes, _aware(start), post_id, text))
    return vacancies, anomalies


def _delete_ids(table: str, ids: list[int]) -> None:
    """Delete rows by id in plain statements of at most 500 ids (derived rows: nothing cascades to them)."""
    with connection.cursor() as cursor:
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)} WHERE id IN "
                           f"({', '.join(['%s'] * len(part))})", part)


_VACANCY_COLUMNS = ("center_id", "post_id", "date", "start", "end", "minutes", "answerable_kind", "staff_id",
                    "department_id", "answerable", "reason", "open")  # Vacancy's fields after the id, in order
_ANOMALY_COLUMNS = ("center_id", "staff_id", "date", "kind", "minutes", "start", "post_id", "detail")


def _insert(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]], returning: bool = False) -> list[int]:
    """Insert derived rows as plain multi-row statements (the model's ``bulk_create`` without building a model
    row per value); with ``returning`` the new ids in the rows' order (as ``bulk_create`` reads them)."""
    ops = connection.ops
    fields = [model._meta.get_field(c) for c in columns]
    adapt = [ops.adapt_datetimefield_value if f.get_internal_type() == "DateTimeField" else
             ops.adapt_datefield_value if f.get_internal_type() == "DateField" else None for f in fields]
    head = (f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({', '.join(ops.quote_name(f.column) for f in fields)})"
            " VALUES ")
    one = f"({', '.join(['%s'] * len(columns))})"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 500):
            part = rows[i:i + 500]
            params = [a(v) if a is not None and v is not None else v for row in part for a, v in zip(adapt, row, strict=True)]
            cursor.execute(head + ", ".join([one] * len(part)) + (" RETURNING id" if returning else ""), params)
            if returning:
                ids += [r[0] for r in cursor.fetchall()]
    return ids


LATE_OPENING = "late_opening"


def _anomaly_key(staff_id: int | None, kind: str, minutes: int, start: dt.datetime | None, post_id: int | None,
                 detail: str) -> tuple[Any, ...]:
    return staff_id, kind, minutes, start, post_id, detail


def _anomaly_rows(center_id: int, day: dt.date, staff_ids: list[int], late_posts: list[int]) -> list[tuple[Any, ...]]:
    """The day's attendance anomalies of these people and the late openings of these posts, as
    (id, staff id, kind, minutes, start, post id, detail): one plain statement (issue 14 item 7)."""
    q = connection.ops.quote_name
    where, params = _anomaly_where(center_id, day, staff_ids, late_posts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, staff_id, {q('kind')}, minutes, {q('start')}, post_id, detail FROM "
                       f"{q(Anomaly._meta.db_table)} WHERE {where}", params)
        return [(pk, sid, kind, minutes, _aware(start), pid, detail)
                for pk, sid, kind, minutes, start, pid, detail in cursor.fetchall()]


def _write_changed(old: Any, rows: list[Anomaly]) -> None:
    """Make the anomaly rows of ``old`` (a queryset of one center-day, or its rows as :func:`_anomaly_rows` reads
    them) be ``rows``: the rows already there are kept, only the stale ones deleted and the new ones inserted
    (the result is the same as replacing them all)."""
    wanted: dict[tuple[Any, ...], list[Anomaly]] = defaultdict(list)
    for a in rows:
        wanted[_anomaly_key(a.staff_id, a.kind, a.minutes, a.start, a.post_id, a.detail)].append(a)
    stale: list[int] = []
    if not isinstance(old, list):
        old = old.order_by().values_list("id", "staff_id", "kind", "minutes", "start", "post_id", "detail")
    for pk, *key in old:
        same = wanted.get(_anomaly_key(*key))
        if same:
            same.pop()  # already there
        else:
            stale.append(pk)
    _delete_ids(Anomaly._meta.db_table, stale)
    _insert(Anomaly, _ANOMALY_COLUMNS, [tuple(getattr(a, c) for c in _ANOMALY_COLUMNS)
                                        for left in wanted.values() for a in left])


def _late_openings(facts: DayFacts, post: Post, late: list[Run]) -> list[Anomaly]:
    """NV-11: a late opening (迟开窗) on the attendance record of whoever answers for it (A or B)."""
    if not late:  # every post comes here, also one without an A and B that day (not started yet, ORG-3)
        return []
    rows = []
    holder = held(facts, post)  # the A and B of that day (ORG-3)
    for r, end in late_stretches(late):
        staff = holder.a if r.answerable_kind == "a" else holder.b if r.answerable_kind == "b" else None
        if staff is None:
            continue  # the department answers: not a person's attendance
        if facts.horizon is not None and end >= facts.horizon:
            continue  # still nobody there: not a vacancy yet, and not yet a late opening either
        rows.append(Anomaly(center=facts.center, staff=staff, post=post, date=facts.date, kind=LATE_OPENING,
                            minutes=end - r.start, start=facts.start_of_day + dt.timedelta(minutes=r.start),
                            detail=post.code))
    return rows


def removed_everywhere(facts: DayFacts) -> set[int]:
    """ASM-3: the people removed from every post they held that day — no longer expected at the windows."""
    if not facts.removals:
        return set()
    holding: set[int] = set()
    off: set[int] = set()
    for post_id, asg in facts.assignments.items():
        for sid in (asg.a_id, asg.b_id):
            if any(r == sid and asg.valid_from < since for r, since in facts.removals.get(post_id, ())):
                off.add(sid)
            else:
                holding.add(sid)
    return off - holding


def attendance_waived(facts: DayFacts, staff_id: int | None, start: dt.datetime | None) -> bool:
    """Whether a person's anomaly starting then falls in a span the office waived (NV-6: the bulk waiver of a
    day, e.g. the clock terminal failed, waives that day's attendance anomalies too)."""
    spans = facts.attendance_waivers.get(staff_id) if staff_id is not None else None
    if not spans or start is None:
        return False
    minute = minute_of(facts.start_of_day, start)
    return any(s <= minute < e for s, e in spans)


def expected_staff(center: Center, day: dt.date | None = None) -> list[Staff]:
    """People expected at the windows on a working day: every A and B of a post on that day (ATT-1, ORG-3)."""
    if day is None:
        day = clock.today(center)
    return list(Staff.objects.filter(pk__in=assignments.staff_ids_on(center, day), active=True))


def recompute_anomalies(facts: DayFacts, staff_ids: Iterable[int] | None = None,
                        staff_by_id: dict[int, Staff] | None = None, read: list[tuple[Any, ...]] | None = None) -> None:
    """ATT-1: late, early leave and absence per session; missing clock-out, clock-out without clock-in.

    Judged on working days with clock data, over the regular sessions; approved
    leave or away covering the time is no anomaly (rules/attendance.py).
    Late openings (NV-11) are kept: they are derived with the post-days.
    ``staff_ids`` limits it to those people (whose events were gathered).
    """
    center, day = facts.center, facts.date
    mine = ~Q(kind=LATE_OPENING)
    if staff_ids is not None:
        staff_ids = set(staff_ids)
        mine &= Q(staff_id__in=staff_ids)
    late: list[Anomaly] = []
    if facts.late_pending:  # the late openings of the posts just judged, read and written with these rows
        mine |= Q(kind=LATE_OPENING, post__in=[p for ps, _rows in facts.late_pending for p in ps])
        late = [a for _ps, rows in facts.late_pending for a in rows]
    late_posts = [p.pk for ps, _rows in (facts.late_pending or []) for p in ps]
    facts.late_pending = None
    # a person's day (a punch): the same rows read by one plain statement
    # (``read``: those rows, read by the caller with the vacancies, :func:`_punch_rows`)
    old: Any = read if read is not None else (
        _anomaly_rows(center.pk, day, sorted(staff_ids), late_posts) if staff_ids is not None
        else Anomaly.objects.filter(center=center, date=day).filter(mine))
    if not (facts.workday and facts.judged):
        _write_changed(old, late)
        return
    policy = center.policy
    sessions = opening_of(center)
    rows = []
    if staff_ids is None and staff_by_id is None:
        expected = expected_staff(center, day)
    else:
        # the gathered assignments hold every post where these people are A or B that day (scope_of_people)
        wanted = {i for asg in facts.assignments.values() for i in (asg.a_id, asg.b_id)}
        if staff_ids is not None:
            wanted &= staff_ids
        if staff_by_id is not None and wanted <= set(staff_by_id):
            expected = [staff_by_id[i] for i in sorted(wanted) if staff_by_id[i].active]
        else:
            expected = list(Staff.objects.filter(pk__in=wanted, active=True))
    gone = removed_everywhere(facts)
    expected = [s for s in expected if s.pk not in gone]
    for staff in expected:
        person, _kinds = person_day(facts, staff)
        found: list[Finding] = [f for f in clock_anomalies(facts.clock.get(staff.pk, []))
                                if facts.horizon is None or f.kind != "missing_clock_out"]  # today is not over
        excused = normalise((a.start, a.end) for a in person.absences if a.approved)
        judged = session_anomalies(person.present, sessions, excused, policy.clock_in_grace, facts.horizon)
        if not person.present and any(f.kind == "clock_out_without_clock_in" for f in found):
            judged = [f for f in judged if f.kind != "absent"]  # a clock-out shows they came: not 旷工
        found += judged
        waived = facts.attendance_waivers.get(staff.pk, [])
        for f in sorted(found):
            if any(s <= f.start < e for s, e in waived):
                continue  # waived by the office with the day (NV-6)
            rows.append(Anomaly(center=center, staff=staff, date=day, kind=f.kind, minutes=f.minutes,
                                start=facts.start_of_day + dt.timedelta(minutes=f.start)))
    _write_changed(old, rows + late)
