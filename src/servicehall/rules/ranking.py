"""Rankings and award eligibility — 年度排名, 评先评优 (RULES.md ASM-3, ASM-4, CMP-5).

Pure Python: the assessment app reads the month's scores and the records, this module ranks and judges.

- A ranking orders by score, best first; equal scores share a rank and the next rank skips the shared places
  (competition ranking, "1, 2, 2, 4"), so a rank always says how many did better.
- A yearly figure is the mean of the year's monthly figures so far (the months the record covers, up to the
  current one): a window or department is judged on the months it had, and the figure stays on the monthly
  scale of 100 points whatever the month of the year.
- A person loses the year's award eligibility by a CMP-5 outcome that carries it (取消评先评优) dated in the
  year; a department loses it by a confirmed finding of an inspection exposed in the media of one of its people
  in the year (ASM-3). CMP-5's outcome names a person, not a department: a department keeps its eligibility
  when one of its people loses theirs (it loses it only by ASM-3's media rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

__all__ = ["competition_ranks", "yearly_mean", "person_loses_award", "department_loses_award",
           "NO_AWARDS_OUTCOME", "MEDIA_STATE"]

K = TypeVar("K", bound=Hashable)

# CMP-5: the accountability outcome that takes the year's award eligibility (feedback ``Outcome.NO_AWARDS``).
NO_AWARDS_OUTCOME = "no_awards"
# ASM-3: the state of an inspection finding the office confirmed.
MEDIA_STATE = "confirmed"


def competition_ranks(values: Sequence[tuple[K, float]]) -> list[tuple[int, K, float]]:
    """``(key, value)`` pairs ranked by value, highest first: equal values share a rank, the next rank skips
    (1, 2, 2, 4). Ties keep their given order."""
    ordered = sorted(enumerate(values), key=lambda iv: (-iv[1][1], iv[0]))
    out: list[tuple[int, K, float]] = []
    rank = 0
    previous: float | None = None
    for place, (_i, (key, value)) in enumerate(ordered, start=1):
        if previous is None or value != previous:
            rank = place
            previous = value
        out.append((rank, key, value))
    return out


def yearly_mean(monthly: Iterable[float | None]) -> float | None:
    """The mean of the monthly figures a subject had (None: no figure that month), one decimal; None when it
    had none (ASM-4)."""
    have = [m for m in monthly if m is not None]
    if not have:
        return None
    return round(sum(have) / len(have), 1)


def person_loses_award(outcome: str, day: dt.date, year: int) -> bool:
    """CMP-5: an accountability outcome of 取消评先评优 dated in ``year`` takes that year's eligibility."""
    return outcome == NO_AWARDS_OUTCOME and day.year == year


def department_loses_award(state: str, media: bool, day: dt.date, year: int) -> bool:
    """ASM-3: a confirmed inspection finding exposed in the media, dated in ``year``, takes the department's
    eligibility for that year. An open, answered or dismissed finding takes nothing."""
    return state == MEDIA_STATE and media and day.year == year
