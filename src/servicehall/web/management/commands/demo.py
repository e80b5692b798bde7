"""``servicehall demo [--scale N]`` — load the demo center (idempotent) and print the logins."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import translation

from servicehall.audit.services import system_actor
from servicehall.commandbase import ServicehallCommand
from servicehall.demo.cases import load_cases
from servicehall.demo.feedback import load_feedback
from servicehall.demo.history import load_history
from servicehall.demo.load import DEMO_PASSWORD, load_demo
from servicehall.demo.queue import load_queue, register_devices


class Command(ServicehallCommand):
    help = "Load the demo county center (idempotent); --scale N builds a large synthetic center."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--history-days", type=int, default=30, help="days of duty history (0: none)")
        parser.add_argument("--devices", action="store_true", help="register a demo kiosk, rating pad and window workstation, print tokens")
        parser.add_argument("--now", help="pretend it is this ISO date-time (reproducible demos and tests)")

    def handle(self, *args, **opts):
        with translation.override("zh-hans"):
            self._load(opts)

    def _load(self, opts):
        started = time.monotonic()
        actor = system_actor("demo")
        result = load_demo(actor, scale=opts["scale"], seed=opts["seed"])
        c = result.center
        self.stdout.write(
            f"center {c.code} {c.name}: {c.departments.count()} departments, {c.windows.count()} windows, "
            f"{c.staff.count()} staff, {c.posts.count()} posts, {c.items.count()} service items "
            f"({time.monotonic() - started:.1f} s)"
        )
        if opts["scale"] == 1 and opts["history_days"]:
            now = dt.datetime.fromisoformat(opts["now"]) if opts["now"] else None
            added = load_history(actor, c, days=opts["history_days"], now=now)
            self.stdout.write(f"duty history: {added} new events over {opts['history_days']} days")
            added = load_cases(c, now=now)
            self.stdout.write(f"cases: {added} new applications")
            added = load_queue(c, now=now)
            self.stdout.write(f"queue: {added} new tickets")
            added = load_feedback(c, now=now)
            self.stdout.write(f"complaints: {added} new, with first inquiries and accountability")
        if result.accounts:
            self.stdout.write(f"logins (password for all: {DEMO_PASSWORD}):")
            for username, who in result.accounts.items():
                self.stdout.write(f"  {username:<12} {who}")
            if opts["devices"]:
                tokens = register_devices(c)
                self.stdout.write("devices (open once in the device's browser; new tokens each run):")
                self.stdout.write(f"  kiosk   /devices/activate/?token={tokens['kiosk']}")
                self.stdout.write(f"  pad     /devices/activate/?token={tokens['pad']}")
                self.stdout.write(f"  workstation  open /workstation/setup/ on the first window's computer and "
                                  f"enter the token {tokens['workstation']}; clerks then sign in and out at "
                                  f"/workstation/")
