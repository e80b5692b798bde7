"""Monthly assessment points and grades — 考核 (RULES.md ASM-1, ASM-2).

A person starts each month at 100; every violation found in the month deducts its kind's points, praise adds
(capped per month); the grade follows from the points by thresholds. The point table and the thresholds are
the center's settings (``assessment_points``, ``assessment_grades``); these are the defaults of ASM-2.
Pure Python: the apps collect the month's records, this module scores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["GroupScore", "summarize", "KINDS", "INSPECTION_KINDS", "inspection_kinds", "inspection_kinds_problems", "DEFAULT_POINTS", "DEFAULT_GRADES", "GRADES", "Deduction", "Score", "PointTable",
           "table_problems", "grades_problems", "point_table", "grade_thresholds", "grade", "score"]

START = 100

# SCENARIO.md ``servicehall scores``: the kinds of a deduction, in the contract's order.
KINDS = ("vacancy", "absent", "late", "early_leave", "red_case", "late_notice", "notice_breach", "inquiry",
         "complaint", "poor_rating", "inspection", "praise")

# ASM-2 defaults (setting ``assessment_points``). ``inspection_media`` is an inspection exposed in the media;
# ``praise_cap`` the most praise adds in one month.
DEFAULT_POINTS: dict[str, int] = {
    "vacancy": -5, "absent": -5, "late": -1, "early_leave": -1, "red_case": -3, "late_notice": -2,
    "notice_breach": -3, "inquiry": -2, "complaint": -5, "poor_rating": -2, "inspection": -2,
    "inspection_media": -10, "praise": 2, "praise_cap": 10,
}

# ATT-5 / ASM-3: the default finding types of an inspection (setting ``inspection_kinds``), code → name.
INSPECTION_KINDS: dict[str, str] = {
    "games": "玩游戏", "chatting": "闲聊", "videos": "看视频", "shopping": "网购", "eating": "窗口吃东西",
    "absent": "擅离窗口", "no_badge": "未佩戴工作牌", "attitude": "服务态度", "dress": "着装不规范", "other": "其他",
}

# The longest code and name of a finding type (the model's column holds the code).
INSPECTION_KIND_CODE_MAX = 30
INSPECTION_KIND_NAME_MAX = 50


def inspection_kinds_problems(custom: Any) -> list[tuple[str, str]]:
    """What is wrong with a center's finding types (setting ``inspection_kinds``, a list of ``{code, name}``):
    not a list, an entry without a code or a name, a code twice, a code or name too long (ATT-5, ASM-3).
    Each problem is (where, message); where is ``inspection_kinds`` or ``inspection_kinds[i]``."""
    if not isinstance(custom, list):
        return [("inspection_kinds", "a list of finding types, each {\"code\": …, \"name\": …}")]
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(custom):
        where = f"inspection_kinds[{i}]"
        if not isinstance(entry, Mapping) or set(entry) - {"code", "name"}:
            problems.append((where, "a finding type is {\"code\": …, \"name\": …}"))
            continue
        code, name = entry.get("code"), entry.get("name")
        if not isinstance(code, str) or not code.strip():
            problems.append((where, "a finding type needs a code"))
        elif len(code.strip()) > INSPECTION_KIND_CODE_MAX or any(c.isspace() for c in code.strip()):
            problems.append((where, "a code of at most 30 characters, without spaces"))
        elif code.strip() in seen:
            problems.append((where, "this code is used twice"))
        else:
            seen.add(code.strip())
        if not isinstance(name, str) or not name.strip():
            problems.append((where, "a finding type needs a name"))
        elif len(name.strip()) > INSPECTION_KIND_NAME_MAX:
            problems.append((where, "a name of at most 50 characters"))
    return problems


def inspection_kinds(custom: Any = None) -> dict[str, str]:
    """The center's finding types, code → name, in their order; an empty setting gives ATT-5's list
    (:data:`INSPECTION_KINDS`); a setting with problems is refused (ValueError)."""
    if not custom:
        return dict(INSPECTION_KINDS)
    problems = inspection_kinds_problems(custom)
    if problems:
        raise ValueError("; ".join(f"{k}: {m}" for k, m in problems))
    return {str(e["code"]).strip(): str(e["name"]).strip() for e in custom}


GRADES = ("优秀", "称职", "基本称职", "不称职")
# ASM-2 defaults (setting ``assessment_grades``): the lowest points of each grade but the last.
DEFAULT_GRADES: dict[str, int] = {"优秀": 95, "称职": 80, "基本称职": 60}

PointTable = Mapping[str, int]


@dataclass(frozen=True)
class Deduction:
    """One entry of a person's month: a violation (negative) or praise (positive), naming its record."""

    kind: str
    date: dt.date
    points: int
    source: str
    url: str = ""
    key: str = ""  # names the record stably across recomputations (for a closed month's adjustments)
    adjustment: bool = False  # a correction of a closed month, shown in the next open month (never capped)


