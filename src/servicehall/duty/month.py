"""Re-deriving many whole days at once — a month of a city (issue 14 item 7; NV-1..7, NV-11, ATT-1, ATT-4, ASM-3).

The same rows as :func:`servicehall.duty.engine.recompute_day` day by day, computed as columns:

* the punches and pauses of the range (most of the events) are read in a few plain statements as integers —
  event id, person, seconds since the epoch — never as model rows; presence (SCENARIO.md's clock walk) and
  each person's pauses (normalised, NV-5) are worked out with arrays for every person-day at once;
* the other events (leave, away, stand-ins, handovers, removals, waivers and their follow-ups) are few: read
  in one query and judged day by day by the engine's own code (``engine._judge_events``);
* the array engine (``rules.coverage_batch``) finds the uncovered runs of every post-day and what their reason
  needs; a post-day with more than one stand-in goes through the interval engine;
* the runs become vacancy rows and late openings (NV-11) as columns too; a post-day with a waiver (NV-6) goes
  through ``rules.coverage``'s functions;
* attendance (ATT-1) is judged with arrays, approved leave and away included (``rules.attendance``'s rules);
* only the differences are written: the rows already there are read as tuples and kept.

Days not over yet (today, judged up to the present minute) go through the engine's per-day objects
(``engine.recompute_days_by_objects``): few, and the rules of a day in progress are many.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

import numpy as np
from django.db import connection
from django.db.models import Q

from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Post, PostAssignment, Staff
from servicehall.rules import coverage_batch as cb
from servicehall.rules.attendance_batch import KINDS as ATTENDANCE_KINDS
from servicehall.rules.attendance_batch import session_anomalies_batch
from servicehall.rules.coverage import (
    Absence,
    PersonDay,
    PostDay,
    Run,
    StandIn,
    late_stretches,
    normalise,
    split_late_openings,
    uncovered_runs,
    waive,
)

from . import alerts, engine
from .models import TARGET_INDEX, Anomaly, Event, EventType, Vacancy

DAY = dt.timedelta(days=1)
UTC = dt.UTC
REASON_DEPARTMENT = "A、B均按规定离岗，单位未安排顶岗人员"


def _epoch(column: str) -> str:
    """A datetime column as whole seconds since the epoch, computed by the database (no conversion per row)."""
    if connection.vendor == "postgresql":
        return f"FLOOR(EXTRACT(EPOCH FROM {column}))::bigint"
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({column})"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _ints(values: list[str], rest: str, params: list[Any]) -> np.ndarray:
    """Rows of integer expressions (never NULL) as an array of ``len(values)`` columns, read as text the database
    joins and numpy parses: the hundreds of thousands of punches and pauses of a month cost a few characters each
    instead of a tuple of Python ints each. SQLite joins each column apart (one aggregate a column over the same
    rows, cheaper than joining strings per row); PostgreSQL each row, then the rows (no sort, nothing spilled)."""
    if connection.vendor == "postgresql":
        aggs = [f"string_agg(concat_ws(',', {', '.join(values)}), ',')"]
    else:
        aggs = [f"group_concat({v})" for v in values]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(aggs)} {rest}", params)
        texts = cur.fetchone()
    if not texts[0]:
        return np.zeros((0, len(values)), dtype=np.int64)
    if len(texts) == 1:
        return np.fromstring(texts[0], dtype=np.int64, sep=",").reshape(-1, len(values))
    return np.stack([np.fromstring(t, dtype=np.int64, sep=",") for t in texts], axis=1)


def _standing(center: Center) -> tuple[str, list[Any]]:
    """The SQL condition "not voided by a correction" on ``id`` (few voids: the database keeps them as a set)."""
    q = connection.ops.quote_name
    return (f"id NOT IN (SELECT v.target_id FROM {_table()} v WHERE v.center_id = %s AND v.{q('type')} = %s "
            f"AND v.target_id IS NOT NULL)", [center.pk, EventType.VOID.value])


def _reason(kind: str, role: str, over: bool, absent: bool, unapproved: bool, handover: bool) -> str:
    """``rules.coverage._reason`` from the flags the array engine gives (NV-5, NV-3, NV-6)."""
    if over:
        return f"{role}暂停办理超出规定时长"
    if kind == "a" and absent and not unapproved and not handover:
        return "A岗离岗未按规定提前办理工作移交"
    if absent and unapproved:
        return f"{role}离岗未经批准"
    return f"{role}未在岗且无请假或公出手续"


def _join(entry_keys: np.ndarray, item_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (entry index, item index) of equal keys; ``item_keys`` sorted."""
    lo = np.searchsorted(item_keys, entry_keys, "left")
    hi = np.searchsorted(item_keys, entry_keys, "right")
    count = hi - lo
    entry = np.repeat(np.arange(entry_keys.size), count)
    if entry.size == 0:
        return entry, entry
    offsets = np.arange(entry.size) - np.repeat(np.cumsum(count) - count, count)
    return entry, np.repeat(lo, count) + offsets


