"""``servicehall audit verify``: walk the audit chain and name the first broken link (SEC-7)."""

from __future__ import annotations

import sys

from servicehall.commandbase import ServicehallCommand

from ...services import verify_chain


class Command(ServicehallCommand):
    help = "Audit trail: 'verify' checks the hash chain (exit 0 when intact, 1 naming the first broken record)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify"])

    def handle(self, *args, what: str, **options):
        check = verify_chain()
        if check.ok:
            self.stdout.write(f"ok, {check.count} records")
            return
        self.stderr.write(f"broken at audit record {check.broken_id}: {check.problem} "
                          f"({check.count} records before it are intact)")
        sys.exit(1)
