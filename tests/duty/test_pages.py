"""Duty pages: board (public), vacancies with evidence and appeal, sanctions and notice, anomalies,
leave and away with the NV-10 prediction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicehall.audit.services import system_actor
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Event, Vacancy
from servicehall.org import services as org
from servicehall.org.models import Center, Staff

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-2026"


@pytest.fixture
def hall(settings):
    settings.DEFAULT_CENTER = "ZX"
    data = json.loads((Path(__file__).parent / "scenarios/nv8_ladder_across_years.json").read_text())
    import_scenario(system_actor("import"), {**BASE, "events": data["events"]})
    center = Center.objects.get(code="ZX")
    org.create_account(system_actor("office"), Staff.objects.get(code="S099"), "office", PASSWORD)
    org.create_account(system_actor("office"), Staff.objects.get(code="S001"), "clerk", PASSWORD)
    return center


def login(client, who):
    assert client.login(username=who, password=PASSWORD)
    return client


def test_board_is_public(client, hall):
    r = client.get("/board/")
    assert r.status_code == 200 and "大厅看板" in r.content.decode()
    tiles = client.get("/board/tiles/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in tiles and 'data-window="W01"' in tiles


def test_manager_pages_refuse_clerks(client, hall):
    login(client, "clerk")
    for url in ("/manage/vacancies/", "/manage/sanctions/", "/manage/anomalies/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/manage/absences/").status_code == 200


def test_vacancies_evidence_and_appeal(client, hall):
    login(client, "office")
    body = client.get("/manage/vacancies/", {"from": "2026-01-01", "to": "2026-01-31"}).content.decode()
    assert "张三" in body and "证据" in body and "无记录" in body  # unrecorded working days are shown
    v = Vacancy.objects.filter(date="2026-01-20").order_by("start").first()
    detail = client.get(f"/manage/vacancies/{v.pk}/").content.decode()
    assert "签到" in detail and "申诉成立" in detail
    r = client.post(f"/manage/vacancies/{v.pk}/", {"reason": "考勤机故障"})
    assert r.status_code == 302
    assert Event.objects.filter(type="waiver", reason="考勤机故障").exists()
    assert not Vacancy.objects.filter(pk=v.pk).exists()


def test_sanctions_and_notice(client, hall):
    login(client, "office")
    body = client.get("/manage/sanctions/", {"year": 2026}).content.decode()
    assert "通报批评并建议调离窗口岗位" in body and "通报批评并诫勉谈话" in body
    notice = client.get("/manage/sanctions/notice/", {"staff": "S001", "date": "2026-01-20"}).content.decode()
    assert "张三同志" in notice and "本年度第2次" in notice
    assert client.get("/manage/sanctions/notice/", {"staff": "S001", "date": "2026-01-21"}).status_code == 403


def test_absence_request_and_override_through_the_page(client, hall):
    login(client, "office")
    form = {"action": "request", "staff": "S002", "type": "leave", "start": "2026-03-10T08:30",
            "end": "2026-03-10T17:30"}
    # Filed today for a day in March: retroactive (issue 17 item 2) — refused without a reason, the form kept.
    r = client.post("/manage/absences/", form)
    page = r.content.decode()
    assert r.status_code == 200 and "事后补请须写明原因" in page
    assert 'value="S002" selected' in page and 'value="2026-03-10T08:30"' in page  # the person and times kept
    r = client.post("/manage/absences/", {**form, "reason": "病假，当日已电话请假"})
    assert r.status_code == 302
    leave = Event.objects.get(type="leave", staff__code="S002")
    client.post("/manage/absences/", {"action": "approve", "event": leave.pk, "level": "department"})
    client.post("/manage/absences/", {"action": "request", "staff": "S001", "type": "away", "kind": "meeting",
                                      "start": "2026-03-10T09:00", "end": "2026-03-10T10:00", "reason": "县政府会议"})
    away = Event.objects.get(type="away", staff__code="S001")
    page = client.get("/manage/absences/").content.decode()
    assert "空岗 60 分钟" in page and "王九" in page  # NV-10: the gap and who could stand in
    assert "事后补请" in page and "还须中心管理办公室审批" in page
    assert "单位分管领导：✓" in page and "department：" not in page  # the step by its name, not its code
    r = client.post("/manage/absences/", {"action": "approve", "event": away.pk, "level": "department"})
    assert r.status_code == 200 and "NV-10" in r.content.decode()
    assert not away.followups.exists()
    r = client.post("/manage/absences/", {"action": "approve", "event": away.pk, "level": "department",
                                          "override_reason": "县政府紧急会议"})
    assert r.status_code == 302 and away.followups.count() == 1


def test_anomalies_page(client, hall):
    login(client, "office")
    body = client.get("/manage/anomalies/", {"from": "2026-01-01", "to": "2026-01-31"}).content.decode()
    assert "旷工" in body and "张三" in body


def _errors(page: str) -> str:
    return page.split('<div class="errors">', 1)[1].split("</div>", 1)[0] if '<div class="errors">' in page else ""


def test_a_refused_stand_in_names_its_field_and_the_items_and_keeps_the_form(client, hall):
    # Issue 17 item 1: 赵十 is not qualified for RS-001 (NV-7, ORG-4): the refusal names the field as the form
    # labels it (顶岗) and the item by its name, and the form keeps the post, the person, the times, the reason.
    login(client, "office")
    form = {"action": "stand_in", "post": "P01", "staff": "S010", "start": "2026-03-10T08:30",
            "end": "2026-03-10T12:00", "reason": "张三外出培训"}
    r = client.post("/manage/absences/", form)
    page = r.content.decode()
    errors = _errors(page)
    assert r.status_code == 200 and "顶岗：" in errors and "赵十" in errors and "失业登记" in errors
    assert "RS-001" not in errors and "工作人员：" not in errors
    assert 'value="P01" data-dept="RS" selected' in page and 'value="S010" selected' in page
    assert 'value="2026-03-10T08:30"' in page and 'value="2026-03-10T12:00"' in page and 'value="张三外出培训"' in page
    assert not Event.objects.filter(type="stand_in").exists()


def test_a_stand_in_ending_before_it_starts_names_the_end(client, hall):
    login(client, "office")
    r = client.post("/manage/absences/", {"action": "stand_in", "post": "P01", "staff": "S009",
                                          "start": "2026-03-10T12:00", "end": "2026-03-10T08:30"})
    page = r.content.decode()
    errors = _errors(page)
    # the message names the end (结束时间…, or 结束：… where a text does not name it itself), never a code
    assert r.status_code == 200 and errors.startswith("<ul><li>结束") and "end" not in errors
    assert 'value="S009" selected' in page and 'value="2026-03-10T08:30"' in page  # the form kept


def test_an_unknown_staff_number_is_named(client, hall):
    login(client, "office")
    for action in ("request", "stand_in"):
        r = client.post("/manage/absences/", {"action": action, "post": "P01", "staff": "S999", "type": "leave",
                                              "start": "2026-03-10T08:30", "end": "2026-03-10T12:00"})
        errors = _errors(r.content.decode())
        assert r.status_code == 200 and "S999" in errors and "未知的工作人员" in errors, action
    assert not Event.objects.filter(staff__code="S099").exists()  # never taken as oneself