@dataclass(frozen=True)
class Score:
    points: int
    grade: str
    deductions: tuple[Deduction, ...]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def table_problems(custom: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with a custom point table, as (key, message): unknown kinds, non-integers, a violation
    that adds points, praise that deducts, a negative cap. Empty when it is sound (ASM-2)."""
    problems: list[tuple[str, str]] = []
    if not isinstance(custom, Mapping):
        return [("assessment_points", "a table of kind → points")]
    for key, value in custom.items():
        if key not in DEFAULT_POINTS:
            problems.append((key, f"unknown kind; the kinds are {', '.join(DEFAULT_POINTS)}"))
        elif not _whole(value):
            problems.append((key, "a whole number of points"))
        elif key in ("praise", "praise_cap"):
            if not 0 <= value <= 100:
                problems.append((key, "praise adds: 0 to 100 points"))
        elif not -100 <= value <= 0:
            problems.append((key, "a violation deducts: -100 to 0 points"))
    return problems


def grades_problems(custom: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with custom grade thresholds: unknown grades, non-integers, thresholds not strictly
    descending from 优秀 to 基本称职 or outside 0..200 (ASM-2)."""
    if not isinstance(custom, Mapping):
        return [("assessment_grades", "a table of grade → lowest points")]
    problems: list[tuple[str, str]] = []
    for key, value in custom.items():
        if key not in DEFAULT_GRADES:
            problems.append((key, f"unknown grade; the graded thresholds are {', '.join(DEFAULT_GRADES)}"))
        elif not _whole(value) or not 0 <= value <= 200:
            problems.append((key, "a whole number of points from 0 to 200"))
    if not problems:
        merged = [{**DEFAULT_GRADES, **custom}[g] for g in DEFAULT_GRADES]
        if any(a <= b for a, b in zip(merged, merged[1:], strict=False)):
            problems.append(("assessment_grades", "thresholds descend strictly: 优秀 > 称职 > 基本称职"))
    return problems


def point_table(custom: Mapping[str, Any] | None = None) -> dict[str, int]:
    """The defaults overridden by a center's table; a table with problems is refused (ValueError)."""
    custom = custom or {}
    problems = table_problems(custom)
    if problems:
        raise ValueError("; ".join(f"{k}: {m}" for k, m in problems))
    return {**DEFAULT_POINTS, **custom}


def grade_thresholds(custom: Mapping[str, Any] | None = None) -> dict[str, int]:
    custom = custom or {}
    problems = grades_problems(custom)
    if problems:
        raise ValueError("; ".join(f"{k}: {m}" for k, m in problems))
    return {**DEFAULT_GRADES, **custom}


def grade(points: int, thresholds: Mapping[str, int] | None = None) -> str:
    """优秀 / 称职 / 基本称职 at or above their thresholds, else 不称职 (ASM-2)."""
    t = thresholds or DEFAULT_GRADES
    for name in GRADES[:-1]:
        if points >= t[name]:
            return name
    return GRADES[-1]


def score(entries: Iterable[Deduction], table: Mapping[str, int] | None = None,
          thresholds: Mapping[str, int] | None = None) -> Score:
    """A person's month: 100 plus every entry's points, praise capped at ``praise_cap`` a month; the entries
    are returned sorted by date then kind, praise beyond the cap shown with the points it still adds (0 or
    the remainder), so that the points are always 100 plus the shown entries."""
    cap = (table or DEFAULT_POINTS).get("praise_cap", DEFAULT_POINTS["praise_cap"])
    ordered = sorted(entries, key=lambda d: (d.date, KINDS.index(d.kind) if d.kind in KINDS else 99, d.source))
    shown: list[Deduction] = []
    praised = 0
    for d in ordered:
        if d.kind == "praise" and d.points > 0 and not d.adjustment:
            allowed = max(0, min(d.points, cap - praised))
            praised += allowed
            if allowed != d.points:
                d = Deduction(d.kind, d.date, allowed, d.source + f"（每月表扬加分上限 +{cap}）", d.url, d.key)
        shown.append(d)
    points = START + sum(d.points for d in shown)
    return Score(points, grade(points, thresholds), tuple(shown))


@dataclass(frozen=True)
class GroupScore:
    """A window's or department's month (ASM-1): the mean of its people's points and its violations by kind."""

    name: str
    people: int
    mean: float
    violations: dict[str, int]


def summarize(groups: Mapping[str, Iterable[Score]]) -> list[GroupScore]:
    """Each group's mean points (one decimal) and count of violations by kind (adjustments and praise are not
    violations), best mean first, then by name."""
    out = []
    for name, members in groups.items():
        scores = list(members)
        if not scores:
            continue
        counts: dict[str, int] = {}
        for s in scores:
            for d in s.deductions:
                if d.points < 0 and d.kind != "praise" and not d.adjustment:
                    counts[d.kind] = counts.get(d.kind, 0) + 1
        mean = round(sum(s.points for s in scores) / len(scores), 1)
        out.append(GroupScore(name, len(scores), mean, {k: counts[k] for k in KINDS if k in counts}))
    return sorted(out, key=lambda g: (-g.mean, g.name))
