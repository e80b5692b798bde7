import datetime as dt

import pytest
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import services as duty
from servicehall.org import services as org
from servicehall.org.calendar import covered_years
from tests.conftest import weekdays_only


@pytest.fixture
def open_hall(actor, center, settings):
    """The test center open around the clock today (an extended-hours hall), so calling works at any hour."""
    settings.DEFAULT_CENTER = "ZX"
    org.save_center(actor, "ZX", center.name, policy={"sessions": [["00:00", "23:59"]]})
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    if today.year not in covered_years(center):
        org.enter_calendar_year(actor, center, today.year, weekdays_only(today.year))
    org.save_calendar_day(actor, center, today, True, "延时服务日")
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    office = system_actor("office")
    _kiosk, kiosk_token = duty.register_device(office, center, "K1", "一楼取号机", kind="kiosk")
    _pad, pad_token = duty.register_device(office, center, "R1", "1号窗口评价器", kind="pad",
                                           window=center.windows.get(code="W01"))
    _caller, caller_token = duty.register_device(office, center, "C1", "1号窗口呼叫器", kind="caller",
                                                 window=center.windows.get(code="W01"))
    return {"kiosk": kiosk_token, "pad": pad_token, "caller": caller_token}
