"""Coverage of a post-day — 窗口服务无缺位 (RULES.md NV-1, NV-2, NV-5, NV-6, NV-7).

Pure functions from one post's day of facts to its uncovered runs and who
answers for each. Times are whole minutes since the center's local midnight;
every interval is half-open ``[start, end)``.

A minute of opening hours is *covered* when A, or B, or a stand-in assigned
to the post for that minute is *available*: clocked in, not on leave, not
away, and not behind a pause beyond its grace (NV-2, NV-5, NV-7).

Uncovered minutes are attributed (NV-6): to **A** when A's absence is not in
order (no approved leave or away, or a planned absence without a handover in
time and no emergency, NV-3, or a pause beyond grace); otherwise to **B** when
B's absence is not in order; otherwise to **the department**.

This module is the first part of the no-vacancy engine; the database side
(events, recomputation, the ladder) builds on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Interval = tuple[int, int]

__all__ = [
    "Interval",
    "Absence",
    "PersonDay",
    "StandIn",
    "PostDay",
    "Run",
    "normalise",
    "intersect",
    "subtract",
    "presence_from_clock",
    "pause_overruns",
    "available",
    "uncovered_runs",
    "split_late_openings",
    "waive",
]


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, merged, non-empty intervals."""
    out: list[Interval] = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    a, b = normalise(a), normalise(b)
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    b = normalise(b)
    for s, e in normalise(a):
        cur = s
        for bs, be in b:
            if be <= cur or bs >= e:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
            if cur >= e:
                break
        if cur < e:
            out.append((cur, e))
    return out


def total(intervals: Iterable[Interval]) -> int:
    return sum(e - s for s, e in normalise(intervals))


def presence_from_clock(events: Iterable[tuple[int, str]], day_end: int) -> tuple[list[Interval], list[str]]:
    """Presence from clock events (minute, ``clock_in``/``clock_out``) — SCENARIO.md.

    Present from a clock-in to the next clock-out; a missing clock-out ends
    presence at ``day_end`` (the end of the last session) and is an anomaly;
    a clock-out with no clock-in before it is an anomaly and makes nobody present.
    """
    present, since, orphans = clock_walk(events)
    anomalies = ["clock_out_without_clock_in"] * len(orphans)
    if since is not None:
        anomalies.append("missing_clock_out")
        present.append((since, max(day_end, since)))
    return normalise(present), anomalies


def clock_walk(events: Iterable[tuple[int, str]]) -> tuple[list[Interval], int | None, list[int]]:
    """One pass over a day's clock events (minute, ``clock_in``/``clock_out``), SCENARIO.md: the closed stretches
    from a clock-in to the next clock-out, the clock-in still open at the end (or None), and the minutes of the
    clock-outs with no clock-in before them."""
    closed: list[Interval] = []
    orphans: list[int] = []
    since: int | None = None
    for minute, kind in sorted(events):
        if kind == "clock_in":
            if since is None:
                since = minute
        elif kind == "clock_out":
            if since is None:
                orphans.append(minute)
            else:
                closed.append((since, minute))
                since = None
        else:
            raise ValueError(f"unknown clock event {kind!r}")
    return closed, since, orphans


def _drop_first(parts: Sequence[Interval], minutes: int) -> list[Interval]:
    """``parts`` (sorted, disjoint) without their first ``minutes`` minutes."""
    out: list[Interval] = []
    for s, e in parts:
        skip = min(minutes, e - s)
        minutes -= skip
        if s + skip < e:
            out.append((s + skip, e))
    return out


def pause_overruns(pauses: Iterable[Interval], grace: int, daily: int,
                   opening: Sequence[Interval] | None = None) -> list[Interval]:
    """The parts of a day's pauses that count as absence (NV-5).

    Only minutes inside ``opening`` (the sessions and the window's extended
    sessions) are spent: a pause 11:50–14:40 across lunch spends 20 minutes,
    not 170. Each pause is free for its first ``grace`` spent minutes, and only
    while the day's pauses, their spent minutes counted in full, stay within
    ``daily``; the rest of its spent minutes is an overrun. Without
    ``opening`` every minute of a pause is spent.
    """
    over: list[Interval] = []
    used = 0
    for s, e in normalise(pauses):
        parts = [(s, e)] if opening is None else intersect([(s, e)], opening)
        spent = sum(pe - ps for ps, pe in parts)
        if not spent:
            continue
        free = max(0, min(spent, grace, daily - used))
        used += spent
        over += _drop_first(parts, free)
    return over


@dataclass(frozen=True)
class Absence:
    """Leave or away — 请假 / 公出, with whether it was in order (approved, NV-6)."""

    start: int
    end: int
    kind: str = "leave"  # leave | away
    approved: bool = True


@dataclass
class PersonDay:
    """One person's day as far as coverage is concerned."""

    code: str
    present: list[Interval] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    pauses: list[Interval] = field(default_factory=list)


@dataclass(frozen=True)
class StandIn:
    """A stand-in assigned by the center office for a span (NV-7)."""

    person: PersonDay
    start: int
    end: int


@dataclass
class PostDay:
    """A post's facts for one judged working day."""

    post: str
    opening: list[Interval]
    a: PersonDay
    b: PersonDay
    stand_ins: list[StandIn] = field(default_factory=list)
    # NV-3: A's planned absences are in order only with a handover in time (or an emergency).
    a_handover_ok: bool = True
    pause_grace: int = 15
    pause_daily: int = 60


