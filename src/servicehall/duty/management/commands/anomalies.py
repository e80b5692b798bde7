"""``servicehall anomalies --center ZX --from D --to D [--json]`` — SCENARIO.md's contract (ATT-1)."""

from __future__ import annotations

from servicehall.duty.management.rangecommand import CenterRangeCommand
from servicehall.duty.queries import anomaly_json, anomaly_rows


class Command(CenterRangeCommand):
    help = "List attendance anomalies (late, early leave, clock errors, absence), sorted by staff, date, start."

    def rows(self, center, first, last):
        return [anomaly_json(center, a) for a in anomaly_rows(center, first, last)]

    def line(self, r):
        start = (r["start"] or "")[11:16]
        return f"{r['staff']:<8}{r['date']}  {start:<6}{r['kind']:<28}{r['minutes']:>4}′"
