"""Q-7 in a real browser on a 390 px phone: the phone page opens without logging in, takes a ticket for an item
within its ticket hours with a mobile number, and the ticket's own page shows the position (people ahead), the
estimated wait and the masked number (SEC-3); cancelling takes it out of the queue."""

from __future__ import annotations

import pytest

from servicehall.tickets import services as q
from servicehall.tickets.models import Ticket

from .conftest import all_day_hall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_q7_take_a_ticket_from_a_phone_and_see_its_position(live_server, browser, shot, settings):
    settings.DEFAULT_CENTER = "ZX"
    center, actor = all_day_hall()
    item = next(i for i in center.items.filter(active=True) if i.posts.exists())
    for _ in range(2):
        q.issue_ticket(actor, center, item.code)  # two people already waiting at the kiosk
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/t/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        page.locator("input[name=phone]").fill("13812345678")
        page.locator(f"input[name=item][value='{item.code}']").check()
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()
        ticket = Ticket.objects.get(channel="remote")
        assert page.url.endswith(f"/t/{ticket.token}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        slip = page.locator("#remote-slip").inner_text()
        assert ticket.display in slip and "138****5678" in slip and "13812345678" not in page.content()
        assert "2" in page.locator("#remote-ahead").inner_text()
        shot(page, "remote-ticket-phone")
        asked = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))  # asked first; "no" keeps it
        page.locator("form button[type=submit]").click()
        assert asked and "取消" in asked[0] and Ticket.objects.get(pk=ticket.pk).status == "waiting"
        page.once("dialog", lambda d: d.accept())
        page.locator("form button[type=submit]").click()
        page.wait_for_selector("text=重新取号")
        assert Ticket.objects.get(pk=ticket.pk).status == "cancelled"
    finally:
        context.close()
