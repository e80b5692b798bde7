"""``servicehall demo [--scale N]`` — load the demo center (idempotent) and print the logins."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone, translation

from servicehall.audit.services import system_actor
from servicehall.commandbase import ServicehallCommand
from servicehall.core import clock
from servicehall.demo.assessment import load_assessment
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
        parser.add_argument("--history-days", type=int, default=None,
                            help="days of duty history (0: none; default: from the 20th of the month before last, "
                                 "so that one month is closed and the last one open for assessment)")
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
        days = opts["history_days"]
        if opts["scale"] == 1 and days != 0:
            now = dt.datetime.fromisoformat(opts["now"]) if opts["now"] else None
            if days is None:  # issue 15 item 8: two months of history, the month before last partly
                today = clock.local(c, now or timezone.now()).date()
                last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
                # the whole of last month, and the last twelve days of the month before (the demo closes it)
                days = (today - last_month).days + 12
            added = load_history(actor, c, days=days, now=now)
            self.stdout.write(f"duty history: {added} new events over {days} days")
            added = load_cases(c, now=now)
            self.stdout.write(f"cases: {added} new applications")
            added = load_queue(c, now=now)
            self.stdout.write(f"queue: {added} new tickets")
            added = load_feedback(c, now=now)
            self.stdout.write(f"complaints: {added} new, with first inquiries and accountability")
            added = load_assessment(c, now=now)
            self.stdout.write(f"assessment: {added} new records (praise, inspections, a closed month, the Monday "
                              f"report and a bulletin)")
        if result.accounts:
            self.stdout.write(f"logins (password for all: {DEMO_PASSWORD}):")
            for username, who in result.accounts.items():
                self.stdout.write(f"  {username:<12} {who}")
            if opts["devices"]:
                tokens = register_devices(c)
                self.stdout.write("devices (open once in the device's browser; new tokens each run):")
                self.stdout.write(f"  kiosk   /devices/activate/?token={tokens['kiosk']}")
                self.stdout.write(f"  pad     /devices/activate/?token={tokens['pad']}")
                self.stdout.write(f"  workstation  open /workstation/setup/ on the computer of {tokens['window']} (the "
                                  f"window login's own window, where the pad is too) and "
                                  f"enter the token {tokens['workstation']}; clerks then sign in and out at "
                                  f"/workstation/")
