"""ASM-2: monthly points from deductions and praise, the praise cap, grades by thresholds, custom tables."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.assessment import (
    DEFAULT_POINTS,
    GRADES,
    KINDS,
    Deduction,
    grade,
    grade_thresholds,
    grades_problems,
    point_table,
    score,
    summarize,
    table_problems,
)

DAY = dt.date(2026, 3, 2)


def entry(kind, points, day=0):
    return Deduction(kind, DAY + dt.timedelta(days=day), points, f"{kind} #{day}")


entries = st.lists(
    st.one_of(st.builds(entry, st.sampled_from([k for k in KINDS if k != "praise"]), st.integers(-10, 0),
                        st.integers(0, 27)),
              st.builds(entry, st.just("praise"), st.integers(0, 5), st.integers(0, 27))), max_size=30)


def test_asm2_default_table():
    assert DEFAULT_POINTS["vacancy"] == -5 and DEFAULT_POINTS["absent"] == -5
    assert DEFAULT_POINTS["late"] == DEFAULT_POINTS["early_leave"] == -1
    assert (DEFAULT_POINTS["red_case"], DEFAULT_POINTS["late_notice"], DEFAULT_POINTS["notice_breach"]) == (-3, -2, -3)
    assert (DEFAULT_POINTS["inquiry"], DEFAULT_POINTS["complaint"], DEFAULT_POINTS["poor_rating"]) == (-2, -5, -2)
    assert (DEFAULT_POINTS["inspection"], DEFAULT_POINTS["inspection_media"]) == (-2, -10)
    assert (DEFAULT_POINTS["praise"], DEFAULT_POINTS["praise_cap"]) == (2, 10)


@pytest.mark.parametrize("points,expected", [(100, "优秀"), (95, "优秀"), (94, "称职"), (80, "称职"),
                                             (79, "基本称职"), (60, "基本称职"), (59, "不称职"), (-20, "不称职")])
def test_asm2_grade_thresholds(points, expected):
    assert grade(points) == expected


@given(entries)
def test_points_are_100_plus_the_shown_entries(items):
    s = score(items)
    assert s.points == 100 + sum(d.points for d in s.deductions)
    assert len(s.deductions) == len(items)
    assert s.grade == grade(s.points)


@given(entries)
def test_praise_adds_at_most_the_cap_a_month(items):
    s = score(items)
    praise = sum(d.points for d in s.deductions if d.kind == "praise")
    assert 0 <= praise <= 10
    violations = sum(d.points for d in items if d.kind != "praise")
    assert s.points == 100 + violations + min(10, sum(d.points for d in items if d.kind == "praise"))


def test_praise_beyond_the_cap_is_shown_at_zero():
    s = score([entry("praise", 2, day) for day in range(7)])
    assert s.points == 110
    assert [d.points for d in s.deductions] == [2, 2, 2, 2, 2, 0, 0]
    assert "上限" in s.deductions[-1].source


@given(st.integers(-200, 200), st.integers(-200, 200))
def test_grade_is_monotone_in_points(a, b):
    lo, hi = sorted((a, b))
    assert GRADES.index(grade(hi)) <= GRADES.index(grade(lo))


@given(st.integers(-200, 200), st.integers(61, 200), st.integers(1, 30), st.integers(1, 30))
def test_grade_monotone_under_custom_thresholds(p, top, gap1, gap2):
    t = grade_thresholds({"优秀": top, "称职": top - gap1, "基本称职": max(0, top - gap1 - gap2)}) \
        if top - gap1 - gap2 >= 0 and top - gap1 > max(0, top - gap1 - gap2) else None
    if t is None:
        return
    assert GRADES.index(grade(p + 1, t)) <= GRADES.index(grade(p, t))


def test_custom_table_overrides_defaults():
    t = point_table({"late": -2, "praise_cap": 6})
    assert t["late"] == -2 and t["vacancy"] == -5
    s = score([entry("late", -2), entry("praise", 4, 1), entry("praise", 4, 2)], t)
    assert s.points == 100 - 2 + 6


@pytest.mark.parametrize("bad", [{"late": 1}, {"praise": -2}, {"vacancy": "5"}, {"vacancy": True},
                                 {"bogus": -1}, {"praise_cap": -1}, {"absent": -500}])
def test_nonsense_point_tables_are_refused(bad):
    assert table_problems(bad)
    with pytest.raises(ValueError):
        point_table(bad)


@pytest.mark.parametrize("bad", [{"称职": 96}, {"优秀": 80}, {"基本称职": 80}, {"优秀": "95"},
                                 {"不称职": 0}, {"优秀": 300}])
def test_nonsense_thresholds_are_refused(bad):
    assert grades_problems(bad)
    with pytest.raises(ValueError):
        grade_thresholds(bad)


def test_asm1_group_mean_and_violations_by_kind():
    a = score([entry("late", -1), entry("late", -1, 1), entry("praise", 2, 2)])
    b = score([entry("vacancy", -5)])
    c = score([])
    groups = summarize({"RS": [a, b], "SJ": [c], "ZX": []})
    assert [(g.name, g.people, g.mean, g.violations) for g in groups] == [
        ("SJ", 1, 100.0, {}), ("RS", 2, 97.5, {"vacancy": 1, "late": 2})]


@given(st.lists(entries, min_size=1, max_size=6))
def test_group_mean_lies_between_its_people(people):
    scores = [score(p) for p in people]
    (g,) = summarize({"G": scores})
    assert min(s.points for s in scores) - 0.05 <= g.mean <= max(s.points for s in scores) + 0.05
    assert sum(g.violations.values()) == sum(1 for s in scores for d in s.deductions if d.points < 0)


# -- ATT-5, ASM-3: the center's finding types ---------------------------------------------------------------
_CODE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=30)
_NAME = st.text(alphabet="玩游戏闲聊看视频网购其他着装", min_size=1, max_size=50)


@given(st.dictionaries(_CODE, _NAME, min_size=1, max_size=12))
def test_sound_finding_types_are_kept_in_their_order(table):
    from servicehall.rules.assessment import inspection_kinds, inspection_kinds_problems

    custom = [{"code": c, "name": n} for c, n in table.items()]
    assert inspection_kinds_problems(custom) == []
    assert list(inspection_kinds(custom).items()) == list(table.items())


@given(st.lists(st.tuples(_CODE, _NAME), min_size=1, max_size=8), st.data())
def test_a_repeated_code_or_a_blank_name_is_named_by_its_position(pairs, data):
    from servicehall.rules.assessment import inspection_kinds, inspection_kinds_problems

    custom = [{"code": c, "name": n} for c, n in pairs]
    i = data.draw(st.integers(0, len(custom) - 1))
    custom.append({"code": custom[i]["code"], "name": "重复"})
    custom.append({"code": "zz_blank_name", "name": "  "})
    where = {w for w, _m in inspection_kinds_problems(custom)}
    assert f"inspection_kinds[{len(custom) - 1}]" in where and f"inspection_kinds[{len(custom) - 2}]" in where
    with pytest.raises(ValueError):
        inspection_kinds(custom)


def test_no_finding_types_set_is_att5s_list():
    from servicehall.rules.assessment import INSPECTION_KINDS, inspection_kinds, inspection_kinds_problems

    assert inspection_kinds([]) == inspection_kinds(None) == INSPECTION_KINDS
    assert inspection_kinds_problems({"games": "玩游戏"}) == [("inspection_kinds", inspection_kinds_problems(1)[0][1])]
