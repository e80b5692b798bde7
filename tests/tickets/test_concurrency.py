"""Q-1: ticket numbers are never duplicated, even with many kiosks at once (numbers come from the database)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from servicehall.audit.services import system_actor
from servicehall.tickets import services as q
from servicehall.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_q1_concurrent_kiosks_never_share_a_number(actor, center):
    from servicehall.org import services as org

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (the in-memory SQLite test database locks whole tables)")

    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    threads_n, per_thread = 8, 10
    errors: list[BaseException] = []
    actors = [system_actor(f"kiosk{k}") for k in range(threads_n)]

    def kiosk(k: int) -> None:
        try:
            kiosk_actor = actors[k]
            for i in range(per_thread):
                q.issue_ticket(kiosk_actor, center, "RS-001", device_request_id=f"k{k}-{i}", now=now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(Ticket.objects.values_list("seq", flat=True))
    assert len(seqs) == threads_n * per_thread  # nothing lost
    assert sorted(seqs) == list(range(1, threads_n * per_thread + 1))  # nothing duplicated
