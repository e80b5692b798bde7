"""Attendance of many person-days at once, as arrays (ATT-1).

The same rules as :func:`servicehall.rules.attendance.session_anomalies` (a day that is over: no horizon), for a
month of a city: each person-day is an index ``0 .. n-1`` and the facts arrive as flat columns. Each opening
session is judged on its own:

* the owed time is the session without the person's approved leave or away (``excused``);
* a session with nothing owed is not judged;
* no presence in the session is *absent* for the owed minutes, from the first owed minute;
* *late* runs from the first owed minute to the arrival — the start (in the session) of the first presence
  still running then — when that is more than ``grace`` minutes after it;
* *early leave* is the owed time after the last presence of the session, from where it ended.

The tests hold it equal to ``session_anomalies`` on random days.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .coverage import Interval, normalise

__all__ = ["KINDS", "session_anomalies_batch"]

KINDS = ("absent", "late", "early_leave")


def session_anomalies_batch(n: int, pres_at: np.ndarray, pres_start: np.ndarray, pres_end: np.ndarray,
                            ex_at: np.ndarray, ex_start: np.ndarray, ex_end: np.ndarray,
                            sessions: Sequence[Interval], grace: int) -> tuple[np.ndarray, ...]:
    """The findings of ``n`` person-days: (person-day, start minute, kind index into KINDS, minutes), grouped by
    session and kind (not sorted).

    ``pres_*``: presence intervals, each with its person-day (any order; they may touch or overlap).
    ``ex_*``: approved leave and away, each with its person-day, merged per person-day (as ``normalise`` makes
    them: sorted, not touching), so that at most one covers a session's start.
    """
    big = 10 ** 6
    at: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    minutes: list[np.ndarray] = []
    for s, e in normalise(sessions):
        # the owed minutes and the first of them
        owed = np.full(n, e - s, dtype=np.int64)
        np.subtract.at(owed, ex_at, np.maximum(np.minimum(ex_end, e) - np.maximum(ex_start, s), 0))
        first = np.full(n, s, dtype=np.int64)
        covers = (ex_start <= s) & (ex_end > s)
        first[ex_at[covers]] = ex_end[covers]
        # presence in the session: the first still running at the first owed minute, and the last end
        cs, ce = np.maximum(pres_start, s), np.minimum(pres_end, e)
        inside = ce > cs
        here = np.zeros(n, dtype=bool)
        here[pres_at[inside]] = True
        running = inside & (ce > first[pres_at])
        arrival = np.full(n, big, dtype=np.int64)
        np.minimum.at(arrival, pres_at[running], cs[running])
        leave = np.full(n, -1, dtype=np.int64)
        np.maximum.at(leave, pres_at[inside], ce[inside])
        # the owed minutes after the last presence
        missed = np.where(here, e - leave, 0)
        np.subtract.at(missed, ex_at, np.where(here[ex_at],
                                               np.maximum(np.minimum(ex_end, e) - np.maximum(ex_start, leave[ex_at]), 0),
                                               0))
        judged = owed > 0
        for kind, mask, start, count in (
                (0, judged & ~here, first, owed),
                (1, judged & here & (arrival < big) & (arrival > first + grace), first, arrival - first),
                (2, judged & here & (leave < e) & (missed > 0), leave, missed)):
            found = np.nonzero(mask)[0]
            at.append(found)
            starts.append(start[found])
            kinds.append(np.full(found.size, kind, dtype=np.int8))
            minutes.append(count[found])
    if not at:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.astype(np.int8), empty
    return np.concatenate(at), np.concatenate(starts), np.concatenate(kinds), np.concatenate(minutes)
