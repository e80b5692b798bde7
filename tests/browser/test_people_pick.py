"""Issue 17 item 1 in a real browser: a people pick narrows as one types its search box (keyboard only), and
choosing a window brings that window's people to the top."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offered(page) -> list[str]:
    return page.eval_on_selector_all("select[name=staff] option", "os => os.map(o => o.value).filter(v => v)")


def test_search_narrows_and_the_window_comes_first(live_server, browser, center, actor, settings):
    from servicehall.audit.services import system_actor
    from servicehall.feedback import services as cmp
    from servicehall.org import services as org

    settings.DEFAULT_CENTER = "ZX"
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"], name="就业")
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"], name="登记")
    c = cmp.file_complaint(system_actor("public"), center, channel="online", ground="attitude", matter="态度生硬")
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(live_server.url + f"/accounts/login/?next=/manage/complaints/{c.code}/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "window-clerk-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("select[name=staff]")
    assert {"S001", "S004", "S005", "S900"} <= set(offered(page))

    search = page.locator("select[name=staff]").locator("xpath=preceding-sibling::input[@data-people-filter]")
    search.focus()
    page.keyboard.type("钱")  # 钱七 by name
    assert offered(page) == ["S005"]
    assert page.eval_on_selector("select[name=staff]", "s => s.value") == "S005"  # the one shown is picked
    page.keyboard.press("Enter")  # on to the list, the form is not sent
    assert page.evaluate("document.activeElement.name") == "staff"
    search.fill("")
    search.focus()
    page.keyboard.type("市场监管")  # by department
    assert set(offered(page)) == {"S004", "S005"}

    search.fill("")
    page.select_option("select[name=window]", "W01")
    codes = offered(page)
    assert codes[:2] == ["S001", "S002"]  # 1号窗口's A and B first
    groups = page.eval_on_selector_all("select[name=staff] optgroup", "gs => gs.map(g => g.label)")
    assert groups[:2] == ["所选窗口的人员", "县人社局"]  # 1号窗口's A and B, then the rest of its department
    page.select_option("select[name=window]", "W02")
    assert offered(page)[:2] == ["S004", "S005"]


def test_a_search_gives_the_choice_back_when_emptied(live_server, browser, center, actor, settings):
    """A search that hides the person chosen — or matches nobody — never loses them: emptying the search box
    gives the choice the page came with back (a curious search never changes a post's A, ORG-3)."""

    settings.DEFAULT_CENTER = "ZX"
    page = _post_form(live_server, browser, center, actor)
    page.wait_for_selector("select[name=a]")
    value = 'document.querySelector("select[name=a]").value'
    assert page.evaluate(value) == "S001"
    search = page.locator("select[name=a]").locator("xpath=preceding-sibling::input[@data-people-filter]")
    search.fill("无此人")  # matches nobody
    assert page.evaluate(value) == ""
    search.fill("")
    assert page.evaluate(value) == "S001"
    search.fill("李四")  # another person, picked while searching
    assert page.evaluate(value) == "S002"
    search.fill("")
    assert page.evaluate(value) == "S001"


def test_a_refused_pick_is_shown_as_it_was_sent(live_server, browser, center, actor, settings):
    """ORG-4: B refused as unqualified comes back picked beside its message (so the clerk sees whom the message
    is about and changes only that), although the list would narrow them away for the items ticked."""

    settings.DEFAULT_CENTER = "ZX"
    page = _post_form(live_server, browser, center, actor)
    page.wait_for_selector("select[name=b]")
    page.select_option("select[name=b]", "S003")  # 王五: qualified for RS-001 only
    # RS-002 ticked behind the list's back (no change event), as a hand-made form would send it
    page.evaluate('document.querySelector("input[name=items][value=RS-002]").checked = true')
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_selector(".errors")
    assert "王五" in page.inner_text(".errors")
    assert page.evaluate('document.querySelector("select[name=b]").value') == "S003"


def _post_form(live_server, browser, center, actor):
    """The office's head on P01's form (1号窗口: A 张三, B 李四, item RS-001)."""
    from servicehall.org import services as org

    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"], name="就业")
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(live_server.url + "/accounts/login/?next=/manage/posts/P01/edit/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "window-clerk-2026")
    page.click("button[type=submit]")
    return page
