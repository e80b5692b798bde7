"""``servicehall worker`` — the periodic worker (Huey consumer) for every app: the ticks every app put on the
schedule (core/schedule.py) — coverage every minute, overdue first-inquiry transfers and supervision orders
every ten minutes, case cards and form tokens daily."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the worker: re-derives today's coverage every minute and sends alerts (NV-1)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one tick now and exit")

    def handle(self, *args, **opts):
        if opts["once"]:
            from servicehall.core import schedule

            for line in schedule.run_once():
                self.stdout.write(line)
            return
        call_command("run_huey", workers=1, worker_type="thread")
