"""CASE-2, CASE-3 in a real browser: accept a case, print its receipt page, issue a one-time notice."""

from __future__ import annotations

import pytest

from servicehall.catalog import services as catalog
from servicehall.org import services as org
from servicehall.org.models import Staff

from ..cases.test_pages import cover_the_coming_weeks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def window(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(actor, center)
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])
    # 钱七, a window clerk of 县市场监管局, whose item SJ-002 is (SEC-5: the office does not receive cases).
    org.create_account(actor, Staff.objects.get(center=center, code="S005"), "qianqi", "window-clerk-2026")
    return center


def login(page, base):
    page.goto(base + "/accounts/login/?next=/cases/new/")
    page.fill("input[name=username]", "qianqi")
    page.fill("input[name=password]", "window-clerk-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/cases/new/")


def fill_applicant(page):
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=id_number]", "11010519491231002X")


def test_accept_print_receipt_and_issue_a_notice(live_server, page, shot, window):
    login(page, live_server.url)
    page.select_option("select[name=item]", "SJ-002")
    page.wait_for_selector("text=营业执照")  # htmx brought the item's material list
    page.get_by_label("申请书").check()
    page.get_by_label("营业执照").check()
    fill_applicant(page)
    shot(page, "case-new")
    page.get_by_role("button", name="受理并打印收件回执").click()
    page.wait_for_url("**/receipt/")
    assert page.get_by_role("heading", name="收件回执").is_visible() or "收件回执" in page.inner_text("h1")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    shot(page, "case-receipt-print")
    page.emulate_media(media="screen")

    page.goto(live_server.url + "/cases/new/")
    page.select_option("select[name=item]", "SJ-002")
    page.wait_for_selector("text=营业执照")
    page.get_by_label("申请书").check()
    page.fill("input[name^=defect_] >> nth=0", "未签名")
    fill_applicant(page)
    page.get_by_role("button", name="出具一次性告知单").click()
    page.wait_for_url("**/notice/**")
    text = page.inner_text("main")
    assert "一次性告知单" in text and "营业执照：未提交" in text and "申请书：未签名" in text
    shot(page, "case-notice")
