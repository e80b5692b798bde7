"""The Content-Security-Policy in a real browser (issue 14, item 2): the main pages — public, kiosk, hall display,
workbench, manage pages, a case, the admin — load and work with scripts and styles from the site's own files
only, and Chromium reports no violation."""

from __future__ import annotations

import pytest

from ..tickets.conftest import open_hall  # noqa: F401  (fixture)
from .conftest import until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
    window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});"""


def _watched(browser, **kw):
    context = browser.new_context(locale="zh-CN", **kw)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return page, console


def _violations(page, console) -> list[str]:
    return list(page.evaluate("window.__csp")) + console


def test_main_pages_load_without_a_csp_violation(live_server, browser, open_hall):  # noqa: F811
    base = live_server.url
    seen: dict[str, list[str]] = {}

    public, console = _watched(browser)
    for url in ("/", "/guides/", "/guides/RS-001/", "/board/", "/complaints/new/", "/progress/", "/satisfaction/",
                "/accounts/login/", "/api/v1/docs"):
        public.goto(base + url)
        public.wait_for_load_state("networkidle")
        seen[url] = _violations(public, console)
        console.clear()
    # htmx works under the policy: the guide search swaps its results without a reload.
    public.goto(base + "/guides/")
    public.evaluate("window.__marker = 1")
    public.get_by_role("searchbox").fill("个体")
    until(public, "document.querySelector('#results').innerText.includes('个体工商户设立登记')")
    assert public.evaluate("window.__marker") == 1
    seen["/guides/ (htmx search)"] = _violations(public, console)

    kiosk, console = _watched(browser, viewport={"width": 1080, "height": 1400})
    kiosk.goto(f"{base}/devices/activate/?token={open_hall['kiosk']}")
    kiosk.get_by_role("button", name="失业登记").click()
    assert kiosk.inner_text(".slip-number") == "RS001"
    seen["/kiosk/"] = _violations(kiosk, console)

    display, console = _watched(browser, viewport={"width": 1920, "height": 1080})
    display.goto(f"{base}/display/")
    toggle = display.locator("#speak-toggle")
    if toggle.is_visible():  # the spoken-call button works from the static script
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "语音播报：开"
    display.wait_for_timeout(3500)  # one htmx refresh of the board
    seen["/display/"] = _violations(display, console)

    office, console = _watched(browser)
    office.goto(f"{base}/accounts/login/")
    office.fill("input[name=username]", "boss")
    office.fill("input[name=password]", "window-clerk-2026")
    office.click("button[type=submit]")
    office.wait_for_url("**/manage/**")
    for url in ("/manage/", "/manage/staff/", "/manage/ab-check/", "/manage/vacancies/", "/manage/devices/",
                "/manage/complaints/", "/queue/?window=W01", "/cases/", "/admin/"):
        office.goto(base + url)
        office.wait_for_load_state("networkidle")
        seen[url] = _violations(office, console)
        console.clear()

    assert {url: v for url, v in seen.items() if v} == {}
