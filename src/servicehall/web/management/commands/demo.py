"""``servicehall demo [--scale N]`` — load the demo center (idempotent) and print the logins."""

from __future__ import annotations

import time

from django.utils import translation

from servicehall.audit.services import system_actor
from servicehall.commandbase import ServicehallCommand
from servicehall.demo.load import DEMO_PASSWORD, load_demo


class Command(ServicehallCommand):
    help = "Load the demo county center (idempotent); --scale N builds a large synthetic center."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **opts):
        with translation.override("zh-hans"):
            self._load(opts)

    def _load(self, opts):
        started = time.monotonic()
        result = load_demo(system_actor("demo"), scale=opts["scale"], seed=opts["seed"])
        c = result.center
        self.stdout.write(
            f"center {c.code} {c.name}: {c.departments.count()} departments, {c.windows.count()} windows, "
            f"{c.staff.count()} staff, {c.posts.count()} posts, {c.items.count()} service items "
            f"({time.monotonic() - started:.1f} s)"
        )
        if result.accounts:
            self.stdout.write(f"logins (password for all: {DEMO_PASSWORD}):")
            for username, who in result.accounts.items():
                self.stdout.write(f"  {username:<12} {who}")
