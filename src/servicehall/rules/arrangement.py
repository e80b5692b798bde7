"""Reading a year's holiday arrangement as the office pastes it (CASE-5).

Two forms are understood, line by line:

- the State Council notice's prose, e.g.
  ``二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。``
  — dates before 放假 are days off (a ``至`` range covers every day between),
  dates in the sentence with 上班 are makeup working days;
- one day or range per line: ``2027-10-01..2027-10-07 休 国庆节`` or
  ``2027-09-26 班 国庆节调休``; ``休``/``off``/``holiday`` and ``班``/``work``/``workday``.

The result is a list of (date, is_workday, note); the problems name the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["ArrangementLine", "parse_arrangement"]

_MD = re.compile(r"(?:(\d{1,2})月)?(\d{1,2})日")
_RANGE = re.compile(r"(\d{1,2})月(\d{1,2})日(?:[（(][^）)]*[）)])?\s*(?:至|-|—|～|~)\s*(?:(\d{1,2})月)?(\d{1,2})日")
_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|至|~)\s*(\d{4}-\d{2}-\d{2}))?\s+(休|班|off|work|holiday|workday)\b\s*(.*)$",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[一二三四五六七八九十、.\d\s]*([^：:]{1,12})[：:]")


@dataclass(frozen=True)
class ArrangementLine:
    date: dt.date
    workday: bool
    note: str


def _day(year: int, month: int, day: int, line_no: int, problems: list[str]) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        problems.append(f"line {line_no}: {month}月{day}日 is not a date in {year}")
        return None


def _span(first: dt.date, last: dt.date, line_no: int, problems: list[str]) -> list[dt.date]:
    if last < first:
        problems.append(f"line {line_no}: the range ends before it starts")
        return []
    if (last - first).days > 31:
        problems.append(f"line {line_no}: a holiday range of more than a month is not plausible")
        return []
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _listed_days(year: int, text: str, skip: list[tuple[int, int]], line_no: int,
                 problems: list[str]) -> list[dt.date]:
    """Days written as ``M月D日``, ``D日`` taking the month before it; spans in ``skip`` are passed over."""
    days: list[dt.date] = []
    last_month = None
    for m in _MD.finditer(text):
        if any(a <= m.start() < b for a, b in skip):
            continue
        month = int(m.group(1)) if m.group(1) else last_month
        if month is None:
            problems.append(f"line {line_no}: a day without its month")
            continue
        last_month = month
        d = _day(year, month, int(m.group(2)), line_no, problems)
        if d:
            days.append(d)
    return days


def parse_arrangement(year: int, text: str) -> tuple[list[ArrangementLine], list[str]]:
    """Parse pasted text for ``year``; returns (days, problems). Nothing is guessed."""
    days: dict[dt.date, ArrangementLine] = {}
    problems: list[str] = []

    def add(day: dt.date, workday: bool, note: str, line_no: int) -> None:
        if day.year != year:
            problems.append(f"line {line_no}: {day.isoformat()} is not in {year}")
            return
        prior = days.get(day)
        if prior and prior.workday != workday:
            problems.append(f"line {line_no}: {day.isoformat()} is both a day off and a working day")
            return
        days[day] = ArrangementLine(day, workday, note)

    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        iso = _ISO.match(line)
        if iso:
            try:
                first = dt.date.fromisoformat(iso.group(1))
                last = dt.date.fromisoformat(iso.group(2)) if iso.group(2) else first
            except ValueError:
                problems.append(f"line {line_no}: not a real date")
                continue
            workday = iso.group(3).lower() in ("班", "work", "workday")
            for d in _span(first, last, line_no, problems):
                add(d, workday, iso.group(4).strip(), line_no)
            continue
        if "放假" not in line and "上班" not in line:
            problems.append(f"line {line_no}: neither a dated line nor a holiday sentence (放假/上班)")
            continue
        name_match = _NAME.match(line)
        name = name_match.group(1).strip() if name_match else ""
        off_part, _, work_part = line.partition("放假")
        if "放假" not in line:
            off_part, work_part = "", line
        found_off = False
        consumed: list[tuple[int, int]] = []
        for m in _RANGE.finditer(off_part):
            month1, day1 = int(m.group(1)), int(m.group(2))
            month2 = int(m.group(3)) if m.group(3) else month1
            day2 = int(m.group(4))
            first_day = _day(year, month1, day1, line_no, problems)
            last_day = _day(year, month2, day2, line_no, problems)
            if first_day and last_day:
                for d in _span(first_day, last_day, line_no, problems):
                    add(d, False, name, line_no)
                found_off = True
            consumed.append(m.span())
        for d in _listed_days(year, off_part, consumed, line_no, problems):
            add(d, False, name, line_no)
            found_off = True
        for sentence in re.split(r"[。；;]", work_part):
            if "上班" not in sentence:
                continue
            for d in _listed_days(year, sentence, [], line_no, problems):
                add(d, True, f"{name}调休上班" if name else "调休上班", line_no)
        if "放假" in line and not found_off:
            problems.append(f"line {line_no}: 放假 without any date before it")
    return sorted(days.values(), key=lambda x: x.date), problems
