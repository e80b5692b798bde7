"""Q-1, Q-4 in a real browser: take a ticket at the kiosk page, call it from the caller, see it on the display,
rate it on the pad."""

from __future__ import annotations

import pytest

from ..tickets.conftest import open_hall  # noqa: F401  (fixture)
from .conftest import until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kiosk_caller_display_pad(live_server, browser, shot, open_hall):  # noqa: F811
    base = live_server.url
    kiosk = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1400}).new_page()
    kiosk.goto(f"{base}/devices/activate/?token={open_hall['kiosk']}")
    kiosk.get_by_role("button", name="失业登记").click()
    number = kiosk.inner_text(".slip-number")
    assert number == "RS001" and "您前面还有 0 人" in kiosk.inner_text("#slip")
    shot(kiosk, "queue-kiosk")

    clerk = browser.new_context(locale="zh-CN").new_page()
    clerk.goto(f"{base}/accounts/login/?next=/queue/%3Fwindow%3DW01")
    clerk.fill("input[name=username]", "boss")
    clerk.fill("input[name=password]", "window-clerk-2026")
    clerk.click("button[type=submit]")
    clerk.get_by_role("button", name="呼叫下一位").click()
    clerk.wait_for_selector("text=已叫号")

    display = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
    display.add_init_script("""window.__said = [];
        Object.defineProperty(window, "speechSynthesis", {configurable: true,
            value: {speak: function (u) { window.__said.push(u.text); }}});
        Object.defineProperty(window, "SpeechSynthesisUtterance", {configurable: true, writable: true,
            value: function (text) { this.text = text; }});""")
    display.goto(f"{base}/display/")
    assert number in display.inner_text("#display") and "1号窗口" in display.inner_text("#display")
    assert display.inner_text(".display-big-number") == number  # large, the number just called
    assert display.locator(".display-big-number").bounding_box()["height"] > 100
    toggle = display.locator("#speak-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"  # spoken calls are optional, off until turned on
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    shot(display, "queue-display")

    clerk.get_by_role("button", name="开始办理").click()
    clerk.get_by_role("button", name="办理完毕").click()
    clerk.wait_for_selector("text=呼叫下一位")

    pad = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 768}).new_page()
    pad.goto(f"{base}/devices/activate/?token={open_hall['pad']}")
    pad.goto(f"{base}/pad/?window=W01")
    assert "周主任" in pad.inner_text("main")
    assert pad.get_by_role("link", name="工作人员登录").count() == 0 and pad.locator("select").count() == 0
    pad.locator("input[name=level][value='4']").check()  # 满意 (the indicators below repeat the level words)
    pad.get_by_label("意见建议（选填）").fill("办得很快")
    pad.locator("input[name=level][value='5']").check()  # 非常满意: a level tapped after the comment keeps it
    assert pad.get_by_label("意见建议（选填）").input_value() == "办得很快"
    shot(pad, "queue-pad")
    pad.locator("button.pad-submit").click()
    pad.wait_for_selector("text=感谢您的评价")
    from servicehall.tickets.models import Rating

    rating = Rating.objects.get()
    assert rating.level == 5 and rating.comment == "办得很快"

    kiosk.goto(f"{base}/kiosk/")
    kiosk.get_by_role("button", name="失业登记").click()
    second = kiosk.inner_text(".slip-number")
    clerk.get_by_role("button", name="呼叫下一位").click()
    until(display, f"document.querySelector('.display-big-number') && "
                   f"document.querySelector('.display-big-number').innerText === '{second}'")
    until(display, "window.__said.length > 0")
    assert second in display.evaluate("window.__said[0]")  # spoken through the browser's own speech synthesis
    for ctx_page in (kiosk, clerk, display, pad):
        ctx_page.context.close()
