"""SEC-7: records are chained by hash; ``servicehall audit verify`` names the first broken link; nothing
changes a record or deletes one younger than the retention."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from servicehall.audit.models import AuditImmutable, AuditRecord
from servicehall.audit.services import record_event, record_export, verify_chain


def verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip(), err.getvalue().strip()


def test_sec7_intact_chain_verifies(center, clerk):
    n = AuditRecord.objects.count()
    assert n > 10
    assert verify() == (0, f"ok, {n} records", "")
    records = list(AuditRecord.objects.order_by("id"))
    assert all(r.hash and len(r.hash) == 64 for r in records)
    assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:], strict=False))


def test_sec7_tampered_row_named(center, clerk):
    victim = AuditRecord.objects.order_by("id")[5]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditRecord._meta.db_table} SET reason = %s WHERE id = %s", ["edited", victim.pk])
    code, out, err = verify()
    assert code == 1 and out == ""
    assert f"audit record {victim.pk}" in err and "changed" in err


def test_sec7_removed_row_breaks_the_next_link(center, clerk):
    ids = list(AuditRecord.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditRecord._meta.db_table} WHERE id = %s", [ids[3]])
    check = verify_chain()
    assert not check.ok and check.broken_id == ids[4] and check.count == 3


def test_sec7_orm_refuses_changes_and_young_deletes(center):
    rec = AuditRecord.objects.order_by("id").first()
    rec.reason = "edited"
    with pytest.raises(AuditImmutable):
        rec.save()
    with pytest.raises(AuditImmutable):
        AuditRecord.objects.filter(pk=rec.pk).update(reason="edited")
    with pytest.raises(AuditImmutable):
        AuditRecord.objects.all().delete()
    with pytest.raises(AuditImmutable):
        rec.delete()
    assert AuditRecord.objects.filter(pk=rec.pk, reason="").exists()


def test_sec7_purge_removes_only_records_past_the_retention(center, settings):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=settings.SERVICEHALL_AUDIT_RETENTION_DAYS + 1)
    n = AuditRecord.objects.count()
    with connection.cursor() as cur:  # the first three records as if written half a year ago
        cur.execute(f"UPDATE {AuditRecord._meta.db_table} SET at = %s WHERE id IN "
                    f"(SELECT id FROM {AuditRecord._meta.db_table} ORDER BY id LIMIT 3)", [old])
    out = io.StringIO()
    call_command("audit", "purge", stdout=out)
    assert out.getvalue().startswith("removed 3 records")
    assert AuditRecord.objects.count() == n - 3
    # The oldest record kept anchors the chain, and the rest still verifies.
    assert verify() == (0, f"ok, {n - 3} records", "")


def test_sec7_retention_below_180_days_refused_at_start():
    env = {**os.environ, "SERVICEHALL_AUDIT_RETENTION_DAYS": "90", "DJANGO_SETTINGS_MODULE": "servicehall.settings"}
    r = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                       text=True)
    assert r.returncode != 0 and "SERVICEHALL_AUDIT_RETENTION_DAYS" in r.stderr


def test_sec7_events_and_exports_in_or_out_of_a_transaction(office_user):
    outside = record_export(office_user, "cases.xlsx", {"rows": 3})
    with transaction.atomic():
        inside = record_event(office_user, "role.change", object_type="org.staff", object_id=7, object_repr="S007",
                              before={"roles": ["window"]}, after={"roles": ["window", "approver"]})
    assert (outside.action, outside.object_id, outside.after) == ("export", "cases.xlsx", {"rows": 3})
    assert inside.prev_hash == outside.hash
    assert verify_chain().ok
