"""SEC-7: writers racing each other still make one unbroken chain (the chain head's row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import record_event, verify_chain

WRITERS, EACH = 4, 8


@pytest.mark.django_db(transaction=True)
def test_sec7_racing_writers_keep_one_chain():
    if connection.vendor != "postgresql":
        # SQLite serialises writers itself (IMMEDIATE transactions); the test database is an in-memory one
        # whose shared cache refuses concurrent writers outright instead of waiting.
        pytest.skip("racing writers: PostgreSQL")
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    record_event(f"writer-{n}", "test.race", object_type="test", object_id=i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditRecord.objects.filter(action="test.race").count() == WRITERS * EACH
    check = verify_chain()
    assert check.ok and check.count == AuditRecord.objects.count()
    assert len(set(AuditRecord.objects.values_list("prev_hash", flat=True))) == AuditRecord.objects.count()
