"""``servicehall audit verify``: walk the audit chain and name the first broken link (SEC-7).
``servicehall audit purge``: remove the records older than the retention (never younger ones)."""

from __future__ import annotations

import sys

from django.conf import settings

from servicehall.commandbase import ServicehallCommand

from ...models import AuditRecord, retention_cutoff
from ...services import verify_chain


class Command(ServicehallCommand):
    help = ("Audit trail: 'verify' checks the hash chain (exit 0 when intact, 1 naming the first broken record); "
            "'purge' removes records older than SERVICEHALL_AUDIT_RETENTION_DAYS.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "purge"])

    def handle(self, *args, what: str, **options):
        if what == "purge":
            n, _ = AuditRecord.objects.filter(at__lt=retention_cutoff()).delete()
            self.stdout.write(f"removed {n} records older than {settings.SERVICEHALL_AUDIT_RETENTION_DAYS} days")
            return
        check = verify_chain()
        if check.ok:
            self.stdout.write(f"ok, {check.count} records")
            return
        self.stderr.write(f"broken at audit record {check.broken_id}: {check.problem} "
                          f"({check.count} records before it are intact)")
        sys.exit(1)
