"""Attendance of a staff-day, session by session — 考勤 (RULES.md ATT-1, SCENARIO.md ``servicehall anomalies``).

Pure functions. Times are whole minutes since the center's local midnight;
intervals are half-open ``[start, end)``.

Each opening session is judged on its own: a clerk who leaves at 11:00 and
comes back at 15:20 left early in the morning (60 minutes) and was late in
the afternoon (50 minutes). *Late* is arriving after the session's start plus
``clock_in_grace``, counted from the start to the arrival; *early leave* is
the last clock-out of a session before its end, counted to the end; a session
with no presence at all is *absent* (旷工), counted in the minutes that were
owed. Approved leave or away covering the time is no anomaly: a session's
owed time is the session without it, and lateness runs from the first owed
minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .coverage import Interval, clock_walk, intersect, normalise, subtract

__all__ = ["Finding", "Arrival", "clock_anomalies", "session_anomalies", "arrivals"]


@dataclass(frozen=True, order=True)
class Finding:
    """One attendance anomaly: where it begins (a minute of the day), its kind and whole minutes."""

    start: int
    kind: str  # late | early_leave | missing_clock_out | clock_out_without_clock_in | absent
    minutes: int = 0


@dataclass(frozen=True)
class Arrival:
    """When a person first arrived for a session, and whether ``arrive_early_minutes`` before its start."""

    session: Interval
    at: int | None  # None: not there in that session
    early_enough: bool


def clock_anomalies(events: Iterable[tuple[int, str]]) -> list[Finding]:
    """A missing clock-out (at the clock-in left open) and a clock-out with no clock-in before it (SCENARIO.md)."""
    _closed, since, orphans = clock_walk(events)
    out = [Finding(minute, "clock_out_without_clock_in") for minute in orphans]
    if since is not None:
        out.append(Finding(since, "missing_clock_out"))
    return out


def session_anomalies(present: Sequence[Interval], sessions: Sequence[Interval], excused: Sequence[Interval],
                      grace: int, horizon: int | None = None) -> list[Finding]:
    """Late, early leave and absence of one person, each session judged on its own (ATT-1).

    ``excused`` is approved leave or away. ``horizon`` is the first minute not
    yet lived (today); nothing is judged that the day has not reached: late
    only once start + grace has passed, early leave only once the session is over.
    """
    present = normalise(present)
    out: list[Finding] = []
    for s, e in normalise(sessions):
        owed = subtract([(s, e)], excused)
        if not owed:
            continue
        first = owed[0][0]
        if horizon is not None and horizon <= first + grace:
            continue
        here = intersect(present, [(s, e)])
        if not here:
            spent = owed if horizon is None else intersect(owed, [(0, horizon)])
            out.append(Finding(first, "absent", sum(b - a for a, b in spent)))
            continue
        arrival = next((a for a, b in here if b > first), None)
        if arrival is not None and arrival > first + grace:
            out.append(Finding(first, "late", arrival - first))
        leave = here[-1][1]
        if (horizon is None or horizon >= e) and leave < e:
            missed = subtract([(leave, e)], excused)
            if missed:
                out.append(Finding(leave, "early_leave", sum(b - a for a, b in missed)))
    return sorted(out)


def arrivals(present: Sequence[Interval], sessions: Sequence[Interval], arrive_early: int) -> list[Arrival]:
    """For each session, the arrival (the first minute present in or just before it) and whether early enough.

    ATT-1: be at the post ``arrive_early_minutes`` before the session starts.
    Presence running into the session counts from its start.
    """
    present = normalise(present)
    out: list[Arrival] = []
    for s, e in normalise(sessions):
        at = next((a for a, b in present if b > s and a < e), None)
        out.append(Arrival((s, e), at, at is not None and at <= s - arrive_early))
    return out