def _merge(key: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``rules.coverage.normalise`` per key: sorted, merged, non-empty intervals."""
    keep = e > s
    key, s, e = key[keep], s[keep], e[keep]
    order = np.lexsort((e, s, key))
    key, s, e = key[order], s[order], e[order]
    if key.size == 0:
        return key, s, e
    reach = np.maximum.accumulate(key * 4096 + e)  # the furthest end so far, within the key (ends ≤ 1440)
    new = np.ones(key.size, dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (s[1:] > reach[:-1] - key[1:] * 4096)
    starts = np.nonzero(new)[0]
    return key[starts], s[starts], np.maximum.reduceat(e, starts)


class _Month:
    def __init__(self, center: Center, days: list[dt.date]) -> None:
        self.center = center
        self.days = days
        self.cal = get_calendar(center)
        self.policy = center.policy
        first, last = days[0], days[-1]
        # consecutive days first-1 .. last+1: their starts as epoch seconds (the center's zone decides days)
        self.span = [first - DAY + i * DAY for i in range((last - first).days + 3)]
        self.starts = np.array([int(engine.local_day_bounds(center, d)[0].timestamp()) for d in self.span]
                               + [int(engine.local_day_bounds(center, last + DAY)[1].timestamp())], dtype=np.int64)
        self.index = {d: i for i, d in enumerate(self.span)}
        staff = list(Staff.objects.filter(center=center).order_by("id").values_list("id", "code", "active"))
        self.staff_ids = np.array([s[0] for s in staff], dtype=np.int64)
        self.code = {s[0]: s[1] for s in staff}
        self.active = {s[0] for s in staff if s[2]}
        self.ns = max(1, len(staff))
        self.start_list = self.starts.tolist()
        self.extended: dict[dt.date, dict[int, list[tuple[int, int]]]] = {}
        self.posts: dict[int, Post] = {}

    def key(self, day_index: int | np.ndarray, staff_id: int | np.ndarray) -> Any:
        return day_index * self.ns + np.searchsorted(self.staff_ids, staff_id)

    def day_of(self, epoch: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, epoch, "right") - 1


def recompute_days(center: Center, days: list[dt.date], now: dt.datetime) -> list[Vacancy]:
    """The whole ``days`` of ``center`` re-derived (see the module); the caller holds the transaction and has
    passed only days that are over at ``now``. Returns the vacancy rows that are new (not saved objects: the
    rows are written in bulk; each carries its post, times, minutes and reason for the alerts)."""
    m = _Month(center, days)
    voided = _voided(center)
    judged, pres, clock_found = _clock(m)
    pauses = _pauses(m)
    facts_of = _facts(m, voided, judged)
    wanted_vac, late_rows = _coverage(m, facts_of, pres, pauses)
    rows = _attendance(m, facts_of, pres, clock_found)
    created = _write_vacancies(m, wanted_vac)
    _write_anomalies(m, rows + late_rows)
    return created


def _voided(center: Center) -> np.ndarray:
    """Every event of the center some correction voids (a void of anything is few rows)."""
    ids = Event.objects.filter(center=center, type=EventType.VOID, target__isnull=False).order_by().values_list(
        "target_id", flat=True)  # unordered: by the (center, type, …) index, not the center's every event in order
    return np.unique(np.array(list(ids), dtype=np.int64))


def _table() -> str:
    return connection.ops.quote_name(Event._meta.db_table)


def _clock(m: _Month) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """NV-1 (a day is judged by any standing clock event) and SCENARIO.md's presence from clock events, for every
    person-day of the range: presence intervals (key, start, end) sorted by key, orphan clock-outs and
    missing clock-outs (key, minute)."""
    q = connection.ops.quote_name
    dtv = connection.ops.adapt_datetimefield_value
    lo = dt.datetime.fromtimestamp(int(m.starts[1]), UTC)
    hi = dt.datetime.fromtimestamp(int(m.starts[-2]), UTC)
    base = int(m.starts[0])
    standing, standing_params = _standing(m.center)
    # one number a punch: (person + 1) · 2³² + (seconds since the span's start) · 2 + (1 for a clock-out)
    packed = _ints([f"(COALESCE(staff_id, -1) + 1) * 4294967296 + ({_epoch('at')} - %s) * 2 "
                    f"+ CASE WHEN {q('type')} = %s THEN 1 ELSE 0 END"],
                   f"FROM {_table()} WHERE center_id = %s AND {q('type')} IN (%s, %s) AND at >= %s AND at < %s "
                   f"AND {standing}", [base, EventType.CLOCK_OUT.value, m.center.pk, EventType.CLOCK_IN.value,
                                       EventType.CLOCK_OUT.value, dtv(lo), dtv(hi), *standing_params])[:, 0]
    staff = (packed >> 32) - 1
    epoch = base + ((packed & 0xFFFFFFFF) >> 1)
    raw = np.stack([staff, packed & 1, epoch], axis=1)
    day = m.day_of(raw[:, 2])
    wanted = np.zeros(len(m.span), dtype=bool)
    wanted[[m.index[d] for d in m.days]] = True
    raw, day = raw[wanted[day]], day[wanted[day]]
    judged = np.bincount(day, minlength=len(m.span)) > 0
    has = raw[:, 0] >= 0
    raw, day = raw[has], day[has]
    minute = np.clip((raw[:, 2] - m.starts[day]) // 60, 0, 1440)
    key = m.key(day, raw[:, 0])
    out = raw[:, 1].astype(bool)
    order = np.lexsort((out, minute, key))  # clock_walk sorts (minute, kind): clock_in before clock_out
    key, minute, out = key[order], minute[order], out[order]
    n = key.size
    closed_before = np.ones(n, dtype=bool)  # no clock-in open before this event (of the same person-day)
    if n:
        closed_before[1:] = out[:-1] | (key[1:] != key[:-1])
    opens = ~out & closed_before
    orphan = out & closed_before
    closing = out & ~closed_before
    opened_at = np.maximum.accumulate(np.where(opens, np.arange(n), -1)) if n else np.zeros(0, dtype=np.int64)
    last = np.ones(n, dtype=bool)
    if n:
        last[:-1] = key[1:] != key[:-1]
    dangling = last & ~out  # a clock-in left open at the end of the day
    since = minute[opened_at[dangling]] if n else minute
    day_end = _day_ends(m)
    d_key = key[dangling] // m.ns
    p_key = np.concatenate([key[closing], key[dangling]])
    p_start = np.concatenate([minute[opened_at[closing]], since])
    p_end = np.concatenate([minute[closing], np.maximum(day_end[d_key], since)])
    order = np.lexsort((p_start, p_key))
    pres = {"key": p_key[order], "start": p_start[order], "end": p_end[order]}
    found = {"orphan_key": key[orphan], "orphan_minute": minute[orphan], "missing_key": key[dangling],
             "missing_minute": since}
    return judged, pres, found


def _extended_of(m: _Month, day: dt.date) -> dict[int, list[tuple[int, int]]]:
    if day not in m.extended:
        m.extended[day] = engine.extended_sessions(m.center, day)
    return m.extended[day]


def _day_ends(m: _Month) -> np.ndarray:
    """Per day of the span, where a missing clock-out or an open pause ends (only the range's days are read)."""
    wanted = set(m.days)
    return np.array([_last_minute(m, d) if d in wanted else 24 * 60 for d in m.span], dtype=np.int64)


def _last_minute(m: _Month, day: dt.date) -> int:
    ends = [e for _s, e in engine.opening_of(m.center)] + [e for spans in _extended_of(m, day).values()
                                                            for _s, e in spans]
    return max(ends, default=24 * 60)


def _pauses(m: _Month) -> dict[str, np.ndarray]:
    """Every person-day's pauses as :func:`engine.gather` makes them, normalised (NV-5): (key, start, end)."""
    q = connection.ops.quote_name
    dtv = connection.ops.adapt_datetimefield_value
    lo = dt.datetime.fromtimestamp(int(m.starts[1]), UTC)
    hi = dt.datetime.fromtimestamp(int(m.starts[-2]), UTC)
    none = -(2 ** 62)
    start, end = q("start"), q("end")
    base = int(m.starts[0])
    standing, standing_params = _standing(m.center)
    pause = EventType.PAUSE.value
    values = ["id", "staff_id", f"{_epoch(start)} - {base}"]
    # two index ranges (center, type, end, start): those closed after the range begins, and those still open
    # (ended by a pause-end event, or not at all) that began from the day before
    raw = np.concatenate([
        _ints([*values, f"{_epoch(end)} - {base}"],
              f"FROM {_table()} WHERE center_id = %s AND {q('type')} = %s AND {end} > %s AND {start} < %s "
              f"AND staff_id IS NOT NULL AND {standing}", [m.center.pk, pause, dtv(lo), dtv(hi), *standing_params]),
        _ints([*values, str(none)],
              f"FROM {_table()} WHERE center_id = %s AND {q('type')} = %s AND {end} IS NULL AND {start} >= %s "
              f"AND {start} < %s AND staff_id IS NOT NULL AND {standing}",
              [m.center.pk, pause, dtv(lo - DAY), dtv(hi), *standing_params])])
    raw[:, 2] += base
    raw[:, 3] = np.where(raw[:, 3] == none, none, raw[:, 3] + base)
    ends = np.zeros((0, 3), dtype=np.int64)
    if raw.size:
        # the pause-ends of these pauses: by their target's id, between the first and the last of them (index
        # target, type, at; other centers' of the same weeks come too and are left out below)
        hint = "" if connection.vendor == "postgresql" else f" INDEXED BY {q(TARGET_INDEX)}"
        ends = _ints(["id", "target_id", f"{_epoch('at')} - {base}"],
                     f"FROM {_table()}{hint} WHERE target_id BETWEEN %s AND %s AND {q('type')} = %s "
                     f"AND at IS NOT NULL AND {standing}",
                     [int(raw[:, 0].min()), int(raw[:, 0].max()), EventType.PAUSE_END.value, *standing_params])
        ends = ends[np.isin(ends[:, 1], raw[:, 0])]
        ends = ends[np.argsort(ends[:, 0])]
        ends[:, 2] += base
    # the last pause-end of a pause counts (by event id, as gather reads them)
    stop = raw[:, 3].copy()
    if ends.size:
        rev = ends[::-1]
        targets, first = np.unique(rev[:, 1], return_index=True)
        pos = np.searchsorted(targets, raw[:, 0])
        pos = np.minimum(pos, targets.size - 1)
        hit = targets[pos] == raw[:, 0]
        stop[hit] = rev[first[pos[hit]], 2]
    open_ = raw[:, 3] == none
    d0 = np.clip(m.day_of(raw[:, 2]), 0, len(m.span) - 1)
    d1 = np.where(open_, d0 + 1, np.clip(m.day_of(np.where(open_, 0, raw[:, 3])), 0, len(m.span) - 1))
    count = np.maximum(d1 - d0 + 1, 0)
    idx = np.repeat(np.arange(raw.shape[0]), count)
    day = np.repeat(d0, count) + (np.arange(idx.size) - np.repeat(np.cumsum(count) - count, count))
    day = np.clip(day, 0, len(m.span) - 1)
    wanted = np.zeros(len(m.span), dtype=bool)
    wanted[[m.index[d] for d in m.days]] = True
    sod, eod = m.starts[day], m.starts[day + 1]
    s_ep, e_ep = raw[idx, 2], raw[idx, 3]
    ok = wanted[day] & (s_ep < eod) & (((e_ep != none) & (e_ep > sod)) | ((e_ep == none) & (s_ep >= sod - 86400)))
    idx, day, sod = idx[ok], day[ok], sod[ok]
    s = np.clip((raw[idx, 2] - sod) // 60, 0, 1440)
    day_end = _day_ends(m)
    st = stop[idx]
    e = np.where(st == none, day_end[day], np.clip((st - sod) // 60, 0, 1440))
    e = np.maximum(s, e)
    key, s, e = _merge(m.key(day, raw[idx, 1]), s, e)
    return {"key": key, "start": s, "end": e}


def _facts(m: _Month, voided: np.ndarray, judged: np.ndarray) -> dict[dt.date, engine.DayFacts]:
    """Each day's facts of the events other than punches and pauses, as :func:`engine.gather` reads them."""
    center = m.center
    first, last = m.days[0], m.days[-1]
    lo, hi = engine.local_day_bounds(center, first)[0], engine.local_day_bounds(center, last)[1]
    follow = [EventType.APPROVAL, EventType.LEAVE_RETURN]
    # the types named (not the punches excluded), unordered: the database reads the few rows by the type's index
    # (an ORDER BY id would walk the center's every event in id order); sorted by id here, as gather reads them
    others = [t for t in EventType if t not in engine.BULK_TYPES and t != EventType.VOID]
    events = sorted(Event.objects.filter(center=center, type__in=others).filter(
        Q(at__gte=lo, at__lt=hi) | Q(start__lt=hi, end__gt=lo) | Q(start__lt=hi, end__isnull=True, start__gte=lo - DAY)
        | Q(date__gte=first, date__lte=last) | Q(type=EventType.REMOVAL, date__lte=last)
        | Q(type__in=follow, target__start__lt=hi, target__start__gte=lo - 400 * DAY)
        & (Q(target__end__gt=lo) | Q(target__end__isnull=True, target__start__gte=lo - DAY))).order_by(),
                    key=lambda e: e.pk)
    gone = set(voided.tolist())
    events = [e for e in events if e.pk not in gone]
    by_id = {e.pk: e for e in events}
    on_day: dict[dt.date, list[Event]] = defaultdict(list)
    bounds = {d: engine.local_day_bounds(center, d)[:2] for d in m.days}
    for e in events:
        tgt = by_id.get(e.target_id) if e.type in follow and e.target_id else None
        for d in _candidates(m, e, tgt):
            if _touches(e, tgt, d, *bounds[d]):
                on_day[d].append(e)
    assignments = _assignments(center, m.days)
    out = {}
    opening = engine.opening_of(center)
    for d in m.days:
        sod, _eod = bounds[d]
        facts = engine.DayFacts(center, d, m.cal.is_workday(d), bool(judged[m.index[d]]), sod, opening, None,
                                _extended_of(m, d))
        facts.assignments = assignments[d]
        out[d] = engine._judge_events(facts, on_day.get(d, []), m.cal, None, scoped=True)
    return out


def _candidates(m: _Month, e: Event, tgt: Event | None) -> list[dt.date]:
    """The days of the range an event may touch (then asked exactly by :func:`_touches`)."""
    if e.type == EventType.REMOVAL and e.date is not None:
        return [d for d in m.days if e.date <= d]
    found: set[dt.date] = set()
    for ev in (e, tgt):
        if ev is None:
            continue
        points = [p for p in (ev.at, ev.start, ev.end) if p is not None]
        if ev.start is not None and ev.end is None:
            points.append(ev.start + DAY)
        if points:
            lo = bisect.bisect_right(m.start_list, int(min(points).timestamp())) - 1
            hi = bisect.bisect_right(m.start_list, int(max(points).timestamp())) - 1
            found.update(m.span[i] for i in range(max(lo - 1, 0), min(hi + 1, len(m.span) - 1) + 1))
        if ev.date is not None:
            found.add(ev.date)
    return [d for d in m.days if d in found]


def _touches(e: Event, tgt: Event | None, day: dt.date, sod: dt.datetime, eod: dt.datetime) -> bool:
    """The condition of :func:`engine.gather`'s query for one event and day (follow-ups by their target)."""
    if e.at is not None and sod <= e.at < eod:
        return True
    if e.start is not None and e.start < eod and (
            (e.end is not None and e.end > sod) or (e.end is None and e.start >= sod - DAY)):
        return True
    if e.date == day or (e.type == EventType.REMOVAL and e.date is not None and e.date <= day):
        return True
    if tgt is not None and tgt.start is not None and sod - 400 * DAY <= tgt.start < eod:
        return (tgt.end > sod) if tgt.end is not None else tgt.start >= sod - DAY
    return False


def _assignments(center: Center, days: list[dt.date]) -> dict[dt.date, dict[int, PostAssignment]]:
    """Each day's assignment in force per post (ORG-3), from one read of the history."""
    history: dict[int, list[PostAssignment]] = defaultdict(list)
    for asg in PostAssignment.objects.filter(post__center=center, valid_from__lte=days[-1]).select_related(
            "a", "b").order_by("post_id", "valid_from"):
        history[asg.post_id].append(asg)
    out: dict[dt.date, dict[int, PostAssignment]] = {}
    for d in days:
        held: dict[int, PostAssignment] = {}
        for pid, items in history.items():
            pick = None
            for asg in items:
                if asg.valid_from <= d:
                    pick = asg
            if pick is not None:
                held[pid] = pick
        out[d] = held
    return out


def _coverage(m: _Month, facts_of: dict[dt.date, engine.DayFacts], pres: dict[str, np.ndarray],
              pauses: dict[str, np.ndarray]) -> tuple[dict[tuple[int, dt.date], list[tuple[Any, ...]]],
                                                      list[tuple[Any, ...]]]:
    """Vacancies (NV-2, NV-6, NV-7) and late openings (NV-11) of every post-day: the wanted vacancy rows per
    (post, day) and the late-opening anomaly rows."""
    center, policy = m.center, m.policy
    posts = list(Post.objects.filter(center=center).select_related("department", "window").order_by("id"))
    grace, daily = policy.pause_grace_minutes, policy.pause_daily_minutes
    groups: dict[tuple[tuple[int, int], ...], list[tuple[engine.DayFacts, Post, list[tuple[int, int]]]]] = \
        defaultdict(list)
    single: list[tuple[engine.DayFacts, Post, list[tuple[int, int]]]] = []
    for d in m.days:
        facts = facts_of[d]
        if not facts.judged:
            continue
        plain = engine.opening_for(facts, None)  # a window without extended sessions (ATT-4)
        for post in posts:
            if post.pk not in facts.assignments:
                continue
            opening = engine.opening_for(facts, post.window_id) if (post.window_id or 0) in facts.extended else plain
            if not opening:
                continue
            if len(facts.stand_ins.get(post.pk, [])) > 1:
                single.append((facts, post, opening))
            else:
                groups[tuple(opening)].append((facts, post, opening))
    sod_of = {d: int(facts.start_of_day.timestamp()) for d, facts in facts_of.items()}
    runs: dict[tuple[int, dt.date], list[Run]] = {}
    wanted: dict[tuple[int, dt.date], list[tuple[Any, ...]]] = defaultdict(list)
    late_rows: list[tuple[Any, ...]] = []
    for opening_key, rows in groups.items():
        batch, hand, a_ids, b_ids = _batch(m, rows, list(opening_key), pres, pauses, grace, daily)
        found = cb.batch_runs_explained(batch)
        # a post-day with a waiver (NV-6) takes the runs one by one below; the others are worked out as columns
        has_waiver = np.fromiter((bool(f.waivers.get(p.pk)) for f, p, _o in rows), dtype=bool, count=len(rows))
        by_hand = has_waiver[found[0]]
        for r, s, e, k, over, absent, unapproved in zip(*(c[by_hand].tolist() for c in found), strict=True):
            facts, post, _o = rows[r]
            runs.setdefault((post.pk, facts.date), []).append(
                _run(m, facts.assignments[post.pk], post, cb.KINDS[k], s, e, over, absent, unapproved, hand[r]))
        _columns_to_rows(m, rows, list(opening_key), tuple(c[~by_hand] for c in found), hand, a_ids, b_ids,
                         sod_of, wanted, late_rows)
    for facts, post, opening in single:  # more than one stand-in: the interval engine
        found_runs = uncovered_runs(_post_day(m, facts, post, opening, pres, pauses), post.department.code)
        if found_runs:
            runs[(post.pk, facts.date)] = found_runs
    by_post = {p.pk: p for p in posts}
    whole_of: dict[tuple[dt.date, int], tuple[list[tuple[int, int]], set[int]]] = {}
    for (pid, d), post_runs in runs.items():
        facts, post = facts_of[d], by_post[pid]
        window = post.window_id if (post.window_id or 0) in facts.extended else -1
        got = whole_of.get((d, window))
        if got is None:
            whole = engine.opening_for(facts, post.window_id, whole=True)
            got = whole_of[(d, window)] = (whole, {s for s, _e in whole})
        whole, session_starts = got
        if any(r.start in session_starts for r in post_runs):  # NV-11: a stretch from an opening may be late
            kept, late = split_late_openings(post_runs, whole, policy.clock_in_grace)
        else:
            kept, late = sorted(post_runs, key=lambda r: r.start), []
        waived = facts.waivers.get(pid)
        if waived:
            kept = waive(kept, waived)
        asg = facts.assignments[pid]
        sod = sod_of[d]
        for r in kept:
            staff = asg.a_id if r.answerable_kind == "a" else asg.b_id if r.answerable_kind == "b" else None
            wanted[(pid, d)].append((sod + 60 * r.start, sod + 60 * r.end, r.minutes, r.answerable_kind, staff,
                                     r.answerable, r.reason, False))
        late_rows += _late_openings(facts, post, sod, (
            (asg.a_id if r.answerable_kind == "a" else asg.b_id if r.answerable_kind == "b" else None, r.start, end)
            for r, end in late_stretches(late)))
    m.posts = by_post
    return wanted, late_rows


def _run(m: _Month, asg: PostAssignment, post: Post, kind: str, start: int, end: int, over: bool, absent: bool,
         unapproved: bool, handover: bool) -> Run:
    """One uncovered run of the array engine with its answerable party and reason (NV-6)."""
    if kind == "department":
        return Run(start, end, kind, post.department.code, REASON_DEPARTMENT)
    who = m.code.get(asg.a_id if kind == "a" else asg.b_id, "")
    return Run(start, end, kind, who, _reason(kind, "A岗" if kind == "a" else "B岗", over, absent, unapproved,
                                              handover))


# The reasons (NV-5, NV-3, NV-6) by the array engine's kind and flags, for _columns_to_rows: index
# 4 · kind + (0 over, 1 absent without the handover, 2 absent unapproved, 3 neither); the department's is one.
_REASONS = [_reason(kind, role, *flags) for kind, role in (("a", "A岗"), ("b", "B岗"))
            for flags in ((True, False, False, True), (False, True, False, False), (False, True, True, True),
                          (False, False, False, True))] + [REASON_DEPARTMENT] * 4


def _columns_to_rows(m: _Month, rows: list[tuple[engine.DayFacts, Post, list[tuple[int, int]]]],
                     opening: list[tuple[int, int]], found: tuple[np.ndarray, ...], hand: list[bool],
                     a_ids: np.ndarray, b_ids: np.ndarray, sod_of: dict[dt.date, int],
                     wanted: dict[tuple[int, dt.date], list[tuple[Any, ...]]], late_rows: list[tuple[Any, ...]]) -> None:
    """The array engine's runs of post-days without waivers made into vacancy rows (NV-2, NV-6) and late-opening
    rows (NV-11, ``rules.coverage_batch.late_openings``: ``opening`` is the post-days' whole, merged opening time,
    as the days are over) as columns."""
    r, s, e, k, over, absent, unapproved = found
    late, firsts, late_end = cb.late_openings(r, s, e, opening, m.policy.clock_in_grace)
    hand_ok = np.array(hand, dtype=bool)[r]
    a_kind = k == 0
    flag = np.where(over, 0, np.where(a_kind & absent & ~unapproved & ~hand_ok, 1,
                                      np.where(absent & unapproved, 2, 3)))
    reason = np.minimum(k, 2) * 4 + flag
    staff = np.where(a_kind, a_ids[r], np.where(k == 1, b_ids[r], -1))
    code, reasons, kinds = m.code, _REASONS, cb.KINDS
    sods = [sod_of[f.date] for f, _p, _o in rows]
    keep = ~late
    for row, start, end, kind, who, why in zip(*(c[keep].tolist() for c in (r, s, e, k, staff, reason)),
                                               strict=True):
        facts, post, _o = rows[row]
        sod = sods[row]
        wanted[(post.pk, facts.date)].append(
            (sod + 60 * start, sod + 60 * end, end - start, kinds[kind], None if who < 0 else who,
             post.department.code if kind == 2 else code.get(who, ""), reasons[why], False))
    for row, start, end, who in zip(*(c.tolist() for c in (r[firsts], s[firsts], late_end, staff[firsts])),
                                    strict=True):
        facts, post, _o = rows[row]
        late_rows += _late_openings(facts, post, sods[row], [(None if who < 0 else who, start, end)])


def _late_openings(facts: engine.DayFacts, post: Post, sod: int,
                   stretches: Iterable[tuple[int | None, int, int]]) -> list[tuple[Any, ...]]:
    """``engine._late_openings`` as rows (NV-11): one per late stretch (who answers — A or B, None for the
    department —, start, end), on that person, unless the office waived their attendance then (NV-6)."""
    rows = []
    for staff, start, end in stretches:
        if staff is None:
            continue  # the department answers: not a person's attendance
        if any(s <= start < e for s, e in facts.attendance_waivers.get(staff, [])):
            continue
        rows.append((facts.date, staff, engine.LATE_OPENING, end - start, sod + 60 * start, post.pk, post.code))
    return rows


def _slot_people(m: _Month, facts: engine.DayFacts, post: Post) -> list[tuple[int, int | None, bool]]:
    """(slot, person, removed) of a post-day: A, B and its stand-in if any."""
    asg = facts.assignments[post.pk]
    out: list[tuple[int, int | None, bool]] = [
        (0, asg.a_id, engine.removed(facts, post, asg.a_id)), (1, asg.b_id, engine.removed(facts, post, asg.b_id))]
    for sid, _s, _e in facts.stand_ins.get(post.pk, [])[:1]:
        out.append((2, sid, False))
    return out


def _batch(m: _Month, rows: list[tuple[engine.DayFacts, Post, list[tuple[int, int]]]], opening: list[tuple[int, int]],
           pres: dict[str, np.ndarray], pauses: dict[str, np.ndarray], grace: int,
           daily: int) -> tuple[cb.DayBatch, list[bool], np.ndarray, np.ndarray]:
    """The array engine's input for post-days sharing one opening time, straight from the columns.

    Most post-days are plain — A and B in the post, no leave or away, no stand-in — and are laid out with arrays;
    the others (a removal, an absence of A, B or the stand-in, a stand-in) one by one."""
    n = len(rows)
    di = {d: m.index[d] for d in m.days}
    day = np.fromiter((di[f.date] for f, _p, _o in rows), dtype=np.int64, count=n)
    held = [f.assignments[p.pk] for f, p, _o in rows]
    a_ids = np.fromiter((h.a_id for h in held), dtype=np.int64, count=n)
    b_ids = np.fromiter((-1 if h.b_id is None else h.b_id for h in held), dtype=np.int64, count=n)
    special = np.fromiter((p.pk in f.stand_ins or p.pk in f.removals or h.a_id in f.absences or h.b_id in f.absences
                           for (f, p, _o), h in zip(rows, held, strict=True)), dtype=bool, count=n)
    plain = np.nonzero(~special)[0]
    with_b = plain[b_ids[plain] >= 0]
    e_row: list[int] = []
    e_slot: list[int] = []
    e_key: list[int] = []
    a_row: list[int] = []
    a_slot: list[int] = []
    a_s: list[int] = []
    a_e: list[int] = []
    a_ok: list[int] = []
    si_s = np.full(n, -1, dtype=np.int64)
    si_e = np.full(n, -1, dtype=np.int64)
    hand = [True] * n
    pos = {int(s): i for i, s in enumerate(m.staff_ids.tolist())}
    for r in np.nonzero(special)[0].tolist():
        facts, post, _o = rows[r]
        base = di[facts.date] * m.ns
        for slot, sid, gone in _slot_people(m, facts, post):
            if gone:  # ASM-3: away the whole day, in order (engine.off_post)
                a_row.append(r)
                a_slot.append(slot)
                a_s.append(0)
                a_e.append(24 * 60)
                a_ok.append(1)
                continue
            if sid is None:
                continue
            e_row.append(r)
            e_slot.append(slot)
            e_key.append(base + pos.get(sid, 0))
            for absence, _ev in facts.absences.get(sid, []):
                a_row.append(r)
                a_slot.append(slot)
                a_s.append(absence.start)
                a_e.append(absence.end)
                a_ok.append(int(absence.approved))
        stand = facts.stand_ins.get(post.pk, [])
        if stand:
            si_s[r], si_e[r] = stand[0][1], stand[0][2]
        a_id = held[r].a_id
        hand[r] = engine.handover_ok(facts, post) if any(a.approved for a, _e in facts.absences.get(a_id, [])) \
            else True
    er = np.concatenate([plain, with_b, np.array(e_row, dtype=np.int64)])
    es = np.concatenate([np.zeros(plain.size, dtype=np.int64), np.ones(with_b.size, dtype=np.int64),
                         np.array(e_slot, dtype=np.int64)])
    ek = np.concatenate([m.key(day[plain], a_ids[plain]), m.key(day[with_b], b_ids[with_b]),
                         np.array(e_key, dtype=np.int64)])
    pe, pi = _join(ek, pres["key"])
    qe, qi = _join(ek, pauses["key"])
    pr, ps = er[pe], es[pe]
    po = np.lexsort((ps, pr))
    qr, qs, qa, qb = er[qe], es[qe], pauses["start"][qi], pauses["end"][qi]
    qo = np.lexsort((qa, qs, qr))
    ar, as_, aa, ab, ok = (np.array(x, dtype=np.int64) for x in (a_row, a_slot, a_s, a_e, a_ok))
    ao = np.argsort(ar, kind="stable")
    batch = cb.DayBatch(len(rows), opening, pr[po], ps[po], pres["start"][pi][po], pres["end"][pi][po],
                        ar[ao], as_[ao], aa[ao], ab[ao], ok[ao], qr[qo], qs[qo], qa[qo], qb[qo],
                        si_s, si_e, np.array(hand, dtype=bool), grace, daily)
    return batch, hand, a_ids, b_ids


def _person(m: _Month, facts: engine.DayFacts, sid: int, pres: dict[str, np.ndarray],
            pauses: dict[str, np.ndarray]) -> PersonDay:
    key = m.key(m.index[facts.date], sid)
    i, j = np.searchsorted(pres["key"], [key, key + 1])
    present = normalise(zip(pres["start"][i:j].tolist(), pres["end"][i:j].tolist(), strict=True))
    i, j = np.searchsorted(pauses["key"], [key, key + 1])
    return PersonDay(m.code.get(sid, ""), present, [a for a, _e in facts.absences.get(sid, [])],
                     list(zip(pauses["start"][i:j].tolist(), pauses["end"][i:j].tolist(), strict=True)))


def _post_day(m: _Month, facts: engine.DayFacts, post: Post, opening: list[tuple[int, int]],
              pres: dict[str, np.ndarray], pauses: dict[str, np.ndarray]) -> PostDay:
    asg = facts.assignments[post.pk]
    people = []
    for sid in (asg.a_id, asg.b_id):
        gone = engine.removed(facts, post, sid)
        people.append(PersonDay(m.code.get(sid, ""), [], [Absence(0, 24 * 60, "removed", True)], [])
                      if gone else _person(m, facts, sid, pres, pauses))
    stand_ins = [StandIn(_person(m, facts, sid, pres, pauses), s, e) for sid, s, e in facts.stand_ins.get(post.pk, [])]
    return PostDay(post.code, opening, people[0], people[1], stand_ins, engine.handover_ok(facts, post),
                   m.policy.pause_grace_minutes, m.policy.pause_daily_minutes)


def _attendance(m: _Month, facts_of: dict[dt.date, engine.DayFacts], pres: dict[str, np.ndarray],
                found: dict[str, np.ndarray]) -> list[tuple[Any, ...]]:
    """ATT-1 for every expected person-day (engine.recompute_anomalies): (date, staff, kind, minutes, start epoch,
    post, detail) rows — the clock's own findings and ``rules.attendance_batch`` (each session on its own,
    approved leave and away excused); a session with no presence is no absence when a clock-out with nobody
    present shows the person came (SCENARIO.md's clock walk)."""
    sessions = normalise(engine.opening_of(m.center))
    grace = m.policy.clock_in_grace
    n_keys = len(m.span) * m.ns
    present_any = np.zeros(n_keys, dtype=bool)
    nonempty = pres["end"] > pres["start"]
    present_any[pres["key"][nonempty]] = True
    orphan_any = np.zeros(n_keys, dtype=bool)
    orphan_any[found["orphan_key"]] = True
    pos = {int(s): i for i, s in enumerate(m.staff_ids.tolist())}
    keys_of: list[int] = []
    x_key: list[int] = []  # approved leave and away, merged per person-day (ATT-1: excused)
    x_start: list[int] = []
    x_end: list[int] = []
    for d in m.days:
        facts = facts_of[d]
        if not (facts.workday and facts.judged):
            continue
        expected = {i for asg in facts.assignments.values() for i in (asg.a_id, asg.b_id)} & m.active
        expected -= engine.removed_everywhere(facts)  # ASM-3
        base = m.index[d] * m.ns
        keys_of += [base + pos[sid] for sid in expected]
        for sid, absences in facts.absences.items():
            if sid not in expected:
                continue
            for s, e in normalise((a.start, a.end) for a, _e in absences if a.approved):
                x_key.append(base + pos[sid])
                x_start.append(s)
                x_end.append(e)
    keys = np.unique(np.array(keys_of, dtype=np.int64))
    xk, xs, xe = (np.array(v, dtype=np.int64) for v in (x_key, x_start, x_end))
    # the clock's own findings (SCENARIO.md) of every expected person-day
    f_key: list[np.ndarray] = []
    f_start: list[np.ndarray] = []
    f_kind: list[np.ndarray] = []
    f_min: list[np.ndarray] = []
    for kind, name in (("clock_out_without_clock_in", "orphan"), ("missing_clock_out", "missing")):
        of = found[f"{name}_key"]
        hit = np.isin(of, keys)
        f_key.append(of[hit])
        f_start.append(found[f"{name}_minute"][hit])
        f_kind.append(np.full(int(hit.sum()), kind, dtype=object))
        f_min.append(np.zeros(int(hit.sum()), dtype=np.int64))
    # late, early leave and absence per session (ATT-1), approved leave and away excused
    p_at = np.searchsorted(keys, pres["key"])
    p_in = ((p_at < keys.size) & (keys[np.minimum(p_at, keys.size - 1)] == pres["key"]) if keys.size
            else np.zeros(p_at.size, dtype=bool))  # nobody expected: a day off with an extended session (ATT-4)
    b_at, b_start, b_kind, b_min = session_anomalies_batch(
        keys.size, p_at[p_in], pres["start"][p_in], pres["end"][p_in], np.searchsorted(keys, xk), xs, xe, sessions,
        grace)
    came = present_any[keys[b_at]] | ~orphan_any[keys[b_at]]  # a clock-out with nobody present shows they came
    keep = came | (b_kind != 0)  # ... so the absent (旷工) of that person-day is no finding
    f_key.append(keys[b_at[keep]])
    f_start.append(b_start[keep])
    f_kind.append(np.array(ATTENDANCE_KINDS, dtype=object)[b_kind[keep]])
    f_min.append(b_min[keep])
    all_key = np.concatenate(f_key)
    starts = np.concatenate(f_start)
    day_i, staff_i = all_key // m.ns, all_key % m.ns
    epoch = m.starts[day_i] + 60 * starts
    span, ids = m.span, m.staff_ids.tolist()
    waived = {(facts.date, sid): spans for facts in facts_of.values() for sid, spans in facts.attendance_waivers.items()}
    rows: list[tuple[Any, ...]] = []
    for di, si, ep, kind, minutes, start in zip(day_i.tolist(), staff_i.tolist(), epoch.tolist(),
                                                np.concatenate(f_kind).tolist(), np.concatenate(f_min).tolist(),
                                                starts.tolist(), strict=True):
        d, sid = span[di], ids[si]
        spans = waived.get((d, sid))
        if spans and any(a <= start < b for a, b in spans):
            continue  # waived by the office with the day (NV-6)
        rows.append((d, sid, kind, minutes, ep, None, ""))
    return rows


# The order the new rows are made in (the models' positional path, without a keyword's work per field).
assert [f.attname for f in Vacancy._meta.concrete_fields] == [
    "id", "center_id", "post_id", "date", "start", "end", "minutes", "answerable_kind", "staff_id", "department_id",
    "answerable", "reason", "open"], "duty.month makes Vacancy rows by position: follow the model's fields"


def _write_vacancies(m: _Month, wanted: dict[tuple[int, dt.date], list[tuple[Any, ...]]]) -> list[Vacancy]:
    """Only the changed post-days' rows replaced (their rows all rewritten; ``engine._replace_posts``, for a punch,
    rewrites only the changed rows of a post-day); returns the new ones."""
    q = connection.ops.quote_name
    table = q(Vacancy._meta.db_table)
    dv = connection.ops.adapt_datefield_value
    have: dict[tuple[int, dt.date], list[tuple[Any, ...]]] = defaultdict(list)
    ids: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    days = set(m.days)
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, post_id, {q('date')}, {_epoch(q('start'))}, {_epoch(q('end'))}, minutes, "
                    f"answerable_kind, staff_id, answerable, reason, {q('open')} FROM {table} WHERE center_id = %s "
                    f"AND {q('date')} >= %s AND {q('date')} <= %s", [m.center.pk, dv(m.days[0]), dv(m.days[-1])])
        for pk, post_id, day, s, e, minutes, kind, staff, ans, reason, is_open in cur.fetchall():
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            if day not in days:
                continue
            have[(post_id, day)].append((s, e, minutes, kind, staff, ans, reason, bool(is_open)))
            ids[(post_id, day)].append(pk)
    stale: list[int] = []
    fresh: list[tuple[Any, ...]] = []
    created: list[Vacancy] = []
    changed_days: set[dt.date] = set()
    posts = m.posts
    for key in set(have) | set(wanted):
        want = sorted(wanted.get(key, []))
        old = have.get(key, [])
        if sorted(old) == want:
            continue
        stale += ids.get(key, [])
        starts = {(r[0], r[3]) for r in old}
        pid, day = key
        changed_days.add(day)
        post = posts[pid]
        for s, e, minutes, kind, staff, ans, reason, is_open in want:
            fresh.append((m.center.pk, pid, dv(day), s, e, minutes, kind, staff, post.department_id, ans, reason,
                          is_open))
            if (s, kind) not in starts:  # unsaved rows for the alerts, made by the models' positional path
                start, end = dt.datetime.fromtimestamp(s, UTC), dt.datetime.fromtimestamp(e, UTC)
                by_position: tuple[Any, ...] = (None, m.center.pk, pid, day, start, end, minutes, kind, staff,
                                                post.department_id, ans, reason, is_open)
                created.append(cast(Any, Vacancy)(*by_position))  # by position: the stubs type keywords only
    engine._delete_ids(Vacancy._meta.db_table, stale)
    _insert(table, engine._VACANCY_COLUMNS, fresh)
    for day in sorted(changed_days):  # issue 17 item 3: the days' alerts worked out again after commit
        alerts.rederived(m.center, day)
    return created


def _write_anomalies(m: _Month, rows: list[tuple[Any, ...]]) -> None:
    """The days' anomaly rows made to be ``rows`` (as ``engine._write_changed``): kept, deleted, inserted."""
    q = connection.ops.quote_name
    table = q(Anomaly._meta.db_table)
    dv = connection.ops.adapt_datefield_value
    wanted: dict[tuple[Any, ...], int] = defaultdict(int)
    for r in rows:
        wanted[r] += 1
    stale: list[int] = []
    days = set(m.days)
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, {q('date')}, staff_id, kind, minutes, {_epoch(q('start'))}, post_id, detail "
                    f"FROM {table} WHERE center_id = %s AND {q('date')} >= %s AND {q('date')} <= %s ORDER BY id",
                    [m.center.pk, dv(m.days[0]), dv(m.days[-1])])
        for pk, day, *rest in cur.fetchall():
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            if day not in days:
                continue
            key = (day, *rest)
            if wanted.get(key):
                wanted[key] -= 1
            else:
                stale.append(pk)
    fresh = [(m.center.pk, staff, dv(day), kind, minutes, start, post, detail)
             for (day, staff, kind, minutes, start, post, detail), n in wanted.items() for _ in range(n)]
    engine._delete_ids(Anomaly._meta.db_table, stale)
    _insert(table, engine._ANOMALY_COLUMNS, fresh)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """``engine._insert`` for rows whose ``start`` and ``end`` are epoch seconds (or None): SQLite with one prepared
    statement, the times made by the database (in process, a row costs little); PostgreSQL with ``COPY`` (a
    statement's round trip or parse per row would cost more than the month's judgement)."""
    if not rows:
        return
    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            marks = ", ".join("datetime(%s, 'unixepoch')" if c in ("start", "end") else "%s" for c in columns)
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        moments = [i for i, c in enumerate(columns) if c in ("start", "end")]
        with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = list(row)
                for i in moments:
                    if values[i] is not None:
                        values[i] = dt.datetime.fromtimestamp(values[i], UTC)
                copy.write_row(values)
