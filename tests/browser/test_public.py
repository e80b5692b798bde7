"""PUB-1, CASE-1 in a real browser: the home page, a search, a guide, a screenshot."""

from __future__ import annotations

import pytest

from servicehall.org import services as org

from .conftest import until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hall(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001", "RS-002"], name="社保岗")
    return center


def test_home_and_guide_in_chinese(live_server, page, shot, hall):
    page.goto(live_server.url + "/")
    assert page.title() == "某县政务服务中心"
    assert page.get_by_role("heading", name="进驻部门与窗口").is_visible()
    assert page.get_by_text("窗口人员公示（身份亮明）").is_visible()
    assert page.get_by_text("张三").first.is_visible()
    shot(page, "home")

    page.get_by_placeholder("搜索办事指南，如：营业执照").fill("失业")
    page.get_by_role("button", name="搜索").first.click()
    page.wait_for_url("**/guides/?q=*")
    page.get_by_role("link", name="失业登记").click()
    page.wait_for_url("**/guides/RS-001/")
    assert page.get_by_role("heading", name="失业登记 办事指南").is_visible()
    assert page.get_by_text("即办件，当场办结").is_visible()
    assert page.get_by_role("cell", name="身份证", exact=True).is_visible()
    shot(page, "guide")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()  # A4 print: no navigation
    shot(page, "guide-print")


def test_guide_search_updates_without_reload(live_server, page, hall):
    page.goto(live_server.url + "/guides/")
    page.evaluate("window.__marker = 1")
    page.get_by_role("searchbox").fill("个体")
    until(page, "document.querySelector('#results').innerText.includes('找到 1 个事项')")
    assert page.evaluate("window.__marker") == 1  # htmx swapped the results, no full reload
    assert "个体工商户设立登记" in page.inner_text("#results")
