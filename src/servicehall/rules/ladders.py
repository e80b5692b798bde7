"""Penalty ladders — 问责阶梯 (RULES.md NV-8; later CMP-5 on the same shape).

Counted vacancies of a window clerk (A-answerable only, NV-6) are ranked in
their calendar year and month (``calendar``) or in the 365 and 30 days up to
and including their day (``rolling``). The rank decides the level:

- 1st in the year → 批评 (``criticism``);
- 2nd or later in the year → 通报批评 + 诫勉谈话 (``public_criticism_admonition``);
- 2nd or later within the month → 通报批评 + 建议调离窗口岗位
  (``public_criticism_transfer``), which outranks the former.

With ``merge_same_day`` one post-day with several uncovered stretches is one
vacancy for counting.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Counted", "Sanction", "LEVELS", "ladder"]

LEVELS = ("criticism", "public_criticism_admonition", "public_criticism_transfer")


@dataclass(frozen=True, order=True)
class Counted:
    """One A-answerable vacancy as the ladder sees it."""

    staff: str
    date: dt.date
    post: str
    start: int = 0  # minute of the day, used only when stretches are not merged


@dataclass(frozen=True)
class Sanction:
    staff: str
    post: str
    date: dt.date
    rank_in_year: int
    rank_in_month: int
    level: str


def _level(rank_in_year: int, rank_in_month: int) -> str:
    if rank_in_month >= 2:
        return "public_criticism_transfer"
    if rank_in_year >= 2:
        return "public_criticism_admonition"
    return "criticism"


def ladder(vacancies: Iterable[Counted], window: str = "calendar", merge_same_day: bool = True) -> list[Sanction]:
    """Rank every counted vacancy per person and give its level (NV-8); sorted by staff then date."""
    if window not in ("calendar", "rolling"):
        raise ValueError(f"ladder window is 'calendar' or 'rolling', not {window!r}")
    keyed: dict[tuple[object, ...], Counted] = {}
    for v in vacancies:
        key = (v.staff, v.date, v.post) if merge_same_day else (v.staff, v.date, v.post, v.start)
        if key not in keyed or v < keyed[key]:
            keyed[key] = v
    by_staff: dict[str, list[Counted]] = defaultdict(list)
    for v in keyed.values():
        by_staff[v.staff].append(v)
    out: list[Sanction] = []
    for staff in sorted(by_staff):
        items = sorted(by_staff[staff])
        ordinals = [v.date.toordinal() for v in items]
        for i, v in enumerate(items):
            if window == "calendar":
                in_year = sum(1 for w in items[: i + 1] if w.date.year == v.date.year)
                in_month = sum(1 for w in items[: i + 1] if (w.date.year, w.date.month) == (v.date.year, v.date.month))
            else:
                o = ordinals[i]
                in_year = i + 1 - bisect.bisect_left(ordinals, o - 364, 0, i + 1)
                in_month = i + 1 - bisect.bisect_left(ordinals, o - 29, 0, i + 1)
            out.append(Sanction(v.staff, v.post, v.date, in_year, in_month, _level(in_year, in_month)))
    return out


def yearly_escalations(violations: Iterable[Counted], window: str = "calendar") -> list[Sanction]:
    """CMP-5: the second and later upheld violation of one person within a year (calendar or rolling) call for
    行政效能责任追究 and 通报批评 of the window head. Returns those violations only."""
    return [s for s in ladder(violations, window, merge_same_day=False) if s.rank_in_year >= 2]
