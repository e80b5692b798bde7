"""A punch reads those people's history, never the center's every event (issue 14 item 7; NV-1).

The scoped read of a punch (``engine._scoped_events``) once asked "every event of the center, then the ones of
these people", which SQLite answered by walking the center's whole event history: 2.4 s a punch in a center of
2,000 posts with a month of punches. It now names the people's events by their own indexes. The plan is
SQLite's (the suite's first database); the rows are the same either way (``test_targeted_rederive``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.audit.services import system_actor
from servicehall.duty import engine
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Event, EventType
from servicehall.org.models import Center, Post

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 3, 10)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_punch_reads_by_the_peoples_indexes_not_the_centers_history():
    import_scenario(system_actor("import"), {**BASE, "events": []})
    center = Center.objects.get(code="ZX")
    post = Post.objects.get(center=center, code="P01")
    # other people's history: a month of punches (their staff left empty, as a terminal's unknown card is)
    Event.objects.bulk_create(Event(center=center, ext_id=f"h{i}", type=EventType.CLOCK_IN, source="import",
                                    at=dt.datetime(2026, 2, 1, 8, tzinfo=TZ) + dt.timedelta(minutes=7 * i))
                              for i in range(3000))
    Event.objects.create(center=center, ext_id="mine", type=EventType.CLOCK_IN, staff_id=post.a_id, source="import",
                         at=dt.datetime(2026, 3, 10, 8, 50, tzinfo=TZ))
    with CaptureQueriesContext(connection) as seen:
        engine.recompute_people(center, DAY, {post.a_id}, now=dt.datetime(2026, 3, 10, 18, tzinfo=TZ))
    scoped = [q["sql"] for q in seen.captured_queries if q["sql"].startswith("SELECT e.")]
    assert scoped, "the punch's scoped read was not made"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + scoped[0])
        plan = [row[-1] for row in cursor.fetchall()]
    outer = [step for step in plan if step.startswith(("SCAN e", "SEARCH e "))]
    assert outer and all("rowid=?" in step for step in outer), plan  # each event fetched by its id
    assert not any(step.startswith("SCAN") for step in plan), plan
