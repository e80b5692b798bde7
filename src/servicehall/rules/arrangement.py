"""Reading a year's holiday arrangement as the office pastes it (CASE-5). Nothing is guessed.

Two forms are understood, line by line:

- the State Council notice as published, title, salutation and closing included, e.g.
  ``一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。`` or
  ``中秋节、国庆节：2023年9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。``
  — dates before 放假 are days off (a ``至`` range covers every day between), dates in a sentence with
  上班 are makeup working days; a date may carry its year (``2022年12月31日``) and a weekday in brackets
  (``（周四）``, ``（星期四）``, ``（农历除夕、周二）``), and every weekday written is checked against the date;
  lines without a day date (the title, the salutation, the closing paragraph) are passed over and listed as
  such; the signature date alone on its line too;
- one day or range per line: ``2027-10-01..2027-10-07 休 国庆节`` or
  ``2027-09-26 班 国庆节调休``; ``休``/``off``/``holiday`` and ``班``/``work``/``workday``.

Every problem names its line. A problem is a ``str`` (English, for machines and logs) that also carries its
message id and values (``msgid``, ``params``) so a page can show it in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HOLIDAYS", "ArrangementLine", "ArrangementProblem", "ParsedArrangement", "parse_arrangement",
           "parse_notice", "unsettled_holidays"]

# The seven public holidays every State Council arrangement settles (全国年节及纪念日放假办法).
HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")



def unsettled_holidays(days: Iterable[tuple[dt.date, bool, str]]) -> list[str]:
    """The holidays no day off names (by its note): empty for a full arrangement (CASE-5)."""
    notes = [note for _d, workday, note in days if not workday]
    return [h for h in HOLIDAYS if not any(h in note for note in notes)]


_WEEKDAY = "一二三四五六日"
_DATE = re.compile(
    r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\s*[（(]([^（）()]*)[）)])?")
_WEEKDAY_TEXT = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_JOIN = {"至", "-", "—", "–", "～", "~", "到"}
_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|至|~)\s*(\d{4}-\d{2}-\d{2}))?\s+(休|班|off|work|holiday|workday)\b\s*(.*)$",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[一二三四五六七八九十、.．\d\s]*([^：:，,。]{1,16})[：:]")
_SIGNATURE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


class ArrangementProblem(str):
    """A problem on one line: English text, with ``line``, ``msgid`` and ``params`` for translation."""

    line: int
    msgid: str
    params: dict[str, Any]

    def __new__(cls, line: int, msgid: str, **params: Any) -> ArrangementProblem:
        obj = super().__new__(cls, f"line {line}: " + (msgid % params if params else msgid))
        obj.line, obj.msgid, obj.params = line, msgid, params
        return obj


@dataclass(frozen=True)
class ArrangementLine:
    date: dt.date
    workday: bool
    note: str
    line: int = 0


@dataclass
class ParsedArrangement:
    days: list[ArrangementLine] = field(default_factory=list)
    problems: list[ArrangementProblem] = field(default_factory=list)
    passed_over: list[tuple[int, str]] = field(default_factory=list)  # title, salutation, closing lines
    other_years: list[ArrangementLine] = field(default_factory=list)  # e.g. 2022年12月31日 in the 2023 notice

    @property
    def holidays(self) -> list[str]:
        """The holidays named by the days off, in the notice's order."""
        return [h for h in HOLIDAYS if any(h in d.note for d in self.days if not d.workday)]

    @property
    def missing(self) -> list[str]:
        return unsettled_holidays((d.date, d.workday, d.note) for d in self.days)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    date: dt.date | None


def _tokens(year: int, text: str, line_no: int, problems: list[ArrangementProblem]) -> list[_Token]:
    """The dates written in ``text``: a day without month takes the month (and year) before it."""
    out: list[_Token] = []
    last_year, last_month = year, None
    for m in _DATE.finditer(text):
        y = int(m.group(1)) if m.group(1) else last_year
        month = int(m.group(2)) if m.group(2) else last_month
        written = m.group(0).split("（")[0].split("(")[0].strip()
        if month is None:
            problems.append(ArrangementProblem(line_no, "%(text)s has no month", text=written))
            out.append(_Token(m.start(), m.end(), None))
            continue
        last_year, last_month = y, month
        try:
            day = dt.date(y, month, int(m.group(3)))
        except ValueError:
            problems.append(ArrangementProblem(line_no, "%(text)s is not a date in %(year)s", text=written, year=y))
            out.append(_Token(m.start(), m.end(), None))
            continue
        weekday = _WEEKDAY_TEXT.search(m.group(4) or "")
        if weekday:
            said = "日" if weekday.group(1) == "天" else weekday.group(1)
            actual = _WEEKDAY[day.weekday()]
            if said != actual:
                problems.append(ArrangementProblem(
                    line_no, "%(text)s is a 周%(actual)s, not 周%(said)s as written", text=written,
                    actual=actual, said=said))
        out.append(_Token(m.start(), m.end(), day))
    return out


