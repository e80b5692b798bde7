"""NV-2, NV-3, NV-5, NV-6, NV-7: the pure coverage engine of a post-day."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.coverage import (
    Absence,
    PersonDay,
    PostDay,
    StandIn,
    intersect,
    pause_overruns,
    presence_from_clock,
    subtract,
    total,
    uncovered_runs,
)

OPEN = [(510, 720), (870, 1050)]  # 08:30-12:00, 14:30-17:30
ALL_DAY = [(500, 1060)]


def person(code, present=ALL_DAY, absences=(), pauses=()):
    return PersonDay(code, list(present), list(absences), list(pauses))


def day(a, b, **kw):
    return PostDay("P01", OPEN, a, b, **kw)


def test_nv2_a_present_no_vacancy():
    assert uncovered_runs(day(person("S1"), person("S2", present=[])), "RS") == []


def test_nv2_b_covers_a_on_leave_with_handover():
    a = person("S1", present=[], absences=[Absence(510, 1050)])
    assert uncovered_runs(day(a, person("S2")), "RS") == []


def test_nv6_a_absent_without_leave_and_b_away_a_answers():
    a = person("S1", present=[])
    b = person("S2", absences=[Absence(540, 600, "away")])
    runs = uncovered_runs(day(a, b), "RS")
    assert [(r.start, r.end, r.answerable_kind, r.answerable) for r in runs] == [(540, 600, "a", "S1")]
    assert "无请假" in runs[0].reason


def test_nv6_both_in_order_department_answers():
    a = person("S1", present=[], absences=[Absence(510, 1050)])
    b = person("S2", absences=[Absence(540, 600, "away")])
    runs = uncovered_runs(day(a, b), "RS")
    assert [(r.start, r.end, r.answerable_kind, r.answerable) for r in runs] == [(540, 600, "department", "RS")]


def test_nv6_a_in_order_b_not_b_answers():
    a = person("S1", present=[], absences=[Absence(510, 1050)])
    b = person("S2", present=[(510, 700)])
    runs = uncovered_runs(day(a, b), "RS")
    assert [(r.start, r.end, r.answerable_kind) for r in runs] == [(700, 720, "b"), (870, 1050, "b")]


def test_nv6_unapproved_leave_is_not_in_order():
    a = person("S1", present=[], absences=[Absence(510, 1050, approved=False)])
    runs = uncovered_runs(day(a, person("S2", present=[])), "RS")
    assert {r.answerable_kind for r in runs} == {"a"} and "未经批准" in runs[0].reason


def test_nv3_leave_without_handover_in_time_is_a_fault():
    a = person("S1", present=[], absences=[Absence(510, 1050)])
    runs = uncovered_runs(day(a, person("S2", present=[]), a_handover_ok=False), "RS")
    assert {r.answerable_kind for r in runs} == {"a"} and "移交" in runs[0].reason


def test_nv5_pause_within_grace_is_covered_beyond_is_vacancy():
    a = person("S1", pauses=[(600, 615)])
    assert uncovered_runs(day(a, person("S2", present=[])), "RS") == []
    a = person("S1", pauses=[(600, 640)])
    runs = uncovered_runs(day(a, person("S2", present=[])), "RS")
    assert [(r.start, r.end, r.answerable_kind) for r in runs] == [(615, 640, "a")]
    assert "暂停" in runs[0].reason


def test_nv5_daily_pause_allowance():
    pauses = [(540, 555), (600, 615), (650, 665), (700, 715), (880, 890)]  # 4 x 15 = 60, then 10 more
    assert pause_overruns(pauses, 15, 60) == [(880, 890)]


def test_nv5_b_covers_a_pause():
    a = person("S1", pauses=[(600, 700)])
    assert uncovered_runs(day(a, person("S2")), "RS") == []


def test_nv7_stand_in_covers_assigned_span_only():
    a = person("S1", present=[])
    b = person("S2", present=[])
    s = StandIn(person("S9"), 510, 720)
    runs = uncovered_runs(day(a, b, stand_ins=[s]), "RS")
    assert [(r.start, r.end) for r in runs] == [(870, 1050)]


def test_presence_from_clock_events():
    present, anomalies = presence_from_clock([(505, "clock_in"), (1055, "clock_out")], 1050)
    assert present == [(505, 1055)] and anomalies == []
    present, anomalies = presence_from_clock([(505, "clock_in")], 1050)
    assert present == [(505, 1050)] and anomalies == ["missing_clock_out"]
    present, anomalies = presence_from_clock([(700, "clock_out")], 1050)
    assert present == [] and anomalies == ["clock_out_without_clock_in"]


intervals = st.lists(st.tuples(st.integers(400, 1100), st.integers(1, 200)).map(lambda t: (t[0], t[0] + t[1])),
                     max_size=5)
absences = st.lists(st.builds(lambda s, n, ok: Absence(s, s + n, "leave", ok), st.integers(400, 1100),
                              st.integers(1, 300), st.booleans()), max_size=3)


@st.composite
def people(draw, code):
    return PersonDay(code, draw(intervals), draw(absences), draw(intervals))


@given(people("S1"), people("S2"), st.booleans())
def test_property_uncovered_minutes_lie_in_opening_hours(a, b, handover):
    runs = uncovered_runs(day(a, b, a_handover_ok=handover), "RS")
    spans = [(r.start, r.end) for r in runs]
    assert subtract(spans, OPEN) == []
    assert total(spans) == sum(r.minutes for r in runs)  # runs never overlap
    assert all(r.minutes > 0 for r in runs)


@given(people("S1"), people("S2"), intervals)
def test_property_adding_a_present_stand_in_never_adds_uncovered_minutes(a, b, extra):
    before = total((r.start, r.end) for r in uncovered_runs(day(a, b), "RS"))
    s = StandIn(PersonDay("S9", list(extra)), 0, 1440)
    after = total((r.start, r.end) for r in uncovered_runs(day(a, b, stand_ins=[s]), "RS"))
    assert after <= before


@given(people("S1"), people("S2"))
def test_property_more_presence_for_b_never_adds_uncovered_minutes(a, b):
    before = total((r.start, r.end) for r in uncovered_runs(day(a, b), "RS"))
    b2 = PersonDay(b.code, b.present + [(500, 1060)], b.absences, b.pauses)
    after = total((r.start, r.end) for r in uncovered_runs(day(a, b2), "RS"))
    assert after <= before


@given(intervals, intervals)
def test_interval_algebra(x, y):
    assert total(intersect(x, y)) + total(subtract(x, y)) == total(x)
