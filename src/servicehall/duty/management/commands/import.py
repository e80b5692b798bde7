"""``servicehall import FILE.json`` — a scenario file (SCENARIO.md); exit 2 and nothing written on a bad file."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from servicehall.audit.services import system_actor
from servicehall.commandbase import ServicehallCommand
from servicehall.duty.importer import BATCH, ImportIncomplete, import_scenario, load


class Command(ServicehallCommand):
    help = ("Import a scenario file: org chart, AB posts, calendar, attendance events (SCENARIO.md). "
            "The whole file is checked before anything is written: a bad file changes nothing (exit 2). "
            "The org chart is written in one short transaction, the events in batches of --batch per "
            "transaction and the re-derivation one day per transaction, so other writers are never held up "
            "for long. Should the database fail part way (exit 1), the message says which events are in the "
            "database; importing the same file again finishes the job (events are keyed by their id).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--batch", type=int, default=BATCH,
                            help=f"events written per transaction (default {BATCH})")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        if opts["batch"] < 1:
            raise CommandError("--batch: a whole number of 1 or more", returncode=2)
        progress = (lambda line: self.stderr.write(line)) if opts["verbosity"] >= 2 else None
        try:
            counts = import_scenario(system_actor("import"), load(path.read_text(encoding="utf-8")),
                                     batch=opts["batch"], progress=progress)
        except ImportIncomplete as exc:
            sys.stderr.write(f"error: {path.name}: {exc}\n")
            sys.exit(1)
        summary = ", ".join(f"{v} {k}" for k, v in counts.items()) or "nothing new"
        self.stdout.write(f"imported {path.name}: {summary}")
