"""Synthetic post-days for the coverage benchmark and equivalence tests (about 30 events each)."""

from __future__ import annotations

import random

from servicehall.rules.coverage import Absence, PersonDay, PostDay, StandIn, normalise, presence_from_clock

OPEN = [(510, 720), (870, 1050)]


def person(rng: random.Random, code: str) -> PersonDay:
    clock = [(rng.randint(480, 530), "clock_in")]
    if rng.random() < 0.3:
        clock += [(rng.randint(700, 720), "clock_out"), (rng.randint(850, 880), "clock_in")]
    clock.append((rng.randint(1000, 1080), "clock_out"))
    present, _ = presence_from_clock(clock, 1050)
    absences = []
    for _ in range(rng.choice([0, 0, 1, 2])):
        s = rng.randint(510, 1000)
        absences.append(Absence(s, s + rng.choice([30, 60, 120]), "away", rng.random() < 0.8))
    pauses, t = [], 510
    for _ in range(rng.randint(2, 8)):
        s = t + rng.randint(1, 90)
        e = s + rng.choice([5, 10, 20, 30])
        if e > 1050:
            break
        pauses.append((s, e))
        t = e
    return PersonDay(code, present, absences, pauses)


def post_day(rng: random.Random) -> PostDay:
    stand_ins = []
    if rng.random() < 0.1:
        s = rng.randint(510, 900)
        stand_ins = [StandIn(person(rng, "S9"), s, s + 120)]
    return PostDay("P", OPEN, person(rng, "A"), person(rng, "B"), stand_ins, rng.random() < 0.9)


def baseline_runs(day: PostDay) -> list[tuple[int, int, str]]:
    """A straightforward per-minute implementation of the same rules (NV-2, NV-5, NV-6, NV-7)."""
    grace, daily = day.pause_grace, day.pause_daily

    def over_minutes(p: PersonDay) -> set[int]:
        # NV-5: only opening minutes of a pause are spent
        out, used = set(), 0
        for s, e in normalise(p.pauses):
            spent = 0
            for m in range(s, e):
                if not any(os <= m < oe for os, oe in day.opening):
                    continue
                if spent >= grace or used >= daily:
                    out.add(m)
                used += 1
                spent += 1
        return out

    def available(p: PersonDay, m: int, over: set[int]) -> bool:
        return (any(s <= m < e for s, e in p.present) and not any(a.start <= m < a.end for a in p.absences)
                and m not in over)

    over_a, over_b = over_minutes(day.a), over_minutes(day.b)
    over_si = [over_minutes(si.person) for si in day.stand_ins]
    runs: list[list] = []
    for s0, e0 in day.opening:
        for m in range(s0, e0):
            if available(day.a, m, over_a) or available(day.b, m, over_b) or any(
                    si.start <= m < si.end and available(si.person, m, o) for si, o in zip(day.stand_ins, over_si,
                                                                                          strict=True)):
                continue
            a_ok = day.a_handover_ok and any(a.approved and a.start <= m < a.end for a in day.a.absences)
            if not a_ok:
                kind = "a"
            elif not any(a.approved and a.start <= m < a.end for a in day.b.absences):
                kind = "b"
            else:
                kind = "department"
            if runs and runs[-1][1] == m and runs[-1][2] == kind:
                runs[-1][1] = m + 1
            else:
                runs.append([m, m + 1, kind])
    return [tuple(r) for r in runs]
