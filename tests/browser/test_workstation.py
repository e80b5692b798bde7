"""Issue 13 items 1-2 in a real browser (SEC-5, ATT-1, ORG-6): the system administrator registers a window
workstation on the devices page, the window's computer is set up with the token shown once, the clerk signs
in there (签到) with their own login, and the hall board's tile turns to A on duty (A岗在岗)."""

from __future__ import annotations

import pytest

from servicehall.core.models import Device
from servicehall.duty.models import Event
from servicehall.org import services as org
from servicehall.org.models import Staff

from .conftest import all_day_hall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-2026"


@pytest.fixture
def open_hall(settings):
    """A center open around the clock today (an extended-hours hall, ATT-4), nobody clocked in yet."""
    settings.DEFAULT_CENTER = "ZX"
    center, actor = all_day_hall()
    org.save_staff(actor, center, "S098", "孙管理", "RS", roles=["sys_admin"])
    org.create_account(actor, Staff.objects.get(code="S098"), "sysadmin", PASSWORD)
    org.create_account(actor, Staff.objects.get(code="S001"), "clerk", PASSWORD)
    return center


def login(page, base, who, then):
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{then}")


def test_register_a_workstation_sign_in_and_the_board_turns(live_server, page, shot, open_hall):
    base = live_server.url
    page.goto(base + "/board/")
    assert page.locator(".tile[data-window=W01]").get_attribute("data-state") != "a"

    login(page, base, "sysadmin", "/manage/devices/")
    page.select_option("select[name=kind]", "workstation")
    page.fill("input[name=code]", "WS01")
    page.fill("input[name=name]", "一号窗口工作站")
    page.select_option("select[name=window]", "W01")
    page.click("#register button")
    token = page.inner_text("code.token").strip()
    assert Device.objects.get(code="WS01").token_hash == Device.hash_token(token)
    shot(page, "devices-token-once")
    page.reload()
    assert page.locator("code.token").count() == 0  # shown only once

    page.goto(base + "/workstation/setup/")
    page.fill("input[name=token]", token)
    page.click("main form button")
    page.wait_for_url("**/workstation/")
    page.click("header form button")  # the administrator logs out; the workstation stays set up
    login(page, base, "clerk", "/workstation/")
    page.click("#sign-in")
    page.wait_for_selector("#state.ok")
    shot(page, "workstation-signed-in")
    ev = Event.objects.get(type="clock_in", staff__code="S001")
    assert ev.source == "workstation" and ev.device.code == "WS01"

    page.goto(base + "/board/")
    tile = page.locator(".tile[data-window=W01]")
    assert tile.get_attribute("data-state") == "a"
    assert "A岗在岗" in tile.inner_text() and "张三" in tile.inner_text()
    shot(page, "board-after-workstation-sign-in")
