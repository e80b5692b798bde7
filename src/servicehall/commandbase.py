"""Shared helpers for ``servicehall`` commands: errors exit 2 with the message."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servicehall.errors import RuleViolation
from servicehall.rules.workdays import CalendarYearMissing


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{field}: {value!r} is not a date (YYYY-MM-DD)", returncode=2) from None


class ServicehallCommand(BaseCommand):
    """A command whose rule errors become exit code 2 with a one-line message each."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CalendarYearMissing as exc:
            sys.stderr.write(f"error: {exc}\n")
            sys.exit(2)
        except RuleViolation as exc:
            for p in exc.problems:
                sys.stderr.write(f"error: {p}\n")
            sys.exit(2)

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CommandError as exc:
            sys.stderr.write(f"error: {exc}\n")
            sys.exit(getattr(exc, "returncode", 2) or 2)


class CenterRangeCommand(ServicehallCommand):
    """``--center C --from D --to D [--json]``: the rows of a center's date range, as JSON or one line each
    (SCENARIO.md's listing commands). A command gives ``rows`` and ``line``."""

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True)
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--json", action="store_true")

    def rows(self, center: Any, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        raise NotImplementedError

    def line(self, row: dict[str, Any]) -> str:
        raise NotImplementedError

    def handle(self, *args, **opts):
        from servicehall.org.services import get_center

        rows = self.rows(get_center(opts["center"]), parse_date(opts["first"], "from"), parse_date(opts["last"], "to"))
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(self.line(r))
