"""CASE-10: the courier log — schedules, hand-overs, files waiting longer than the schedule allows."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.cases import courier
from servicehall.cases import services as cases
from servicehall.catalog import services as catalog
from servicehall.errors import RuleViolation
from servicehall.org.models import Department, Staff

pytestmark = pytest.mark.django_db


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


@pytest.fixture
def transferred(actor, center):
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}])
    case = cases.receive_case(actor, center, "SJ-002", cases.Applicant("person", "王小明", "13812345678",
                                                                       "11010519491231002X"),
                              [{"name": "申请书"}], now=at("2026-03-02", "09:00"))
    sj = Department.objects.get(code="SJ")
    courier.set_schedule(actor, sj, Staff.objects.get(code="S005"), ["15:30", "10:00"])
    cases.transfer(actor, case, to_department=sj, now=at("2026-03-02", "10:30"))
    return case


def test_case10_file_waits_for_the_next_pickup(actor, center, transferred):
    (w,) = courier.waiting_files(center, now=at("2026-03-02", "15:00"))
    assert w.due == at("2026-03-02", "15:30") and not w.overdue
    (w,) = courier.waiting_files(center, now=at("2026-03-02", "16:00"))
    assert w.overdue


def test_case10_a_logged_handover_clears_the_file(actor, center, transferred):
    courier.log_handover(actor, center, [transferred], Staff.objects.get(code="S004"), Staff.objects.get(code="S005"),
                         now=at("2026-03-02", "15:31"))
    assert courier.waiting_files(center, now=at("2026-03-02", "16:00")) == []


def test_case10_urgent_files_go_at_once(actor, center, transferred):
    cases.transfer(actor, transferred, to_department=Department.objects.get(code="RS"), urgent=True,
                   now=at("2026-03-02", "11:00"))
    (w,) = courier.waiting_files(center, now=at("2026-03-02", "11:40"))
    assert w.urgent and w.overdue


def test_case10_bad_input(actor, center, transferred):
    with pytest.raises(RuleViolation):
        courier.set_schedule(actor, Department.objects.get(code="SJ"), Staff.objects.get(code="S005"), ["25:00"])
    s = Staff.objects.get(code="S004")
    with pytest.raises(RuleViolation):
        courier.log_handover(actor, center, [transferred], s, s)


def test_case10_page(office_client, transferred):
    body = office_client.get("/manage/courier/").content.decode()
    assert transferred.number in body
