"""CMP-1..4 in a real browser: file a complaint as the public, handle it as the office, answer it, see the answer
with the tracking code."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_complaint_from_filing_to_answer(live_server, browser, shot, center, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(live_server.url + "/complaints/new/")
    public.select_option("select[name=ground]", "attitude")
    public.fill("textarea[name=matter]", "1号窗口工作人员态度生硬，未一次性告知所需材料。")
    public.get_by_role("button", name="提交").click()
    code = public.inner_text("#code")
    shot(public, "complaint-filed")

    office = browser.new_context(locale="zh-CN").new_page()
    office.goto(live_server.url + f"/accounts/login/?next=/manage/complaints/{code}/")
    office.fill("input[name=username]", "boss")
    office.fill("input[name=password]", "window-clerk-2026")
    office.click("button[type=submit]")
    office.select_option("select[name=window]", "W01")
    office.get_by_role("button", name="登记受理").click()
    office.fill("textarea[name=answer]", "经现场协调，当事人已致歉并补充告知，感谢您的监督。")
    office.get_by_role("button", name="以此答复办结").click()
    office.wait_for_selector("text=已答复")

    public.goto(live_server.url + f"/complaints/status/?code={code}")
    assert public.inner_text("#status") == "已答复"
    assert "感谢您的监督" in public.inner_text("#answer")
    assert "态度生硬" not in public.inner_text("main")
    shot(public, "complaint-answered")
    cache.clear()
