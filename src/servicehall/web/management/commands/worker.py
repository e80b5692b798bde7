"""``servicehall worker`` — the periodic worker (Huey consumer) for every app: the ticks every app put on the
schedule (core/schedule.py) — coverage every minute, overdue first-inquiry transfers and supervision orders
every ten minutes, case cards and form tokens daily. ``--ping`` checks a running worker through the queue."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the worker: re-derives today's coverage every minute and sends alerts (NV-1)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one tick now and exit")
        parser.add_argument("--ping", action="store_true",
                            help="send one task through the queue to the running worker and wait for its answer")
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds --ping waits (default 30)")

    def handle(self, *args, **opts):
        if opts["ping"]:
            from django.core.management.base import CommandError

            from servicehall.core.tasks import ping

            try:
                answer = ping()(blocking=True, timeout=opts["timeout"])
            except Exception as exc:  # noqa: BLE001 - Huey's timeout or the queue's connection error
                raise CommandError(f"no answer from the worker within {opts['timeout']:g} s "
                                   f"({type(exc).__name__})") from exc
            self.stdout.write(f"worker answered: heartbeat {answer}")
            return
        if opts["once"]:
            from servicehall.core import schedule

            for line in schedule.run_once():
                self.stdout.write(line)
            return
        call_command("run_huey", workers=1, worker_type="thread")
