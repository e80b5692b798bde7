"""SEC-5 in a real browser: a window clerk of one department opens another department's case and gets the
Chinese refusal page — status 403, what is not allowed in words, a way back — and nothing changes."""

from __future__ import annotations

import pytest

from servicehall.audit.services import system_actor
from servicehall.cases import services as cases
from servicehall.cases.models import Case
from servicehall.catalog import services as catalog
from servicehall.org import services as org
from servicehall.org.models import Staff

from ..cases.test_pages import cover_the_coming_weeks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "window-clerk-2026"


@pytest.fixture
def market_case(actor, center, settings):
    """A case of 县市场监管局 (SJ), and 张三 (S001), a window clerk of 县人社局 (RS), with an account."""
    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(actor, center)
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}])
    case = cases.receive_case(actor, center, "SJ-002",
                              cases.Applicant("person", "王小明", "13812345678", "11010519491231002X"),
                              [{"name": "申请书"}])
    org.create_account(system_actor("test"), Staff.objects.get(center=center, code="S001"), "zhangsan", PASSWORD)
    return case


def test_a_clerk_of_another_department_gets_the_chinese_refusal(live_server, page, shot, market_case):
    from django.core.cache import cache

    cache.clear()
    base = live_server.url
    page.goto(base + "/accounts/login/?next=/manage/")
    page.fill("input[name=username]", "zhangsan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/manage/")
    steps_before = market_case.steps.count()

    response = page.goto(base + f"/cases/{market_case.number}/")
    assert response is not None and response.status == 403
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "无权操作"
    alert = page.get_by_role("alert")
    assert "您无权查看此办件。" in alert.inner_text()
    assert "未作任何更改" in alert.inner_text()
    assert "张三" in alert.inner_text() and "县人社局" in alert.inner_text()  # who is refused, and where
    assert "王小明" not in page.inner_text("body") and "13812345678" not in page.inner_text("body")
    assert page.title() == "无权操作"
    shot(page, "refusal-case")

    # A way back: to the workbench.
    page.get_by_role("link", name="返回工作台").click()
    page.wait_for_url("**/manage/")
    assert page.get_by_role("heading", name="工作台").is_visible()

    # Coming from a page of ours, the way back leads there too.
    response = page.goto(base + f"/cases/{market_case.number}/", referer=base + "/cases/")
    assert response is not None and response.status == 403
    page.get_by_role("link", name="返回上一页").click()
    page.wait_for_url("**/cases/")

    # The refusal changed nothing.
    assert Case.objects.get(pk=market_case.pk).status == market_case.status
    assert market_case.steps.count() == steps_before
    cache.clear()
