"""PUB-1, PUB-2, Q-1: the public pages are accessible and readable on a phone.

axe-core (from the npm registry, vendored under ``vendor/axe-core`` with its MPL-2.0 licence) is injected from the
local file — no network — and must find no serious or critical violation on the home, guide, kiosk, complaint and
progress pages, at a desk's width and a phone's (390 px), where nothing may run off the screen.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from servicehall.audit.services import system_actor
from servicehall.duty import services as duty
from servicehall.org import services as org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = ["/", "/guides/", "/guides/RS-001/", "/kiosk/", "/complaints/new/", "/progress/", "/display/",
         "/progress/?number=ZX209901010001"]


@pytest.fixture
def hall(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001", "RS-002"], name="社保岗")
    _kiosk, token = duty.register_device(system_actor("office"), center, "K1", "一楼取号机", kind="kiosk")
    return token


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document);
        if (!r.passes.length) return [{id: "axe-did-not-run"}];
        return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html)}));
    }""")
    return [json.dumps(v, ensure_ascii=False) for v in result]


@pytest.mark.parametrize("width", [1280, 390])
def test_public_pages_have_no_serious_axe_violation(live_server, browser, hall, width):
    # bypass_csp: axe-core is the test's own script, injected into the page; the pages' policy (no inline
    # script) is checked by test_csp.py
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 860}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/devices/activate/?token={hall}")  # the kiosk page as a registered kiosk
        found = {}
        for url in PAGES:
            page.goto(live_server.url + url)
            violations = _serious(page)
            if violations:
                found[url] = violations
        assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
    finally:
        context.close()


def test_public_pages_fit_a_phone(live_server, browser, hall, shot):
    """PUB-1: at 390 px nothing runs off the screen — the guide's materials table included."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/devices/activate/?token={hall}")
        wide = {}
        for url in PAGES:
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[url] = width
        assert wide == {}
        page.goto(live_server.url + "/guides/RS-001/")
        material = page.locator("table.materials td", has_text="身份证").first
        box = material.bounding_box()
        assert material.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        shot(page, "guide-phone")
    finally:
        context.close()


def test_axe_is_local_and_complete():
    """The vendored file is axe-core itself (with its licence), not a pointer to a CDN."""
    text = AXE.read_text(encoding="utf-8")
    assert "axe.run" in text or "runVirtualRule" in text
    assert (AXE.parent / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License")
    assert Client  # the Django test client is importable next to Playwright (collection sanity)
