"""Headless Debian Chromium through Playwright; never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import weekdays_only

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        print("SKIPPED: chromium not found")
        pytest.skip("SKIPPED: chromium not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def until(page, condition: str, tries: int = 150) -> None:
    """Wait until the JavaScript expression ``condition`` holds in the page. Playwright's wait_for_function
    evaluates a string condition with eval, which the pages' Content-Security-Policy refuses."""
    for _ in range(tries):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {condition}")


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def all_day_hall():
    """The scenario center open around the clock today (an extended-hours hall, ATT-4), nobody clocked in yet,
    so a browser test runs at any hour. Returns (center, the office's actor)."""
    import datetime as dt
    import json

    from django.utils import timezone

    from servicehall.audit.services import system_actor
    from servicehall.duty.importer import import_scenario
    from servicehall.org import services as org
    from servicehall.org.calendar import covered_years
    from servicehall.org.models import Center

    from ..duty.test_scenarios import BASE

    data = json.loads(json.dumps(BASE))
    data["center"]["sessions"] = [["00:00", "23:59"]]
    import_scenario(system_actor("import"), {**data, "events": []})
    center = Center.objects.get(code="ZX")
    actor = system_actor("office")
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    if today.year not in covered_years(center):
        org.enter_calendar_year(actor, center, today.year, weekdays_only(today.year))
    org.save_calendar_day(actor, center, today, True, "延时服务日")
    return center, actor
