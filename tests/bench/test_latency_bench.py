"""Benchmark (NV-1): from a device's clock event through the API to the recomputed incidents of the day.

The demo center (43 posts) with a day of clock-ins; one clerk clocks out and in again through
``/api/v1/devices/clock``: each call appends the event and re-derives the day's post-days before it
answers. Target: median under 50 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time

import pytest

from servicehall.audit.services import system_actor
from servicehall.demo.load import load_demo
from servicehall.duty import services as duty
from servicehall.duty.engine import expected_staff
from servicehall.duty.models import Vacancy

pytestmark = [pytest.mark.bench, pytest.mark.django_db]
TZ = dt.timezone(dt.timedelta(hours=8))


def test_bench_event_to_incident_latency(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    actor = system_actor("bench")
    center = load_demo(actor).center
    day = dt.date(2026, 3, 3)
    for s in expected_staff(center):
        duty.append_event(actor, center, f"in-{s.code}", {"type": "clock_in", "staff": s,
                                                          "at": dt.datetime(2026, 3, 3, 8, 20, tzinfo=TZ)},
                          source="import")
    duty.rederive(center, [center.events.first()])
    _device, token = duty.register_device(actor, center, "T1", "考勤机")
    post = center.posts.select_related("a", "b").get(code="P05")
    duty.record_event(actor, center, {"type": "away", "staff": post.b, "kind": "meeting", "approved": True,
                                      "start": dt.datetime(2026, 3, 3, 9, 0, tzinfo=TZ),
                                      "end": dt.datetime(2026, 3, 3, 17, 30, tzinfo=TZ)})
    timings = []
    for i in range(40):
        kind = "clock_out" if i % 2 == 0 else "clock_in"
        at = dt.datetime(2026, 3, 3, 10, 0, tzinfo=TZ) + dt.timedelta(minutes=5 * i)
        body = json.dumps({"event_id": f"e{i}", "staff": post.a.code, "type": kind, "at": at.isoformat()})
        t0 = time.perf_counter()
        r = client.post("/api/v1/devices/clock", body, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}")
        timings.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    # Out for 5 minutes every 10 from 10:00: twelve of those absences fall in the morning session.
    assert Vacancy.objects.filter(post=post, date=day, answerable_kind="a").count() == 12
    median = statistics.median(timings)
    print(f"\nevent -> recomputed incidents (43 posts re-derived per call): median {median:.1f} ms, "
          f"p90 {statistics.quantiles(timings, n=10)[-1]:.1f} ms over {len(timings)} calls")
    assert median < 50
