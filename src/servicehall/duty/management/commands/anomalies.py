"""``servicehall anomalies --center ZX --from D --to D [--json]`` — SCENARIO.md's contract (ATT-1)."""

from __future__ import annotations

import json

from servicehall.commandbase import ServicehallCommand, parse_date
from servicehall.duty.queries import anomaly_json, anomaly_rows
from servicehall.org.services import get_center


class Command(ServicehallCommand):
    help = "List attendance anomalies (late, early leave, clock errors, absence), sorted by staff, date, start."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True)
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        center = get_center(opts["center"])
        rows = [anomaly_json(center, a) for a in anomaly_rows(center, parse_date(opts["first"], "from"),
                                                              parse_date(opts["last"], "to"))]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            start = (r["start"] or "")[11:16]
            self.stdout.write(f"{r['staff']:<8}{r['date']}  {start:<6}{r['kind']:<28}{r['minutes']:>4}′")
        self.stdout.write(f"{len(rows)} anomalies")
