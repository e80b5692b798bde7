"""Shared fixtures: a small center built through the service functions, as users would."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from servicehall.audit.services import Actor
from servicehall.catalog import services as catalog
from servicehall.org import services as org

PASSWORD = "window-clerk-2026"


def weekdays_only(year: int):
    """A full arrangement for a test year that changes no working day: each of the seven holidays named by a
    day off that falls on a Sunday anyway (CASE-5: a year counts as entered only from a full arrangement)."""
    import datetime as dt

    from servicehall.rules.arrangement import HOLIDAYS

    first_sunday = dt.date(year, 1, 1) + dt.timedelta(days=(6 - dt.date(year, 1, 1).weekday()) % 7)
    return [(first_sunday + dt.timedelta(weeks=7 * i), False, name) for i, name in enumerate(HOLIDAYS)]

# A loaded machine must not fail the suite: no deadline, no too-slow health check (the same on CI and here).
hypothesis_settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    markexpr = config.getoption("-m") or ""
    for item in items:
        if "bench" in item.keywords and "bench" not in markexpr:
            item.add_marker(pytest.mark.skip(reason="benchmark: run with make bench"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is Django's concern; tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_calendars():
    # Test databases roll back and reuse primary keys; built calendars must not leak between tests.
    from servicehall.core import hot
    from servicehall.org.calendar import clear_calendar_cache

    clear_calendar_cache()
    hot.clear()
    yield
    clear_calendar_cache()
    hot.clear()


@pytest.fixture
def in_process_cli(monkeypatch):
    """Run ``servicehall`` in the test's process: Django closes every connection after a command,
    which would end the test's own transaction on PostgreSQL."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def office_user(db, django_user_model):
    return django_user_model.objects.create_user("boss", password=PASSWORD)


@pytest.fixture
def actor(office_user) -> Actor:
    """The fixtures' own hand: boss (who also works a window in some tests) acting as a setup job, not
    limited by role — SEC-5 is tested on its own, with real roles, in tests/org/test_permissions.py."""
    return Actor(user=office_user, label="boss (setup)", system=True)


@pytest.fixture
def center(actor):
    """Center ZX: departments RS and SJ, windows W01-W02, staff S001-S005, items RS-001..RS-003, SJ-001."""
    c = org.save_center(actor, "ZX", "某县政务服务中心", complaint_phone="0797-12345678")
    org.save_department(actor, c, "RS", "县人社局")
    org.save_department(actor, c, "SJ", "县市场监管局")
    org.save_department(actor, c, "ZX", "中心管理办公室")
    org.save_window(actor, c, "W01", "1号窗口", "RS", location="一楼A区")
    org.save_window(actor, c, "W02", "2号窗口", "SJ", location="一楼B区")
    catalog.save_item(actor, c, "RS-001", "失业登记", "RS", instant=True,
                      materials=[{"name": "身份证", "form": "both"}, {"name": "申请表"}])
    catalog.save_item(actor, c, "RS-002", "就业创业证申领", "RS", promised_days=3, statutory_days=5)
    catalog.save_item(actor, c, "RS-003", "失业保险金申领", "RS", promised_days=5, statutory_days=20)
    catalog.save_item(actor, c, "SJ-001", "个体工商户设立登记", "SJ", promised_days=1, statutory_days=15)
    org.save_staff(actor, c, "S001", "张三", "RS", roles=["window"], qualified=["RS-001", "RS-002", "RS-003"])
    org.save_staff(actor, c, "S002", "李四", "RS", roles=["window"], qualified=["RS-001", "RS-002", "RS-003"])
    org.save_staff(actor, c, "S003", "王五", "RS", roles=["window"], qualified=["RS-001"])
    org.save_staff(actor, c, "S004", "赵六", "SJ", roles=["window", "window_head"], qualified=["SJ-001"])
    org.save_staff(actor, c, "S005", "钱七", "SJ", roles=["window", "approver"], qualified=["SJ-001"])
    # The office's head also keeps the org chart (system administrator, SEC-6) and works a window in some tests.
    boss = org.save_staff(actor, c, "S900", "周主任", "ZX", roles=["office", "sys_admin", "window"])
    org.create_account(actor, boss, "boss", PASSWORD)
    return c


@pytest.fixture
def office_client(client, center):
    client.login(username="boss", password=PASSWORD)
    return client


@pytest.fixture
def login(db, center):
    """``login("S005")``: a client logged in as that staff member, with an account made for them (SEC-1)."""
    from django.test import Client

    from servicehall.org.models import Staff

    def make(code: str, roles: list[str] | None = None) -> Client:
        staff = Staff.objects.get(center=center, code=code)
        actor = Actor(user=None, label="setup", system=True)
        if roles is not None:
            org.save_staff(actor, center, code, staff.name, staff.department.code, roles=roles)
        if staff.user_id is None:
            org.create_account(actor, staff, f"user-{code.lower()}", PASSWORD)
        c = Client()
        assert c.login(username=staff.user.username if staff.user_id else f"user-{code.lower()}", password=PASSWORD)
        return c

    return make


@pytest.fixture
def clerk_client(login):
    """钱七 (S005): a window clerk and back-office approver of 县市场监管局 (SJ)."""
    return login("S005")
