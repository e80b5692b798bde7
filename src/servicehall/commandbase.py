"""Shared helpers for ``servicehall`` commands: errors exit 2 with the message."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from servicehall.busy import DatabaseBusy
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
        except DatabaseBusy as exc:
            # Not bad input: the same command again may pass (exit 1, as any database failure).
            sys.stderr.write(f"error: the database stayed busy; run the command again ({exc.detail})\n")
            sys.exit(1)
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

