"""Coverage of many post-days at once, as arrays (NV-2, NV-3, NV-5, NV-6, NV-7).

The same rules as :func:`servicehall.rules.coverage.uncovered_runs`, for a
month of a city or province: each post-day is a row, each opening minute a
column, and the facts arrive as flat columns (what one bulk query returns).
The results are the uncovered runs with the answerable kind; the tests hold
it equal to the per-post-day engine.

Slots per row: 0 = A, 1 = B, 2 = the stand-in (if any, limited to its span).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .coverage import PostDay, Run

__all__ = ["DayBatch", "batch_runs", "batch_runs_explained", "from_post_days", "late_openings", "runs_of"]

KINDS = ("a", "b", "department")


@dataclass
class DayBatch:
    """Flat facts of ``n`` post-days sharing one set of opening sessions (minutes of the day)."""

    n: int
    opening: list[tuple[int, int]]
    # presence intervals: row, slot, start, end
    pres_row: np.ndarray
    pres_slot: np.ndarray
    pres_start: np.ndarray
    pres_end: np.ndarray
    # absences: row, slot, start, end, approved
    abs_row: np.ndarray
    abs_slot: np.ndarray
    abs_start: np.ndarray
    abs_end: np.ndarray
    abs_ok: np.ndarray
    # pauses, sorted by (row, slot, start), not overlapping within a (row, slot)
    pau_row: np.ndarray
    pau_slot: np.ndarray
    pau_start: np.ndarray
    pau_end: np.ndarray
    # stand-in span per row (-1 when none)
    si_start: np.ndarray
    si_end: np.ndarray
    handover_ok: np.ndarray
    pause_grace: int = 15
    pause_daily: int = 60


def _columns(opening: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """minute -> column (count of opening minutes before it); column -> minute; session-start columns."""
    is_open = np.zeros(24 * 60 + 1, dtype=bool)
    starts = []
    col = 0
    for s, e in opening:
        is_open[s:e] = True
        starts.append(col)
        col += e - s
    to_col = np.concatenate([[0], np.cumsum(is_open[:-1])]).astype(np.int64)
    to_minute = np.nonzero(is_open[:-1])[0]
    return to_col, to_minute, np.array(starts, dtype=np.int64)


def _overruns(b: DayBatch, to_col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NV-5 per pause, in columns: free for min(grace, what is left of the daily allowance), counted in full.

    Columns are opening minutes, so a pause spends only its minutes inside opening time.
    """
    start, end = to_col[np.clip(b.pau_start, 0, 1440)], to_col[np.clip(b.pau_end, 0, 1440)]
    if b.pau_row.size == 0:
        return start, end
    dur = end - start
    group = b.pau_row * 3 + b.pau_slot
    csum = np.cumsum(dur)
    new_group = np.ones(group.size, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    group_start_csum = np.maximum.accumulate(np.where(new_group, csum - dur, 0))
    used_before = csum - dur - group_start_csum
    free = np.clip(np.minimum(np.minimum(dur, b.pause_grace), b.pause_daily - used_before), 0, None)
    return start + free, end


CHUNK = 1024


def _rows_between(lo: int, hi: int, rows: np.ndarray, *cols: np.ndarray) -> tuple[np.ndarray, ...]:
    """The entries of rows lo..hi-1 (columns sorted by row), renumbered from 0."""
    i, j = np.searchsorted(rows, [lo, hi])
    return (rows[i:j] - lo, *(c[i:j] for c in cols))


def batch_runs(b: DayBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Uncovered runs of every row: (row, start minute, end minute, kind index into KINDS).

    Rows are processed in chunks that fit the processor's caches; the flat
    columns must be sorted by row.
    """
    rows, start, end, kind, _o, _a, _u = _chunked(b, False)
    return rows, start, end, kind


def batch_runs_explained(b: DayBatch) -> tuple[np.ndarray, ...]:
    """:func:`batch_runs` with what the reason of each run needs (NV-5, NV-6): whether the answerable A or B has a
    pause overrun, an absence, an absence not approved inside the run (False for the department's runs) —
    (row, start, end, kind, over, absent, unapproved)."""
    return _chunked(b, True)


def _chunked(b: DayBatch, explain: bool) -> tuple[np.ndarray, ...]:
    out = []
    for lo in range(0, b.n, CHUNK):
        hi = min(b.n, lo + CHUNK)

        pr, ps, pa, pb = _rows_between(lo, hi, b.pres_row, b.pres_slot, b.pres_start, b.pres_end)
        ar, as_, aa, ab, ok = _rows_between(lo, hi, b.abs_row, b.abs_slot, b.abs_start, b.abs_end, b.abs_ok)
        qr, qs, qa, qb = _rows_between(lo, hi, b.pau_row, b.pau_slot, b.pau_start, b.pau_end)
        chunk = DayBatch(hi - lo, b.opening, pr, ps, pa, pb, ar, as_, aa, ab, ok, qr, qs, qa, qb,
                         b.si_start[lo:hi], b.si_end[lo:hi], b.handover_ok[lo:hi], b.pause_grace, b.pause_daily)
        rows, start, end, kind, *flags = _batch_runs(chunk, explain)
        out.append((rows + lo, start, end, kind, *flags))
    if not out:
        empty = np.zeros(0, dtype=np.int64)
        no = np.zeros(0, dtype=bool)
        return empty, empty, empty, empty.astype(np.int8), no, no, no
    return tuple(np.concatenate(x) for x in zip(*out, strict=True))


# Weights of one combined running count per (row, slot, column): presence intervals never overlap
# (they come from clock pairs), absences and pause overruns are counted, approved absences counted apart.
# Each field is 6 bits wide (the count is never negative): read with shifts and masks, not division.
W_PRESENT, W_ABSENT, W_OVER, W_IN_ORDER = 1, 64, 4096, 262144
ABSENT_SHIFT, OVER_SHIFT, IN_ORDER_SHIFT, FIELD = 6, 12, 18, 63
assert (W_ABSENT, W_OVER, W_IN_ORDER) == (1 << ABSENT_SHIFT, 1 << OVER_SHIFT, 1 << IN_ORDER_SHIFT)


def _batch_runs(b: DayBatch, explain: bool = False) -> tuple[np.ndarray, ...]:
    to_col, to_minute, session_cols = _columns(b.opening)
    width = to_minute.size
    n_slots = 3

    def cols(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return to_col[np.clip(start, 0, 1440)], to_col[np.clip(end, 0, 1440)]

    # The stand-in counts only within their assigned span (NV-7): clip slot 2's presence to it.
    si = b.pres_slot == 2
    p_start = np.where(si, np.maximum(b.pres_start, b.si_start[b.pres_row]), b.pres_start)
    p_end = np.where(si, np.minimum(b.pres_end, b.si_end[b.pres_row]), b.pres_end)
    o_start, o_end = _overruns(b, to_col)
    parts = [
        (b.pres_row, b.pres_slot, *cols(p_start, p_end), np.full(b.pres_row.size, W_PRESENT)),
        (b.abs_row, b.abs_slot, *cols(b.abs_start, b.abs_end),
         np.where(b.abs_ok.astype(bool), W_ABSENT + W_IN_ORDER, W_ABSENT)),
        (b.pau_row, b.pau_slot, o_start, o_end, np.full(b.pau_row.size, W_OVER)),
    ]
    idx, weights = [], []
    for rows, slots, cs, ce, w in parts:
        keep = ce > cs
        base = (rows[keep] * n_slots + slots[keep]) * (width + 1)
        idx += [base + cs[keep], base + ce[keep]]
        weights += [w[keep], -w[keep]]
    diff = np.zeros(b.n * n_slots * (width + 1), dtype=np.int32)
    np.add.at(diff, np.concatenate(idx), np.concatenate(weights).astype(np.int32))
    # Every interval opens and closes inside its own (row, slot) segment, so one flat running sum
    # (contiguous, in place, fast) equals the per-segment sums.
    count = np.cumsum(diff, dtype=np.int32, out=diff).reshape(b.n, n_slots, width + 1)[:, :, :width]
    avail = (count & (W_IN_ORDER - 1)) == W_PRESENT
    in_order = count >= W_IN_ORDER
    uncovered = ~avail.any(axis=1)
    a_ok = in_order[:, 0, :] & b.handover_ok.astype(bool)[:, None]
    b_ok = in_order[:, 1, :]
    # 0 covered; else 1 + KINDS index: A answers unless A is away in order (NV-6), then B, then the department
    code = a_ok.astype(np.int8)
    code *= 1 + b_ok.astype(np.int8)
    code += 1
    code *= uncovered
    # Runs: a change of code along a row, or a session boundary, starts a new run.
    padded = np.zeros((b.n, width + 2), dtype=np.int8)
    padded[:, 1:-1] = code
    change = padded[:, 1:] != padded[:, :-1]
    gap = session_cols[(session_cols == 0) | (to_minute[session_cols] != to_minute[session_cols - 1] + 1)]
    change[:, gap] = True
    change[:, width] = True
    rows, edges = np.nonzero(change)
    # Each edge closes the previous segment of the row and opens the next.
    same_row = rows[1:] == rows[:-1]
    seg_row, seg_start, seg_end = rows[:-1][same_row], edges[:-1][same_row], edges[1:][same_row]
    seg_code = code[seg_row, np.minimum(seg_start, width - 1)]
    keep = (seg_code > 0) & (seg_end > seg_start)
    seg_row, seg_start, seg_end, seg_code = seg_row[keep], seg_start[keep], seg_end[keep], seg_code[keep]
    flags = [np.zeros(seg_row.size, dtype=bool)] * 3
    if explain:  # per run: any column of it where the answerable slot has an overrun / absence / one not approved
        slot = np.minimum(seg_code.astype(np.int64) - 1, 1)
        person = (seg_code == 1) | (seg_code == 2)
        # only the rows with a run of A or B are looked at again
        held, at = np.unique(seg_row[person], return_inverse=True)
        sub = count[held, :2, :]
        absent = (sub >> ABSENT_SHIFT) & FIELD
        flags = []
        for mark in ((sub >> OVER_SHIFT) & FIELD > 0, absent > 0, absent - (sub >> IN_ORDER_SHIFT) > 0):
            pre = np.zeros((held.size, 2, width + 1), dtype=np.int32)
            np.cumsum(mark, axis=2, out=pre[:, :, 1:])
            flag = np.zeros(seg_row.size, dtype=bool)
            r, sl, ss, se = at, slot[person], seg_start[person], seg_end[person]
            flag[person] = pre[r, sl, se] > pre[r, sl, ss]
            flags.append(flag)
    return (seg_row, to_minute[seg_start], to_minute[seg_end - 1] + 1, (seg_code - 1).astype(np.int8), *flags)


def late_openings(rows: np.ndarray, start: np.ndarray, end: np.ndarray, sessions: Sequence[tuple[int, int]],
                  grace: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NV-11 for the uncovered runs of many post-days (``rules.coverage.split_late_openings``, then
    ``late_stretches``): the runs sorted by (row, start), as :func:`batch_runs` gives them, inside ``sessions`` (the
    post-days' whole opening time, merged: the days are over).

    A stretch is a chain of adjoining runs of one row; one that starts at a session's start and ends within
    ``grace`` minutes of it, before the session ends, is a late opening, answered by its first run. Returns
    (late: per run; first: the index of each late stretch's first run; end: each late stretch's end minute)."""
    if rows.size == 0 or grace <= 0 or not sessions:
        return np.zeros(rows.size, dtype=bool), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    joined = np.zeros(rows.size, dtype=bool)
    joined[1:] = (rows[1:] == rows[:-1]) & (start[1:] == end[:-1])
    first = np.nonzero(~joined)[0]
    stretch = np.cumsum(~joined) - 1
    last = np.append(first[1:], rows.size) - 1
    s, e = start[first], end[last]
    sess_start = np.array([a for a, _b in sessions], dtype=np.int64)
    sess_end = np.array([b for _a, b in sessions], dtype=np.int64)
    j = np.minimum(np.searchsorted(sess_start, s), sess_start.size - 1)
    late = (sess_start[j] == s) & (e - s <= grace) & (e < sess_end[j])
    return late[stretch], first[late], e[late]


def _put(cols: dict[str, list[int]], **values: int) -> None:
    for key, value in values.items():
        cols[key].append(value)


def from_post_days(days: Sequence[PostDay]) -> DayBatch:
    """Flatten :class:`~servicehall.rules.coverage.PostDay` objects (one stand-in at most) into a batch."""
    from .coverage import normalise

    cols: dict[str, list[int]] = {k: [] for k in ("pr", "ps", "pa", "pb", "ar", "as", "aa", "ab", "ok",
                                             "qr", "qs", "qa", "qb")}
    si_start, si_end, hand = [], [], []
    for row, day in enumerate(days):
        people = [day.a, day.b] + ([day.stand_ins[0].person] if day.stand_ins else [])
        for slot, p in enumerate(people):
            for s, e in p.present:
                _put(cols, pr=row, ps=slot, pa=s, pb=e)
            for a in p.absences:
                _put(cols, ar=row, aa=a.start, ab=a.end, ok=a.approved)
                cols["as"].append(slot)
            for s, e in normalise(p.pauses):
                _put(cols, qr=row, qs=slot, qa=s, qb=e)
        si_start.append(day.stand_ins[0].start if day.stand_ins else -1)
        si_end.append(day.stand_ins[0].end if day.stand_ins else -1)
        hand.append(day.a_handover_ok)
    arr = {k: np.asarray(v, dtype=np.int64) for k, v in cols.items()}
    first = days[0]
    return DayBatch(len(days), first.opening, arr["pr"], arr["ps"], arr["pa"], arr["pb"], arr["ar"], arr["as"],
                    arr["aa"], arr["ab"], arr["ok"], arr["qr"], arr["qs"], arr["qa"], arr["qb"],
                    np.asarray(si_start, dtype=np.int64), np.asarray(si_end, dtype=np.int64),
                    np.asarray(hand, dtype=bool), first.pause_grace, first.pause_daily)


def runs_of(days: Sequence[PostDay], departments: Sequence[str]) -> list[list[Run]]:
    """:func:`~servicehall.rules.coverage.uncovered_runs` of many post-days (NV-2, NV-6, NV-7), each with its
    department: the post-days sharing opening time and pause allowances go through the array engine together;
    a post-day with more than one stand-in, which a batch row cannot hold, through the interval engine. The runs,
    their answerable party and reason are the interval engine's."""
    from .coverage import Run, _reason, pause_overruns, uncovered_runs

    out: list[list[Run]] = [[] for _ in days]
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, day in enumerate(days):
        if not day.opening:
            continue
        if len(day.stand_ins) > 1:
            out[i] = uncovered_runs(day, departments[i])
        else:
            groups[(tuple(day.opening), day.pause_grace, day.pause_daily)].append(i)
    for rows in groups.values():
        found = batch_runs(from_post_days([days[i] for i in rows]))
        for r, s, e, k in zip(*(col.tolist() for col in found), strict=True):
            i = rows[r]
            day, kind = days[i], KINDS[k]
            if kind == "department":
                who, overrun = departments[i], []
            else:
                person = day.a if kind == "a" else day.b
                who = person.code
                overrun = pause_overruns(person.pauses, day.pause_grace, day.pause_daily, day.opening)
            out[i].append(Run(s, e, kind, who, _reason(kind, day, (s, e), overrun)))
    return out
