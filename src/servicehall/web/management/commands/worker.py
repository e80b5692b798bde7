"""``servicehall worker`` — the periodic worker (Huey consumer) for every app, so it lives at the top layer:
coverage ticks every minute, overdue first-inquiry transfers and supervision orders every ten minutes."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the worker: re-derives today's coverage every minute and sends alerts (NV-1)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one tick now and exit")

    def handle(self, *args, **opts):
        if opts["once"]:
            from servicehall.duty.ticks import tick
            from servicehall.feedback.alerts import tick as feedback_tick

            self.stdout.write(f"tick: {tick()} new vacancies")
            inquiries, orders = feedback_tick()
            self.stdout.write(f"tick: {inquiries} overdue transfers, {orders} overdue supervision orders")
            return
        call_command("run_huey", workers=1, worker_type="thread")