def _days_of(text: str, tokens: list[_Token], line_no: int,
             problems: list[ArrangementProblem]) -> list[dt.date]:
    """Every day the tokens cover; two dates joined by 至 are a range."""
    days: list[dt.date] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and text[tok.end:nxt.start].strip() in _JOIN:
            if tok.date and nxt.date:
                if nxt.date < tok.date:
                    problems.append(ArrangementProblem(line_no, "the range ends before it starts"))
                elif (nxt.date - tok.date).days > 31:
                    problems.append(ArrangementProblem(
                        line_no, "a holiday range of more than a month is not plausible"))
                else:
                    days.extend(tok.date + dt.timedelta(days=k) for k in range((nxt.date - tok.date).days + 1))
            i += 2
            continue
        if tok.date:
            days.append(tok.date)
        i += 1
    return days


def parse_notice(year: int, text: str) -> ParsedArrangement:
    """Parse pasted text for ``year``: its days, problems, the lines passed over and days of other years."""
    result = ParsedArrangement()
    days: dict[dt.date, ArrangementLine] = {}
    problems = result.problems

    def add(day: dt.date, workday: bool, note: str, line_no: int) -> None:
        row = ArrangementLine(day, workday, note, line_no)
        if day.year != year:
            result.other_years.append(row)
            return
        prior = days.get(day)
        if prior and prior.workday != workday:
            problems.append(ArrangementProblem(
                line_no, "%(date)s is both a day off and a working day", date=day.isoformat()))
            return
        days[day] = row

    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue
        iso = _ISO.match(line)
        if iso:
            try:
                first = dt.date.fromisoformat(iso.group(1))
                last = dt.date.fromisoformat(iso.group(2)) if iso.group(2) else first
            except ValueError:
                problems.append(ArrangementProblem(line_no, "not a real date"))
                continue
            if first.year != year or last.year != year:
                problems.append(ArrangementProblem(
                    line_no, "%(date)s is not in %(year)s",
                    date=(first if first.year != year else last).isoformat(), year=year))
                continue
            workday = iso.group(3).lower() in ("班", "work", "workday")
            joined = _days_of("至", [_Token(0, 0, first), _Token(1, 1, last)], line_no, problems)
            for d in joined:
                add(d, workday, iso.group(4).strip(), line_no)
            continue
        if not _DATE.search(line) or _SIGNATURE.match(line):
            result.passed_over.append((line_no, line))
            continue
        if "放假" not in line and "上班" not in line:
            problems.append(ArrangementProblem(
                line_no, "a dated line that says neither 放假 (days off) nor 上班 (working days)"))
            continue
        name_match = _NAME.match(line)
        name = name_match.group(1).strip() if name_match else ""
        if "放假" in line:
            off_part, _, work_part = line.partition("放假")
        else:
            off_part, work_part = "", line
        off_tokens = _tokens(year, off_part, line_no, problems)
        off_days = _days_of(off_part, off_tokens, line_no, problems)
        for d in off_days:
            add(d, False, name, line_no)
        if "放假" in line and not off_tokens:
            problems.append(ArrangementProblem(line_no, "放假 without any date before it"))
        last_off_year = off_tokens[-1].date.year if off_tokens and off_tokens[-1].date else year
        for sentence in re.split(r"[。；;]", work_part):
            if "上班" not in sentence:
                continue
            toks = _tokens(last_off_year, sentence, line_no, problems)
            for d in _days_of(sentence, toks, line_no, problems):
                add(d, True, f"{name}调休上班" if name else "调休上班", line_no)
    result.days = sorted(days.values(), key=lambda x: x.date)
    return result


def parse_arrangement(year: int, text: str) -> tuple[list[ArrangementLine], list[ArrangementProblem]]:
    """Parse pasted text for ``year``; returns (days, problems). Nothing is guessed."""
    parsed = parse_notice(year, text)
    return parsed.days, list(parsed.problems)
