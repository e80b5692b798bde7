"""CASE-5: reading a pasted State Council arrangement."""

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.arrangement import HOLIDAYS, parse_arrangement, parse_notice, unsettled_holidays
from servicehall.rules.workdays import official_arrangement

NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"""


def test_notice_prose_gives_the_official_2026_arrangement():
    days, problems = parse_arrangement(2026, NOTICE_2026)
    assert problems == []
    official = official_arrangement()[2026]
    assert {x.date for x in days if x.workday} == set(official.makeup_workdays)
    assert {x.date for x in days if not x.workday} == set(official.days_off)
    spring = [x for x in days if x.date == dt.date(2026, 2, 20)][0]
    assert spring.note == "春节" and not spring.workday


def test_dated_lines_and_ranges():
    days, problems = parse_arrangement(2027, "2027-10-01..2027-10-03 休 国庆节\n2027-09-26 班 调休\n")
    assert problems == []
    assert [(x.date.isoformat(), x.workday) for x in days] == [
        ("2027-09-26", True), ("2027-10-01", False), ("2027-10-02", False), ("2027-10-03", False)]


def test_problems_name_the_line():
    days, problems = parse_arrangement(2027, "2026-10-01 休 wrong year\nhello\n2月30日放假")
    assert any(p.startswith("line 1:") and "not in 2027" in p for p in problems)
    assert not any(p.startswith("line 2:") for p in problems)  # prose without a date is passed over
    assert any(p.startswith("line 3:") for p in problems)


def test_contradiction_is_a_problem():
    _, problems = parse_arrangement(2027, "2027-02-20 休 a\n2027-02-20 班 b")
    assert problems and "both" in problems[0]


NOTICE_2027 = (Path(__file__).parent / "data" / "notice_2027.txt").read_text(encoding="utf-8")


def test_the_whole_published_notice_title_and_closing_included():
    """CASE-5: the notice pasted as published: title, number, salutation, closing and signature are passed over."""
    parsed = parse_notice(2027, NOTICE_2027)
    assert parsed.problems == []
    assert parsed.missing == [] and parsed.holidays == list(HOLIDAYS)
    off = {x.date for x in parsed.days if not x.workday}
    work = {x.date for x in parsed.days if x.workday}
    assert len(off) == 3 + 9 + 3 + 5 + 1 + 1 + 7
    assert dt.date(2027, 2, 6) in off and dt.date(2027, 2, 14) in off and dt.date(2027, 10, 7) in off
    assert work == {dt.date(2027, 2, 20), dt.date(2027, 4, 25), dt.date(2027, 5, 8), dt.date(2027, 9, 26),
                    dt.date(2027, 10, 9)}
    passed = [text for _n, text in parsed.passed_over]
    assert passed[0].startswith("国务院办公厅关于2027年") and "2026年11月5日" in passed
    assert [x.note for x in parsed.days if x.date == dt.date(2027, 4, 25)] == ["劳动节调休上班"]


def test_a_wrong_weekday_is_an_error_naming_the_line():
    text = NOTICE_2027.replace("9月15日（周三）", "9月15日（周四）")
    parsed = parse_notice(2027, text)
    line = next(i for i, raw in enumerate(text.splitlines(), start=1) if "中秋节" in raw and "放假" in raw
                and "9月" in raw)
    assert [p.line for p in parsed.problems] == [line]
    assert "周三" in parsed.problems[0] and "周四" in parsed.problems[0]
    assert parsed.problems[0].msgid and parsed.problems[0].params["said"] == "四"


def test_weekday_written_as_xingqi_and_a_notice_reaching_into_the_year_before():
    """The 2023 notice's form: 元旦 from 2022年12月31日, weekdays written 星期X."""
    parsed = parse_notice(2023, "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。\n"
                                "七、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。")
    assert parsed.problems == []
    assert [x.date for x in parsed.other_years] == [dt.date(2022, 12, 31)]
    assert {x.date for x in parsed.days if x.workday} == {dt.date(2023, 10, 7), dt.date(2023, 10, 8)}
    assert "中秋节" in parsed.holidays and "国庆节" in parsed.holidays and "春节" in parsed.missing
    bad = parse_notice(2023, "国庆节：10月1日至7日放假。10月8日（星期一）上班。")
    assert bad.problems and bad.problems[0].line == 1


def test_a_line_with_a_date_but_no_verb_is_not_passed_over():
    parsed = parse_notice(2027, "国庆节：10月1日至7日")
    assert parsed.problems and parsed.problems[0].line == 1 and parsed.days == []


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 12, 31)), st.integers(0, 6))
def test_weekday_check_property(day, said):
    """Any date with any written weekday: accepted exactly when the weekday is the date's."""
    text = f"元旦：{day.month}月{day.day}日（周{'一二三四五六日'[said]}）放假。"
    parsed = parse_notice(day.year, text)
    assert (parsed.problems == []) == (said == day.weekday())
    assert [x.date for x in parsed.days] == [day]


_NOTES = st.sampled_from([*HOLIDAYS, "春节调休上班", "本地停电", "", "国庆节、中秋节"])
_DAYS = st.lists(st.tuples(st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), st.booleans(), _NOTES), max_size=20)


@given(_DAYS)
def test_unsettled_holidays_are_those_no_day_off_names(days):
    """CASE-5: a holiday is settled only by a day off naming it; a makeup working day never settles one, and a
    full arrangement (every holiday named by a day off) leaves none unsettled."""
    missing = unsettled_holidays(days)
    for h in HOLIDAYS:
        assert (h in missing) == (not any(h in note for _d, workday, note in days if not workday))
    assert unsettled_holidays([(d, True, n) for d, _w, n in days]) == list(HOLIDAYS)
    full = days + [(dt.date(2027, 1, 3), False, h) for h in missing]
    assert unsettled_holidays(full) == []

