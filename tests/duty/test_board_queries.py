"""The hall board reads in a number of queries that does not grow with the hall (issue 14 item 7; PUB-2, ORG-6,
NV-2, NV-5, NV-7, ATT-2): the page, its tiles and the public API, on a center of 2 and of 12 windows with
pauses, stand-ins, meetings and leave whose approval route is on record, and staff with photos."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import services
from servicehall.org.models import Staff

from .test_presence import _center_of, at

pytestmark = pytest.mark.django_db
NOW = at("10:00")


def _hall(size: int):
    center = _center_of(size)
    boss = system_actor("office")
    for i in range(1, size + 1):
        # the second half of the day: the A of every post on leave, approved along its route (ATT-2)
        a = Staff.objects.get(center=center, code=f"S{2 * i - 1:03d}")
        req = services.request_absence(boss, center, a, "leave", at("14:30"), at("17:30"), now=NOW)
        services.approve_absence(boss, req, "department", override_reason="测试", now=NOW)
        Staff.objects.filter(pk=a.pk).update(photo=f"staff/{a.code}.jpg")
    return center


def _count(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path, **headers)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_board_reads_in_the_same_number_of_queries_for_2_and_12_windows(client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    counts: dict[str, list[int]] = {"page": [], "tiles": [], "api": []}
    for size in (2, 12):
        center = _hall(size)
        client.get(f"/board/?center={center.code}")  # the calendar is built once per process
        counts["page"].append(_count(client, f"/board/?center={center.code}"))
        counts["tiles"].append(_count(client, f"/board/tiles/?center={center.code}", HTTP_HX_REQUEST="true"))
        counts["api"].append(_count(client, f"/api/v1/centers/{center.code}/board"))
        body = client.get(f"/api/v1/centers/{center.code}/board").json()
        assert len(body) == size and {t["state"] for t in body} == {"paused"}
    assert counts["page"][0] == counts["page"][1], counts
    assert counts["tiles"][0] == counts["tiles"][1], counts
    assert counts["api"][0] == counts["api"][1], counts


def test_the_presence_reads_count_no_approval_per_person(monkeypatch):
    """Leave judged by its approval route (ATT-2) is read with the day, not one approval query per leave."""
    from servicehall.duty import presence

    counts = []
    for size in (2, 12):
        center = _hall(size)
        presence.hall_state(center, NOW)
        with CaptureQueriesContext(connection) as ctx:
            presence.hall_state(center, NOW)
            presence.staff_whereabouts(center, NOW)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
