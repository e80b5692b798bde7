"""ATT-1 as columns (``rules.attendance_batch``) against ``rules.attendance.session_anomalies``, person-day by
person-day: random presence (touching, overlapping, outside the sessions), approved leave and away covering a
session's start, its end, its middle or all of it, sessions that adjoin, and grace from 0."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehall.rules.attendance import session_anomalies
from servicehall.rules.attendance_batch import KINDS, session_anomalies_batch
from servicehall.rules.coverage import normalise

EDGES = [480, 540, 720, 870, 900, 1050, 1080, 1140]  # the sessions' starts and ends below
MINUTE = st.one_of(st.integers(7 * 60, 19 * 60), st.sampled_from(EDGES))
SPAN = st.one_of(st.tuples(MINUTE, st.integers(0, 300)).map(lambda t: (t[0], t[0] + t[1])),
                 st.tuples(MINUTE, st.sampled_from(EDGES)).map(sorted).map(tuple))
PERSON_DAY = st.tuples(st.lists(SPAN, max_size=5), st.lists(SPAN, max_size=3))
SESSIONS = st.sampled_from([[(540, 720), (870, 1050)], [(540, 720), (720, 900)], [(480, 1080)],
                            [(540, 720), (870, 1050), (1080, 1140)]])


def _batch(days: list[tuple[list, list]], sessions, grace: int) -> list[list[tuple[int, str, int]]]:
    p_at, p_s, p_e, x_at, x_s, x_e = [], [], [], [], [], []
    for i, (present, excused) in enumerate(days):
        for s, e in present:
            p_at.append(i)
            p_s.append(s)
            p_e.append(e)
        for s, e in normalise(excused):
            x_at.append(i)
            x_s.append(s)
            x_e.append(e)
    pa, ps, pe, xa, xs, xe = (np.array(c, dtype=np.int64) for c in (p_at, p_s, p_e, x_at, x_s, x_e))
    at, start, kind, minutes = session_anomalies_batch(len(days), pa, ps, pe, xa, xs, xe, sessions, grace)
    out: list[list[tuple[int, str, int]]] = [[] for _ in days]
    for i, s, k, m in zip(at.tolist(), start.tolist(), kind.tolist(), minutes.tolist(), strict=True):
        out[i].append((s, KINDS[k], m))
    return [sorted(x) for x in out]


@settings(max_examples=200, deadline=None)
@given(st.lists(PERSON_DAY, min_size=1, max_size=6), SESSIONS, st.sampled_from([0, 5, 15]))
def test_att1_the_columns_equal_the_rules_per_person_day(days, sessions, grace):
    expected = [sorted((f.start, f.kind, f.minutes) for f in session_anomalies(present, sessions, normalise(excused),
                                                                               grace))
                for present, excused in days]
    assert _batch(days, sessions, grace) == expected


def test_att1_an_excused_session_start_moves_the_lateness_to_the_first_owed_minute():
    # away 09:00-09:30 approved; arrived 09:50: late from 09:30 (20 minutes, grace 5); left at 11:00 of a session
    # to 12:00 with 11:30-12:00 excused: early leave of 30 minutes
    days = [([(590, 660)], [(540, 570), (690, 720)])]
    assert _batch(days, [(540, 720)], 5) == [[(570, "late", 20), (660, "early_leave", 30)]]
    # nobody there and the whole session excused: nothing; part excused: absent for the owed minutes
    assert _batch([([], [(500, 800)])], [(540, 720)], 5) == [[]]
    assert _batch([([], [(600, 660)])], [(540, 720)], 5) == [[(540, "absent", 120)]]