@dataclass(frozen=True)
class Run:
    """A maximal run of uncovered minutes with one answerable party (NV-6)."""

    start: int
    end: int
    answerable_kind: str  # a | b | department
    answerable: str
    reason: str

    @property
    def minutes(self) -> int:
        return self.end - self.start


def available(person: PersonDay, opening: Sequence[Interval], grace: int, daily: int,
              counted: Sequence[Interval] | None = None) -> list[Interval]:
    """Minutes of ``opening`` the person is at the center and free to serve (NV-2, NV-5).

    Pauses spend their grace on the minutes of ``counted`` (default ``opening``): the
    post's whole opening time, when ``opening`` is only a part of it (a stand-in's span).
    """
    overrun = pause_overruns(person.pauses, grace, daily, opening if counted is None else counted)
    away = [(a.start, a.end) for a in person.absences] + overrun
    return subtract(intersect(person.present, opening), away)


def _in_order_absent(person: PersonDay, handover_ok: bool) -> list[Interval]:
    return normalise((a.start, a.end) for a in person.absences if a.approved and handover_ok)


def uncovered_runs(day: PostDay, department: str) -> list[Run]:
    """Uncovered minutes of a post-day as maximal runs with who answers (NV-2, NV-6, NV-7)."""
    g, d = day.pause_grace, day.pause_daily
    avail_a = available(day.a, day.opening, g, d)
    avail_b = available(day.b, day.opening, g, d)
    covered = avail_a + avail_b
    for si in day.stand_ins:
        covered += intersect(available(si.person, day.opening, g, d), [(si.start, si.end)])
    gaps = subtract(day.opening, covered)
    if not gaps:
        return []
    a_ok = _in_order_absent(day.a, day.a_handover_ok)
    b_ok = _in_order_absent(day.b, True)
    a_overrun = pause_overruns(day.a.pauses, g, d, day.opening)
    b_overrun = pause_overruns(day.b.pauses, g, d, day.opening)
    # A is at fault for any gap minute not covered by an in-order absence of A.
    a_fault = subtract(gaps, a_ok)
    rest = intersect(gaps, a_ok)
    b_fault = subtract(rest, b_ok)
    dept = intersect(rest, b_ok)
    runs: list[Run] = []
    for kind, who, spans, overrun in (("a", day.a.code, a_fault, a_overrun), ("b", day.b.code, b_fault, b_overrun),
                                      ("department", department, dept, [])):
        for s, e in normalise(spans):
            runs.append(Run(s, e, kind, who, _reason(kind, day, (s, e), overrun)))
    runs.sort(key=lambda r: r.start)
    return runs


def _reason(kind: str, day: PostDay, span: Interval, overrun: Sequence[Interval]) -> str:
    if kind == "department":
        return "A、B均按规定离岗，单位未安排顶岗人员"
    person = day.a if kind == "a" else day.b
    role = "A岗" if kind == "a" else "B岗"
    if intersect([span], overrun):
        return f"{role}暂停办理超出规定时长"
    absent = [a for a in person.absences if a.start < span[1] and a.end > span[0]]
    if kind == "a" and absent and all(a.approved for a in absent) and not day.a_handover_ok:
        return "A岗离岗未按规定提前办理工作移交"
    if absent and not all(a.approved for a in absent):
        return f"{role}离岗未经批准"
    return f"{role}未在岗且无请假或公出手续"


def split_late_openings(runs: Sequence[Run], sessions: Sequence[Interval], grace: int) -> tuple[list[Run], list[Run]]:
    """NV-11: (vacancies, late openings) of a post-day's uncovered runs.

    ``sessions`` is the post's whole opening time of the day (not cut at the
    present minute); adjoining sessions are one. An uncovered stretch that
    starts at a session's start and ends, before the session ends, within
    ``grace`` minutes of it is a late opening (迟开窗), not a vacancy; a
    stretch still running at the present minute is one too while it is within
    the grace. A longer stretch is a vacancy from the session's start; with
    ``grace`` 0 every uncovered minute is a vacancy.
    """
    ordered = sorted(runs, key=lambda r: r.start)
    late: list[Run] = []
    if grace > 0:
        for s, e in normalise(sessions):
            chain: list[Run] = []
            end = s
            for r in ordered:
                if r.start == end and r.end > end:
                    chain.append(r)
                    end = r.end
            if chain and end - s <= grace and end < e:
                late += chain
    kept = [r for r in ordered if r not in late]
    return kept, late


def late_stretches(late: Sequence[Run]) -> list[tuple[Run, int]]:
    """NV-11: the late openings of a post-day as stretches — (first run, the stretch's end minute) — one per
    stretch, which may be several adjoining runs with different answerable parties (the first one answers)."""
    out = []
    for r in late:
        if any(o.end == r.start for o in late):
            continue  # continues a stretch already counted
        end = r.end
        while any(o.start == end for o in late):
            end = next(o.end for o in late if o.start == end)
        out.append((r, end))
    return out


def waive(runs: Sequence[Run], waived: Sequence[Interval]) -> list[Run]:
    """Remove adjudicated minutes from runs (an appeal upheld is an event, NV-6)."""
    out: list[Run] = []
    for r in runs:
        for s, e in subtract([(r.start, r.end)], waived):
            out.append(Run(s, e, r.answerable_kind, r.answerable, r.reason))
    return out
