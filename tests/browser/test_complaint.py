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


def test_supervised_complaint_with_a_photo_answered_through_the_department(live_server, browser, shot, center,
                                                                           settings, tmp_path):
    """CMP-1..4 the long way: a photo attached, a supervision order, the department's written reply from its
    inbox, the office's answer, and the complainant reading it."""
    import io

    from django.core.cache import cache
    from PIL import Image

    from servicehall.audit.services import system_actor
    from servicehall.org import services as org
    from servicehall.org.models import Staff

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    settings.MEDIA_ROOT = tmp_path
    org.create_account(system_actor("test"), Staff.objects.get(code="S004"), "zhaoliu", "window-clerk-2026")
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(photo, "PNG")

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(live_server.url + "/complaints/new/")
    public.select_option("select[name=ground]", "fees")
    public.fill("textarea[name=matter]", "2号窗口要求购买指定文件袋，收费10元。")
    public.set_input_files("input[name=attachments]", {"name": "收据.png", "mimeType": "image/png",
                                                       "buffer": photo.getvalue()})
    public.get_by_role("button", name="提交").click()
    code = public.inner_text("#code")

    def login(username):
        page = browser.new_context(locale="zh-CN").new_page()
        page.goto(live_server.url + f"/accounts/login/?next=/manage/complaints/{code}/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "window-clerk-2026")
        page.click("button[type=submit]")
        return page

    office = login("boss")
    assert office.get_by_role("link", name="收据.png").is_visible()
    office.select_option("select[name=window]", "W02")
    office.get_by_role("button", name="登记受理").click()
    office.fill("input[name=instruction]", "核查是否搭车收费，书面答复")
    office.get_by_role("button", name="出具").click()
    office.wait_for_selector("text=已督办")

    head = login("zhaoliu")
    head.goto(live_server.url + "/manage/complaints/inbox/")
    head.get_by_role("link", name=code).click()
    head.fill("textarea[name=result]", "情况属实，已退还10元并停止销售文件袋。")
    head.fill("textarea[name=rectification]", "窗口张贴收费公示，不再代售任何物品。")
    head.get_by_role("button", name="登记").click()
    head.wait_for_selector("text=部门已回复")
    shot(head, "complaint-department-reply")

    office.reload()
    office.fill("textarea[name=answer]", "经核查情况属实，费用已退还，窗口已整改。感谢您的监督。")
    office.get_by_role("button", name="发送答复").click()
    office.wait_for_selector("text=已答复")

    public.goto(live_server.url + f"/complaints/status/?code={code}")
    assert public.inner_text("#status") == "已答复" and "已整改" in public.inner_text("#answer")
    assert "文件袋" not in public.inner_text("main")  # the matter is not shown back
    cache.clear()
