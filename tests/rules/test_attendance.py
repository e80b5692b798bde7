"""ATT-1 each session judged on its own, NV-5 pauses spend opening minutes only, NV-11 late openings: pure rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.attendance import Finding, arrivals, clock_anomalies, session_anomalies
from servicehall.rules.coverage import (
    PersonDay,
    PostDay,
    Run,
    intersect,
    normalise,
    pause_overruns,
    split_late_openings,
    subtract,
    total,
    uncovered_runs,
)

OPEN = [(510, 720), (870, 1050)]  # 08:30-12:00, 14:30-17:30

intervals = st.lists(st.tuples(st.integers(400, 1100), st.integers(1, 200)).map(lambda t: (t[0], t[0] + t[1])),
                     max_size=5)
openings = st.lists(st.tuples(st.integers(480, 1080), st.integers(10, 240)).map(lambda t: (t[0], t[0] + t[1])),
                    min_size=1, max_size=3).map(normalise)


# -- NV-5 -------------------------------------------------------------------------------------------
def test_nv5_a_pause_across_lunch_spends_twenty_minutes():
    # 11:50-14:40: 10 minutes before noon and 10 after 14:30 are spent; the last 5 overrun the grace of 15
    assert pause_overruns([(710, 880)], 15, 60, OPEN) == [(875, 880)]
    # without the opening every minute is spent (the old reading): 155 minutes overrun
    assert total(pause_overruns([(710, 880)], 15, 60)) == 155


def test_nv5_lunch_minutes_leave_the_allowance_untouched():
    # 11:55-14:40 spends 5 + 10; a later pause of 15 is still within the grace and the day's 60
    assert pause_overruns([(715, 880), (960, 975)], 15, 60, OPEN) == []


@given(intervals, openings, st.integers(0, 30), st.integers(0, 90))
def test_property_a_pause_overrun_never_counts_minutes_outside_opening_time(pauses, opening, grace, daily):
    over = pause_overruns(pauses, grace, daily, opening)
    assert subtract(over, opening) == []
    assert subtract(over, pauses) == []
    # what is spent beyond the allowance is overrun: the free minutes are at most the day's allowance
    spent = total(intersect(normalise(pauses), opening))
    assert spent - total(over) <= daily


@given(intervals, st.integers(0, 30), st.integers(0, 90))
def test_property_opening_the_whole_day_is_the_plain_reading(pauses, grace, daily):
    assert pause_overruns(pauses, grace, daily, [(0, 1440)]) == pause_overruns(pauses, grace, daily)


# -- NV-11 ------------------------------------------------------------------------------------------
def run(s, e, kind="a"):
    return Run(s, e, kind, "S1", "")


def test_nv11_within_the_grace_is_a_late_opening_beyond_it_a_vacancy():
    assert split_late_openings([run(510, 515)], OPEN, 10) == ([], [run(510, 515)])
    assert split_late_openings([run(510, 521)], OPEN, 10) == ([run(510, 521)], [])
    # not at a session's start: a vacancy however short
    assert split_late_openings([run(600, 602)], OPEN, 10) == ([run(600, 602)], [])
    # the afternoon session is judged on its own
    assert split_late_openings([run(870, 876)], OPEN, 10) == ([], [run(870, 876)])
    # a grace of 0: every uncovered minute is a vacancy
    assert split_late_openings([run(510, 515)], OPEN, 0) == ([run(510, 515)], [])
    # a stretch of several answerable parties is judged whole
    assert split_late_openings([run(510, 514), run(514, 522, "b")], OPEN, 10) == (
        [run(510, 514), run(514, 522, "b")], [])


@given(st.lists(st.tuples(st.integers(480, 1080), st.integers(1, 30)), max_size=6), openings, st.integers(0, 20))
def test_property_late_openings_split_the_runs_and_lie_within_the_grace(raw, opening, grace):
    runs = [run(s, e) for s, e in normalise((s, s + n) for s, n in raw)]
    kept, late = split_late_openings(runs, opening, grace)
    assert sorted(kept + late, key=lambda r: r.start) == sorted(runs, key=lambda r: r.start)
    starts = [s for s, _e in opening]
    for r in late:
        assert any(s <= r.start and r.end <= s + grace for s in starts)
    assert split_late_openings(kept, opening, grace)[0] == kept  # re-deriving gives the same


@given(st.lists(st.tuples(st.integers(400, 1100), st.integers(1, 200)), max_size=4), st.integers(0, 15))
def test_property_rederiving_a_post_day_twice_gives_the_same(raw, grace):
    a = PersonDay("S1", [(s, s + n) for s, n in raw], [], [])
    day = PostDay("P01", OPEN, a, PersonDay("S2"))
    first = split_late_openings(uncovered_runs(day, "RS"), OPEN, grace)
    assert split_late_openings(uncovered_runs(day, "RS"), OPEN, grace) == first


# -- ATT-1 ------------------------------------------------------------------------------------------
def test_att1_a_split_day():
    # in 08:25, out 11:00, back 15:20, out 17:35
    assert session_anomalies([(505, 660), (920, 1055)], OPEN, [], 10) == [
        Finding(660, "early_leave", 60), Finding(870, "late", 50)]


def test_att1_approved_leave_covering_the_time_is_no_anomaly():
    assert session_anomalies([(505, 660)], OPEN, [(660, 1050)], 10) == []
    # leave in the morning until 10:00, in at 10:05: not late (within the grace of the first owed minute)
    assert session_anomalies([(605, 1055)], OPEN, [(510, 600)], 10) == []


def test_att1_a_session_without_presence_is_absent_and_today_waits():
    assert session_anomalies([(505, 720)], OPEN, [], 10) == [Finding(870, "absent", 180)]
    # today at 14:35: the afternoon is not judged yet; at 14:50 it is, as far as lived
    assert session_anomalies([(505, 720)], OPEN, [], 10, horizon=875) == []
    assert session_anomalies([(505, 720)], OPEN, [], 10, horizon=890) == [Finding(870, "absent", 20)]


def test_att1_clock_anomalies():
    assert clock_anomalies([(700, "clock_out"), (720, "clock_in")]) == [
        Finding(700, "clock_out_without_clock_in"), Finding(720, "missing_clock_out")]


def test_att1_arriving_early_enough():
    got = arrivals([(500, 700), (868, 1055)], OPEN, 5)
    assert [(a.at, a.early_enough) for a in got] == [(500, True), (868, False)]
    assert arrivals([], OPEN, 5)[0].at is None


@given(intervals, intervals, st.integers(0, 20))
def test_property_late_is_beyond_the_grace_and_findings_lie_in_their_session(present, excused, grace):
    found = session_anomalies(present, OPEN, excused, grace)
    assert found == session_anomalies(present, OPEN, excused, grace)
    assert found == sorted(found)
    for f in found:
        assert any(s <= f.start <= e for s, e in OPEN)
        if f.kind == "late":
            assert f.minutes > grace
        assert f.minutes > 0
