"""Issue 17 item 6: a morning at the window from the keyboard — the caller's steps each take one key (N call next,
S start, F finish), shown on the buttons, and the next step's button holds the focus so Enter presses it."""

from __future__ import annotations

import pytest

from ..tickets.conftest import open_hall  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_call_serve_and_finish_with_one_key_each(live_server, browser, shot, open_hall):  # noqa: F811
    from servicehall.tickets.models import Ticket

    base = live_server.url
    kiosk = browser.new_context(locale="zh-CN").new_page()
    kiosk.goto(f"{base}/devices/activate/?token={open_hall['kiosk']}")
    for _ in range(2):
        kiosk.get_by_role("button", name="失业登记").click()
        kiosk.goto(f"{base}/kiosk/")
    clerk = browser.new_context(locale="zh-CN").new_page()
    clerk.goto(f"{base}/accounts/login/?next=/queue/%3Fwindow%3DW01")
    clerk.keyboard.type("boss")  # the login form's first field has the focus
    clerk.keyboard.press("Tab")
    clerk.keyboard.type("window-clerk-2026")
    clerk.keyboard.press("Enter")
    clerk.wait_for_selector("button[data-key=n]")
    assert "N" in clerk.inner_text("button[data-key=n] kbd")
    clerk.keyboard.press("n")
    clerk.wait_for_selector("button[data-key=s]")
    assert clerk.evaluate("document.activeElement.getAttribute('data-key')") == "s"  # the next step has the focus
    clerk.keyboard.press("s")
    clerk.wait_for_selector("button[data-key=f]")
    shot(clerk, "caller-keyboard")
    clerk.keyboard.press("f")
    clerk.wait_for_selector("button[data-key=n]")
    assert list(Ticket.objects.order_by("seq").values_list("status", flat=True)) == ["done", "waiting"]
    clerk.keyboard.press("Enter")  # the focused "call next" — one key again
    clerk.wait_for_selector("button[data-key=s]")
    assert list(Ticket.objects.order_by("seq").values_list("status", flat=True)) == ["done", "called"]
    # Typing in a field is typing, not a shortcut: "n" in the transfer choice changes nothing.
    clerk.focus("select[name=to]")
    clerk.keyboard.press("n")
    assert Ticket.objects.filter(status="called").count() == 1
    for p in (kiosk, clerk):
        p.context.close()
