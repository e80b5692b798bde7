"""``servicehall scores --center ZX --month 2026-03 [--json]`` — the month's assessment, SCENARIO.md's contract."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from servicehall.assessment.scores import covered, month_scores, parse_month, score_json
from servicehall.commandbase import ServicehallCommand
from servicehall.org.services import get_center


class Command(ServicehallCommand):
    help = "Each active staff member's month (ASM-1, ASM-2): points, grade and every deduction, sorted by staff."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        center = get_center(opts["center"])
        try:
            first = parse_month(opts["month"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if not covered(center, first):
            raise CommandError(f"month: {opts['month']} is outside the data of {center.code} "
                               "(before its first record or after this month)", returncode=2)
        rows = [score_json(pm) for pm in month_scores(center, first)]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(f"{r['staff']:<8}{r['department']:<8}{r['points']:>4}  {r['grade']}")
            for d in r["deductions"]:
                self.stdout.write(f"    {d['date']}  {d['kind']:<14}{d['points']:>+4}  {d['source']}")
        self.stdout.write(f"{len(rows)} staff, {opts['month']}")
