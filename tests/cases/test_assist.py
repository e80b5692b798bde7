"""CASE-8 (full-process proxy, joint cases) and CASE-9 (assisted service)."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.cases import assist
from servicehall.cases import services as cases
from servicehall.cases.models import Case
from servicehall.catalog import services as catalog
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Staff

pytestmark = pytest.mark.django_db


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


def applicant():
    return cases.Applicant("person", "王小明", "13812345678", "11010519491231002X")


@pytest.fixture
def two_items(actor, center):
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])
    catalog.save_item(actor, center, "RS-009", "用工备案", "RS", promised_days=2, statutory_days=5,
                      materials=[{"name": "劳动合同"}])
    org.save_staff(actor, center, "S800", "孙帮办", "ZX", roles=["assist"])
    return center


def test_case8_package_sums_actual_against_promised(actor, two_items):
    a = cases.receive_case(actor, two_items, "SJ-002", applicant(), [{"name": "申请书"}, {"name": "营业执照"}],
                           now=at("2026-03-02"))
    b = cases.receive_case(actor, two_items, "RS-009", applicant(), [{"name": "劳动合同"}], now=at("2026-03-02"))
    pkg = assist.create_package(actor, two_items, Staff.objects.get(code="S800"), "王小明", "13812345678", [a, b],
                                now=at("2026-03-02"))
    cases.decide(actor, a, True, now=at("2026-03-04"))  # 2 working days
    cases.decide(actor, b, True, now=at("2026-03-05"))  # 3 working days
    sums = assist.package_sums(pkg, dt.date(2026, 3, 6))
    assert (sums.promised, sums.actual, sums.finished, sums.over) == (7, 5, True, False)
    with pytest.raises(RuleViolation):
        assist.create_package(actor, two_items, Staff.objects.get(code="S001"), "王小明", "13812345678", [a])


def test_case8_joint_case_notice_lists_every_department(actor, two_items):
    rows = assist.receive_joint(actor, two_items, ["SJ-002", "RS-009"], applicant(),
                                {"SJ-002": [{"name": "申请书"}], "RS-009": []}, now=at("2026-03-02"))
    assert len({c.joint_number for c in rows}) == 1 and all(c.status == "awaiting" for c in rows)
    missing = dict((c.department.code, items) for c, items in assist.joint_missing(assist.joint_cases(
        rows[0].joint_number)))
    assert missing == {"SJ": {"营业执照": "未提交"}, "RS": {"劳动合同": "未提交"}}
    with pytest.raises(RuleViolation):
        assist.receive_joint(actor, two_items, ["SJ-002"], applicant(), {}, now=at("2026-03-02"))


def test_case8_joint_notice_page(office_client, actor, two_items):
    rows = assist.receive_joint(actor, two_items, ["SJ-002", "RS-009"], applicant(),
                                {"SJ-002": [{"name": "申请书"}, {"name": "营业执照"}], "RS-009": []},
                                now=at("2026-03-02"))
    body = office_client.get(f"/cases/joint/{rows[0].joint_number}/notice/").content.decode()
    assert "联办件一次性告知单" in body and "劳动合同" in body and "营业执照" not in body.split("Cases of")[0]
    assert Case.objects.get(item__code="SJ-002").status == "accepted"


def test_case9_elderly_are_checked_from_the_id_number(actor, two_items):
    helper = Staff.objects.get(code="S800")
    req = assist.register_assist(actor, two_items, applicant_name="李奶奶", phone="13812345678", group="elderly",
                                 id_number="11010519491231002X", place="城关镇幸福路3号", assignee=helper,
                                 now=at("2026-03-02"))
    assert req.follow_up_by == dt.date(2026, 3, 9)
    young = "110105" + "20000101" + "123"
    from servicehall.rules.identity import id_check_char

    with pytest.raises(RuleViolation) as e:
        assist.register_assist(actor, two_items, applicant_name="小李", phone="13812345678", group="elderly",
                               id_number=young + id_check_char(young), place="x", assignee=helper,
                               now=at("2026-03-02"))
    assert "60" in str(e.value)
    assist.log_visit(actor, req, helper, "home_visit", "上门代办身份证换领", now=at("2026-03-03"))
    assist.log_visit(actor, req, helper, "mailing", "证件已邮寄", now=at("2026-03-05"), close=True)
    req.refresh_from_db()
    assert req.closed_at and req.visits.count() == 2
    with pytest.raises(RuleViolation):
        assist.log_visit(actor, req, helper, "phone", "回访", now=at("2026-03-06"))


def test_case9_and_case8_pages(office_client, two_items):
    assert office_client.get("/manage/assist/").status_code == 200
    assert office_client.get("/manage/proxy/").status_code == 200


def test_case8_joint_case_through_the_page(office_client, two_items):
    from servicehall.catalog.models import Material

    step1 = office_client.get("/cases/joint/new/", {"items": ["SJ-002", "RS-009"]}).content.decode()
    assert "劳动合同" in step1 and "营业执照" in step1
    data = {"items": ["SJ-002", "RS-009"], "name": "王小明", "phone": "13812345678", "id_number": "11010519491231002X"}
    for m in Material.objects.filter(item__code="SJ-002"):
        data[f"has_{m.pk}"] = "1"
    r = office_client.post("/cases/joint/new/", data)
    assert r.status_code == 302 and "/cases/joint/" in r["Location"]
    body = office_client.get(r["Location"]).content.decode()
    assert "劳动合同" in body
