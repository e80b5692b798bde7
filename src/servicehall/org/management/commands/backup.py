"""``servicehall backup [--output DIR]``: one encrypted, checksummed archive of the database and the uploaded
files (SEC-3, SEC-4); ``servicehall backup --new-key`` prints a fresh key for SERVICEHALL_BACKUP_KEY."""

from __future__ import annotations

from django.core.management.base import CommandError

from servicehall.commandbase import ServicehallCommand
from servicehall.core import backup


class Command(ServicehallCommand):
    help = ("Write one encrypted archive of the database and the uploaded files into --output "
            "(default SERVICEHALL_BACKUP_DIR); --new-key prints a key for SERVICEHALL_BACKUP_KEY.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="folder for the archive (default SERVICEHALL_BACKUP_DIR)")
        parser.add_argument("--new-key", action="store_true", help="print a fresh random key and exit")

    def handle(self, *args, output: str | None = None, new_key: bool = False, **options):
        if new_key:
            self.stdout.write(backup.new_key())
            return
        try:
            path = backup.create(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        size = path.stat().st_size
        self.stdout.write(f"backup written: {path} ({size} bytes)")
