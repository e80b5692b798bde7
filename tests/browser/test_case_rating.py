"""EVAL-4 一事一评 in a real browser on a 390 px phone: the case's link opens without logging in, the chosen
level shows its own reasons only, the comment stays while levels are tapped, the rating is recorded once."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.cases import services as cases
from servicehall.tickets import services as q
from servicehall.tickets.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = dt.datetime(2026, 9, 29, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_eval4_rate_a_case_from_its_link_on_a_phone(live_server, browser, shot, actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    case = cases.receive_case(actor, center, "RS-001", cases.Applicant("person", "王小明", "13812345678",
                                                                       "11010519491231002X"),
                              [{"name": "身份证"}, {"name": "申请表"}], now=NOW)  # finished on the spot
    url = live_server.url + f"/rate/{q.case_link(case).token}/"
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        assert not page.locator(".rate-reasons-2").is_visible()  # no level chosen: no reasons yet
        page.locator("input[name=level][value='2']").check()
        assert page.locator(".rate-reasons-2").is_visible() and not page.locator(".rate-reasons-5").is_visible()
        page.locator(".rate-reasons-2 label", has_text="多次往返").locator("input").check()
        page.locator("textarea[name=comment]").fill("材料跑了三趟")
        page.locator("input[name=level][value='1']").check()  # another level: its own reasons; the comment stays
        assert page.locator(".rate-reasons-1").is_visible() and not page.locator(".rate-reasons-2").is_visible()
        assert not page.locator(".rate-reasons-2 input:checked").count()  # the other level's ticks are cleared
        assert page.locator("textarea[name=comment]").input_value() == "材料跑了三趟"
        page.locator(".rate-reasons-1 label", has_text="服务态度生硬").locator("input").check()
        page.locator("input[name=attitude][value='1']").check()
        shot(page, "case-rating-phone")
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()
        rating = Rating.objects.get(rated_case=case)
        assert (rating.level, rating.reasons, rating.comment, rating.attitude) == (1, ["服务态度生硬"], "材料跑了三趟", 1)
        page.goto(url)
        assert page.locator("input[name=level]").count() == 0  # rated once
    finally:
        context.close()
