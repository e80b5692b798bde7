"""``servicehall import FILE.json`` — a scenario file (SCENARIO.md); exit 2 and nothing written on a bad file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from servicehall.audit.services import system_actor
from servicehall.commandbase import ServicehallCommand
from servicehall.duty.importer import import_scenario, load


class Command(ServicehallCommand):
    help = "Import a scenario file: org chart, AB posts, calendar, attendance events (SCENARIO.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        counts = import_scenario(system_actor("import"), load(path.read_text(encoding="utf-8")))
        summary = ", ".join(f"{v} {k}" for k, v in counts.items()) or "nothing new"
        self.stdout.write(f"imported {path.name}: {summary}")
