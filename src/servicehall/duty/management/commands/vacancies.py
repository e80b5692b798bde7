"""``servicehall vacancies --center ZX --from D --to D [--json]`` — SCENARIO.md's contract (NV-6)."""

from __future__ import annotations

from servicehall.duty.management.rangecommand import CenterRangeCommand
from servicehall.duty.queries import vacancy_json, vacancy_rows


class Command(CenterRangeCommand):
    help = "List vacancies (maximal uncovered runs with who answers), sorted by post then start."

    def rows(self, center, first, last):
        return [vacancy_json(center, v) for v in vacancy_rows(center, first, last)]

    def line(self, r):
        return (f"{r['post']:<8}{r['window']:<8}{r['start'][:16]} – {r['end'][11:16]} "
                f"{r['minutes']:>4}′ {r['answerable_kind']:<10}{r['answerable']:<8}{r['reason']}")
