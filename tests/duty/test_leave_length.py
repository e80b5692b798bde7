"""ATT-2: the approval route of a leave counts working days of the center's calendar and sessions."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.services import system_actor
from servicehall.duty import services as duty
from servicehall.duty.engine import leave_approved
from servicehall.duty.importer import import_scenario
from servicehall.org.models import Center, Staff

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
# Requests are filed before the days they ask for (a later one is retroactive: issue 17 item 2).
FILED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


@pytest.fixture
def zx():
    import_scenario(system_actor("import"), {**BASE, "events": []})
    return Center.objects.get(code="ZX")


def test_att2_friday_afternoon_to_monday_morning_is_one_day_or_less(zx):
    boss = system_actor("office")
    s2 = Staff.objects.get(code="S002")
    # Friday 13 March 2026 from lunch to Monday 16 March at noon: three calendar days, one working day.
    req = duty.request_absence(boss, zx, s2, "leave", at("2026-03-13", "12:00"), at("2026-03-16", "12:00"), now=FILED)
    duty.approve_absence(boss, req, "department")
    assert leave_approved(req, list(req.followups.filter(type="approval"))) is True  # no office filing
    # From Friday morning it is more than a working day: the office files it too.
    long = duty.request_absence(boss, zx, s2, "leave", at("2026-03-20", "08:30"), at("2026-03-23", "12:00"), now=FILED)
    duty.approve_absence(boss, long, "department")
    assert leave_approved(long, list(long.followups.filter(type="approval"))) is None
    duty.approve_absence(boss, long, "office")
    assert leave_approved(long, list(long.followups.filter(type="approval"))) is True
