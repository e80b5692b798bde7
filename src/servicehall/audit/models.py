"""The audit trail — 操作审计 (SEC-2, SEC-7): every write, who, when, from where, before and after.

Records are appended, never changed: each carries the hash of the record before it and its own
content hash, so that ``servicehall audit verify`` finds the first record that was altered or removed.
Nothing deletes a record younger than the retention (``SERVICEHALL_AUDIT_RETENTION_DAYS``, at least 180).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditImmutable(Exception):
    """Raised when code tries to change an audit record or delete one younger than the retention (SEC-7)."""


def retention_cutoff() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=settings.SERVICEHALL_AUDIT_RETENTION_DAYS)


class AuditQuerySet(models.QuerySet):
    """Refuses bulk updates, and deletes that would take a record younger than the retention (SEC-7)."""

    def update(self, **kwargs):
        raise AuditImmutable("audit records are never changed (SEC-7)")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutable("audit records are never changed (SEC-7)")

    def delete(self):
        if self.filter(at__gt=retention_cutoff()).exists():
            raise AuditImmutable(
                f"audit records are kept {settings.SERVICEHALL_AUDIT_RETENTION_DAYS} days at least (SEC-7)")
        return super().delete()


class AuditRecord(models.Model):
    """One write to domain data, or one account event (login, logout, lockout, export) — 审计记录.

    Appended by :mod:`servicehall.audit.services` inside the same transaction as the write it
    describes; never edited. Personal data is stored masked (SEC-3).
    """

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=60)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    address = models.CharField(_("client address"), max_length=45, blank=True, db_index=True)
    prev_hash = models.CharField(_("previous record's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutable(f"audit record {self.pk} is never changed (SEC-7)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.at > retention_cutoff():
            raise AuditImmutable(
                f"audit record {self.pk} is kept {settings.SERVICEHALL_AUDIT_RETENTION_DAYS} days at least (SEC-7)")
        return super().delete(*args, **kwargs)


class AuditChain(models.Model):
    """The head of the hash chain — 审计链头: one row, locked by each writer so records chain in order."""

    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return self.last_hash[:12]
