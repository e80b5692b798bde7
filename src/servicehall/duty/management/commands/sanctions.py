"""``servicehall sanctions --center ZX --year 2026 [--json]`` — the NV-8 ladder, SCENARIO.md's contract."""

from __future__ import annotations

import json

from servicehall.commandbase import ServicehallCommand
from servicehall.duty.queries import sanction_json, sanctions
from servicehall.org.services import get_center


class Command(ServicehallCommand):
    help = "The center's penalty ladder over A-answerable vacancies (NV-8), sorted by staff then date."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        center = get_center(opts["center"])
        rows = [sanction_json(s) for s in sanctions(center, opts["year"])]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(f"{r['staff']:<8}{r['post']:<8}{r['date']}  year #{r['rank_in_year']}  "
                              f"month #{r['rank_in_month']}  {r['level']}")
        self.stdout.write(f"{len(rows)} counted vacancies")
