"""CASE-5: reading a pasted State Council arrangement."""

import datetime as dt

from servicehall.rules.arrangement import parse_arrangement
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
    assert any(p.startswith("line 2:") for p in problems)
    assert any(p.startswith("line 3:") for p in problems)


def test_contradiction_is_a_problem():
    _, problems = parse_arrangement(2027, "2027-02-20 休 a\n2027-02-20 班 b")
    assert problems and "both" in problems[0]
