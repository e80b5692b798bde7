"""Benchmark (NV-1, issue 14 item 7): from a device's clock event through the API to the re-derived record.

The demo center (43 posts) and the ×10 one (430 posts, ``servicehall demo --scale 10``), each with a day of
clock-ins for everyone at the windows; one clerk (A of a post whose B is away) clocks out and in again through
``/api/v1/devices/clock``. Each call appends the event and re-derives that clerk's post-days and attendance
(``engine.recompute_people``) before it answers. Target: median ≤ 20 ms with 430 posts. Baseline: what a punch
cost when it re-derived every post of the day (``engine.recompute_day``), measured in the same run.

The hall is loaded and committed first, as in production (a setup left in the measuring transaction kept every
version of the rows each write updates — the audit chain's head, the cache generation — unprunable, and each later
read of them walked thousands of dead versions). The timed punches run in one transaction, each in its savepoint:
their alert work after commit (``duty.alerts``, NV-1) is not in the figure. The note reports, measured in the same
run, punches each committed on its own with that alert work done in the request, as a terminal's call does it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.demo.load import load_demo
from servicehall.duty import engine
from servicehall.duty import services as duty
from servicehall.duty.models import Event, EventType, Vacancy
from servicehall.org import assignments

pytestmark = [pytest.mark.bench, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 3, 3)
NOW = dt.datetime(2026, 3, 3, 17, 50, tzinfo=TZ)  # the terminal posts the day's punches before it ends (SEC-5)


def _punches(client, token: str, staff_code: str, n: int, first: int = 0) -> list[float]:
    timings = []
    for i in range(first, first + n):
        kind = "clock_out" if i % 2 == 0 else "clock_in"
        at = dt.datetime(2026, 3, 3, 10, 0, tzinfo=TZ) + dt.timedelta(minutes=5 * i)
        body = json.dumps({"event_id": f"e{i}", "staff": staff_code, "type": kind, "at": at.isoformat()})
        t0 = time.perf_counter()
        r = client.post("/api/v1/devices/clock", body, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}")
        timings.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.content
    return timings


@pytest.mark.parametrize("scale", [1, 10])
def test_bench_punch_to_rederived_record(client, settings, monkeypatch, bench, scale):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    actor = system_actor("bench")
    with transaction.atomic():  # the setup committed, as in production: core.hot keeps copies
        center = load_demo(actor, scale=scale).center
        held = assignments.on(center, DAY)
        people = sorted({i for asg in held.values() for i in (asg.a_id, asg.b_id)})
        Event.objects.bulk_create(Event(center=center, ext_id=f"in-{sid}", type=EventType.CLOCK_IN, staff_id=sid,
                                        at=dt.datetime(2026, 3, 3, 8, 20, tzinfo=TZ), source="import")
                                  for sid in people)
        engine.recompute_day(center, DAY, now=NOW)
        _device, token = duty.register_device(actor, center, "T1", "考勤机")
        post = center.posts.order_by("code").first()
        asg = held[post.pk]
        duty.record_event(actor, center, {"type": "away", "staff": asg.b, "kind": "meeting", "approved": True,
                                          "start": dt.datetime(2026, 3, 3, 9, 0, tzinfo=TZ),
                                          "end": dt.datetime(2026, 3, 3, 17, 30, tzinfo=TZ)})
    with transaction.atomic():  # the punches' own work, each in its savepoint; their alerts run at the end
        timings = _punches(client, token, asg.a.code, 40)
        # Out for 5 minutes every 10 from 10:00: twelve of those absences fall in the morning session.
        assert Vacancy.objects.filter(post=post, date=DAY, answerable_kind="a").count() == 12
        with CaptureQueriesContext(connection) as one:  # the statements of one more punch (out and back at 16:40)
            _punches(client, token, asg.a.code, 2, first=80)
        statements = sum(not q["sql"].startswith(("SAVEPOINT", "RELEASE")) for q in one.captured_queries) / 2
        before = sorted(Vacancy.objects.filter(center=center, date=DAY).values_list("post_id", "start", "end",
                                                                                    "staff_id"))
        whole = []
        for _ in range(5):
            t0 = time.perf_counter()
            engine.recompute_day(center, DAY, now=NOW)
            whole.append((time.perf_counter() - t0) * 1000)
        after = sorted(Vacancy.objects.filter(center=center, date=DAY).values_list("post_id", "start", "end",
                                                                                   "staff_id"))
        assert before == after  # the targeted record is the whole day's
    # As a terminal's call runs: each punch its own transaction, its alert work after commit in the request.
    committed = _punches(client, token, asg.a.code, 20, first=50)
    median, base = statistics.median(timings), statistics.median(whole)
    n_posts = len(held)
    bench.row(f"clock punch -> re-derived record, API ({n_posts} posts)",
              f"median {median:.1f} ms, p90 {statistics.quantiles(timings, n=10)[-1]:.1f} ms",
              baseline=f"{base:.0f} ms (whole day re-derived)", ratio=base / median,
              target="median ≤ 20 ms" if scale == 10 else "", ok=median <= 20 if scale == 10 else None,
              note=f"{len(timings)} calls, {statements:.0f} SQL statements a punch; each committed with its alert "
                   f"work: median {statistics.median(committed):.1f} ms; load {os.getloadavg()[0]:.1f}")
