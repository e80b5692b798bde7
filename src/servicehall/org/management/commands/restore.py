"""``servicehall restore ARCHIVE``: restore a backup into an empty database and media folder, then verify it:
the rows of every table against the archive's manifest and the audit chain (SEC-4, SEC-7).
``servicehall restore --check ARCHIVE`` only checks the archive (key, every chunk, every member's sha256)."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError

from servicehall.audit.services import verify_chain
from servicehall.commandbase import ServicehallCommand
from servicehall.core import backup


class Command(ServicehallCommand):
    help = ("Restore a backup archive into an empty database (and empty MEDIA_ROOT), then verify the row counts "
            "and the audit chain; --check only checks the archive.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--check", action="store_true", help="check the archive only; restore nothing")

    def handle(self, *args, archive: str, check: bool = False, **options):
        try:
            if check:
                manifest = backup.check(archive)
                self.stdout.write(f"archive ok: {manifest.describe()}")
                return
            done = backup.restore(archive)
        except FileNotFoundError:
            raise CommandError(f"{archive}: no such file", returncode=2) from None
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"restored: {done.manifest.describe()}")
        failed = False
        if done.ok:
            self.stdout.write(f"rows: every table matches the backup ({len(done.rows)} tables, "
                              f"{sum(done.rows.values())} rows)")
        else:
            failed = True
            for line in done.mismatches:
                self.stderr.write(f"rows differ: {line}")
        chain = verify_chain()
        if chain.ok:
            self.stdout.write(f"audit chain: ok, {chain.count} records")
        else:
            failed = True
            self.stderr.write(f"audit chain: broken at audit record {chain.broken_id}: {chain.problem}")
        if failed:
            self.stderr.write("the restored data does not match the backup: do not use it; keep the archive")
            sys.exit(1)
        self.stdout.write("next: `servicehall migrate` if this version is newer than the backup's, then start")
