"""NV-1, NV-2 in a real browser: the hall board turns a tile red after a scripted absence, without a reload."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from servicehall.duty import services as duty

from .conftest import all_day_hall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_hall(settings):
    """A center open around the clock today, so the test runs at any hour (an extended-hours hall, ATT-4)."""
    settings.DEFAULT_CENTER = "ZX"
    center, actor = all_day_hall()
    duty.record_event(actor, center, {"type": "clock_in", "staff": "S001",
                                      "at": timezone.now() - dt.timedelta(minutes=30), "reason": "test"})
    device, token = duty.register_device(actor, center, "T1", "考勤机")
    return token


def test_board_tile_turns_red_after_a_clock_out(live_server, page, shot, open_hall, client):
    page.goto(live_server.url + "/board/")
    tile = page.locator(".tile[data-window=W01]")
    assert tile.get_attribute("data-state") == "a"
    assert "A岗在岗" in tile.inner_text() and "张三" in tile.inner_text()
    page.evaluate("window.__marker = 1")
    shot(page, "board-green")

    r = client.post("/api/v1/devices/clock", json.dumps({"event_id": "out-1", "staff": "S001", "type": "clock_out"}),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {open_hall}")
    assert r.status_code == 200, r.content

    page.wait_for_selector(".tile[data-window=W01][data-state=vacant]", timeout=15_000)
    assert page.evaluate("window.__marker") == 1  # htmx refreshed the tiles, no full reload
    assert "缺位" in tile.inner_text() and "起无人" in tile.inner_text()
    assert "缺位 1" in page.inner_text(".board-counts")
    shot(page, "board-red")
