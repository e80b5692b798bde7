"""``servicehall vacancies --center ZX --from D --to D [--json]`` — SCENARIO.md's contract (NV-6)."""

from __future__ import annotations

import json

from servicehall.commandbase import ServicehallCommand, parse_date
from servicehall.duty.queries import vacancy_json, vacancy_rows
from servicehall.org.services import get_center


class Command(ServicehallCommand):
    help = "List vacancies (maximal uncovered runs with who answers), sorted by post then start."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True)
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        center = get_center(opts["center"])
        rows = [vacancy_json(center, v) for v in vacancy_rows(center, parse_date(opts["first"], "from"),
                                                              parse_date(opts["last"], "to"))]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(f"{r['post']:<8}{r['window']:<8}{r['start'][:16]} – {r['end'][11:16]} "
                              f"{r['minutes']:>4}′ {r['answerable_kind']:<10}{r['answerable']:<8}{r['reason']}")
        self.stdout.write(f"{len(rows)} vacancies")
