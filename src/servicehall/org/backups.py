"""The worker's daily backup (SEC-3, SEC-4): one encrypted archive a day into SERVICEHALL_BACKUP_DIR, the
newest SERVICEHALL_BACKUP_KEEP kept. Never silent: a failure is logged and every center's system
administrators (SEC-6 三员分立: they keep the system) are alerted; with no key configured they are told once
a day that backups are off.

The archive itself is core/backup.py; this module knows who is told (the org chart lives here).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from servicehall.core import backup
from servicehall.core.notify import send

from .choices import Role
from .models import Center, Staff

log = logging.getLogger("servicehall.backup")


def alert_admins(key: str, text: str) -> int:
    """Tell every center's active system administrators (once per key); returns how many were told."""
    told = 0
    for center in Center.objects.all():
        admins = list(Staff.objects.filter(center=center, active=True, roles__role=Role.SYS_ADMIN).distinct())
        if admins:
            send(center, admins, key, text)
            told += len(admins)
    if not told:
        log.error("no active system administrator to tell: %s", text)
    return told


def daily(now: dt.datetime | None = None) -> Path | None:
    """Make today's backup and drop the oldest beyond the keep count; returns the archive, or None when no
    backup was made (the administrators were alerted)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date().isoformat()
    try:
        key = backup.load_key()
    except backup.BackupError as exc:
        log.error("daily backup not made: %s", exc)
        alert_admins(f"backup-off:{day}", f"数据备份未开启（{day}）：未配置有效的备份密钥 SERVICEHALL_BACKUP_KEY，"
                                          "今天没有备份。请用 servicehall backup --new-key 生成密钥并配置（SEC-4）。")
        return None
    try:
        path = backup.create(key=key, now=now)
        removed = backup.rotate(keep=settings.SERVICEHALL_BACKUP_KEEP)
    except Exception as exc:  # noqa: BLE001 - any failure is told, not lost (SEC-4)
        log.exception("daily backup failed")
        alert_admins(f"backup-failed:{day}", f"数据备份失败（{day}）：{exc}"[:290] + "（SEC-4）")
        return None
    log.info("daily backup %s; %d old archives removed", path.name, len(removed))
    return path
