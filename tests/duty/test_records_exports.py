"""Issue 13 items 5 and 8: one's own record with the appeal of one's own vacancy (NV-6, SEC-5), the duty lists as
xlsx with their pages' filters, and the bulk waiver of one day's vacancies (NV-6)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from servicehall.audit.models import AuditRecord
from servicehall.duty import services
from servicehall.duty.models import Anomaly, Event, Vacancy
from servicehall.duty.queries import sanctions
from servicehall.org.models import Center

from . import test_pages
from .test_pages import login

hall = test_pages.hall  # the fixture: the NV-8 ladder scenario, an office account and a clerk's (S001)

pytestmark = pytest.mark.django_db
JAN = {"from": "2026-01-01", "to": "2026-01-31"}


def zh(msgid: str) -> str:
    """A page text as the Chinese reader sees it (the catalog's translation)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def sheet(response) -> list[list]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


# -- item 8: exports -----------------------------------------------------------------------------------------
def test_vacancies_xlsx_has_the_rows_of_the_page_with_its_filters(client, hall):
    login(client, "office")
    rows = sheet(client.get("/manage/vacancies/", {**JAN, "format": "xlsx"}))
    assert rows[0][:4] == ["日期", "窗口", "岗位", "部门"]
    assert len(rows) - 1 == Vacancy.objects.filter(date__gte="2026-01-01", date__lte="2026-01-31").count() > 0
    assert {r[10] for r in rows[1:]} == {"张三（S001）"}
    day = sheet(client.get("/manage/vacancies/", {"from": "2026-01-20", "to": "2026-01-20", "format": "xlsx"}))
    assert [r[6:9] for r in day[1:]] == [["08:30", "10:00", 90], ["11:00", "12:00", 60], ["14:30", "17:30", 180]]
    assert len(sheet(client.get("/manage/vacancies/", {**JAN, "person": "S002", "format": "xlsx"}))) == 1  # header
    assert len(sheet(client.get("/manage/vacancies/", {**JAN, "dept": "XX", "format": "xlsx"}))) == 1
    assert AuditRecord.objects.filter(action="export", object_repr="vacancies.xlsx").exists()  # SEC-7


def test_sanctions_and_anomalies_xlsx(client, hall):
    login(client, "office")
    ladder = sheet(client.get("/manage/sanctions/", {"year": 2026, "format": "xlsx"}))
    assert [r[:2] + r[4:7] for r in ladder[1:]] == [
        ["S001", "张三", dt.datetime(2026, 1, 5), 1, 1], ["S001", "张三", dt.datetime(2026, 1, 20), 2, 2],
        ["S001", "张三", dt.datetime(2026, 2, 3), 3, 1]]
    assert ladder[2][7] == "通报批评并建议调离窗口岗位"
    assert len(sheet(client.get("/manage/sanctions/", {"year": 2024, "format": "xlsx"}))) == 1
    anomalies = sheet(client.get("/manage/anomalies/", {**JAN, "format": "xlsx"}))
    assert len(anomalies) - 1 == Anomaly.objects.filter(date__gte="2026-01-01", date__lte="2026-01-31").count() > 0
    assert "旷工（缺岗）" in {r[5] for r in anomalies[1:]}


def test_a_clerk_gets_no_export(client, hall):
    login(client, "clerk")
    for url in ("/manage/vacancies/", "/manage/sanctions/", "/manage/anomalies/"):
        assert client.get(url, {**JAN, "format": "xlsx"}).status_code == 403


# -- item 8: the bulk waiver ---------------------------------------------------------------------------------
def test_bulk_waiver_of_a_day(client, hall):
    login(client, "office")
    body = client.get("/manage/vacancies/", JAN).content.decode()
    assert 'value="waive_day"' in body
    assert Vacancy.objects.filter(date="2026-01-20").count() == 3
    before = [s.date for s in sanctions(Center.objects.get(code="ZX"), 2026)]
    assert dt.date(2026, 1, 20) in before
    # without a reason: nothing changes, the page says why
    r = client.post("/manage/vacancies/", {"action": "waive_day", "date": "2026-01-20", "reason": " "}, follow=True)
    assert r.status_code == 200 and Vacancy.objects.filter(date="2026-01-20").count() == 3
    assert not Event.objects.filter(type="waiver").exists()
    late_elsewhere = Anomaly.objects.exclude(date="2026-01-20").count()
    people = sorted(set(Anomaly.objects.filter(date="2026-01-20").values_list("staff__code", flat=True)))
    assert Anomaly.objects.filter(date="2026-01-20", staff__code="S001").exists()  # the day's 旷工 etc.
    r = client.post("/manage/vacancies/", {"action": "waive_day", "date": "2026-01-20", "reason": "考勤机故障"})
    assert r.status_code == 302
    assert not Vacancy.objects.filter(date="2026-01-20").exists()
    assert Event.objects.filter(type="waiver", reason="考勤机故障", date="2026-01-20", post__isnull=False).count() == 3
    # the terminal failed: the day's attendance anomalies are waived with it, re-derived (NV-6, ATT-1)
    assert not Anomaly.objects.filter(date="2026-01-20").exists()
    assert Anomaly.objects.exclude(date="2026-01-20").count() == late_elsewhere  # other days untouched
    waived = Event.objects.filter(type="waiver", date="2026-01-20", post__isnull=True)
    assert sorted(e.staff.code for e in waived) == people and {e.reason for e in waived} == {"考勤机故障"}
    audit = AuditRecord.objects.filter(action="vacancy.waive_day")
    assert audit.count() == 1 and audit.get().after["vacancies"] == 3 and audit.get().reason == "考勤机故障"
    assert audit.get().after["attendance_waived"] == people
    from servicehall.duty import engine
    engine.recompute_day(Center.objects.get(code="ZX"), dt.date(2026, 1, 20))  # re-derived again: still waived
    assert not Anomaly.objects.filter(date="2026-01-20").exists()
    # re-derived: the ladder no longer counts that day, and the next one moves up (NV-8)
    after = sanctions(Center.objects.get(code="ZX"), 2026)
    assert [s.date for s in after] == [d for d in before if d != dt.date(2026, 1, 20)]
    # a day without vacancies: a clear refusal, nothing changes
    r = client.post("/manage/vacancies/", {"action": "waive_day", "date": "2026-01-20", "reason": "再次"}, follow=True)
    assert "2026-01-20" in r.content.decode() and Event.objects.filter(type="waiver").count() == 3 + len(people)
    r = client.post("/manage/vacancies/", {"action": "waive_day", "date": "kein", "reason": "x"}, follow=True)
    assert r.status_code == 200
    # voiding one person's attendance waiver brings back their anomalies of the day, and only theirs (NV-6, ATT-1)
    from servicehall.audit.services import system_actor
    from servicehall.duty import services as duty

    s001 = Event.objects.get(type="waiver", date="2026-01-20", post__isnull=True, staff__code="S001")
    duty.void_event(system_actor("office"), s001, "误免")
    assert Anomaly.objects.filter(date="2026-01-20", staff__code="S001").exists()
    assert set(Anomaly.objects.filter(date="2026-01-20").values_list("staff__code", flat=True)) == {"S001"}


def test_bulk_waiver_is_the_offices(client, hall):
    login(client, "clerk")
    r = client.post("/manage/vacancies/", {"action": "waive_day", "date": "2026-01-20", "reason": "考勤机故障"})
    assert r.status_code == 403 and Vacancy.objects.filter(date="2026-01-20").count() == 3


# -- item 5: own record and the appeal ---------------------------------------------------------------------
def test_own_record_shows_attendance_vacancies_ladder_and_links_only_what_opens(client, hall):
    login(client, "clerk")
    body = client.get("/manage/staff/S001/record/", {"year": 2026}).content.decode()
    assert zh("My record") in body and "旷工" in body and "通报批评并建议调离窗口岗位" in body
    assert 'action="/manage/vacancies/' in body  # the appeal form on each closed vacancy
    assert "/manage/vacancies/?" not in body and 'href="/manage/vacancies/' not in body  # no evidence link (duty.read)
    assert client.get("/manage/staff/S002/record/").status_code == 403  # someone else's (SEC-5)


def test_appeal_own_vacancy_and_the_office_decides(client, hall):
    login(client, "clerk")
    first, second, third = Vacancy.objects.filter(date="2026-01-20").order_by("start")
    r = client.post(f"/manage/vacancies/{first.pk}/appeal/", {"reason": "考勤机当天故障，本人在岗"})
    assert r.status_code == 302 and r["Location"].startswith("/manage/staff/S001/record/")
    appeal = Event.objects.get(type="appeal")
    assert appeal.staff.code == "S001" and appeal.start == first.start and appeal.end == first.end
    assert Vacancy.objects.filter(pk=first.pk).exists()  # an appeal alone changes nothing
    # twice: refused with a reason, nothing new
    client.post(f"/manage/vacancies/{first.pk}/appeal/", {"reason": "再次申诉"})
    assert Event.objects.filter(type="appeal").count() == 1
    # without a reason: refused
    client.post(f"/manage/vacancies/{second.pk}/appeal/", {"reason": ""})
    assert Event.objects.filter(type="appeal").count() == 1
    client.post(f"/manage/vacancies/{second.pk}/appeal/", {"reason": "当时在后台协助"})
    body = client.get("/manage/staff/S001/record/", {"year": 2026}).content.decode()
    assert body.count(zh("appeal pending")) >= 2

    client.logout()
    login(client, "office")
    page = client.get("/manage/vacancies/", JAN).content.decode()
    assert "考勤机当天故障，本人在岗" in page and "当时在后台协助" in page
    rejected, upheld = Event.objects.filter(type="appeal").order_by("start")[1], appeal
    r = client.post("/manage/vacancies/", {"action": "decide", "appeal": upheld.pk, "upheld": "yes",
                                           "reason": "核实考勤机故障"})
    assert r.status_code == 302
    assert services.appeal_state(upheld) is True
    assert not Vacancy.objects.filter(date="2026-01-20", start=first.start).exists()  # re-derived
    second = Vacancy.objects.get(date="2026-01-20", start=second.start)  # re-derived: a new row, the same span
    third = Vacancy.objects.get(date="2026-01-20", start=third.start)
    detail = client.get(f"/manage/vacancies/{second.pk}/").content.decode()  # the vacancy shows its appeal
    assert 'id="appeals"' in detail and "当时在后台协助" in detail and "S001" in detail
    assert zh("appeal pending") in detail
    assert f'name="appeal" value="{rejected.pk}"' in detail  # the office decides it right there (NV-6)
    client.post("/manage/vacancies/", {"action": "decide", "appeal": rejected.pk, "upheld": "no",
                                       "reason": "无证据"})
    assert services.appeal_state(rejected) is False
    assert Vacancy.objects.filter(date="2026-01-20", start=second.start).exists()
    second = Vacancy.objects.get(date="2026-01-20", start=second.start)
    detail = client.get(f"/manage/vacancies/{second.pk}/").content.decode()  # who, when, reason, decision
    section = detail.split('id="appeals"')[1]
    assert "当时在后台协助" in section and zh("appeal rejected") in section and "无证据" in section
    assert "office" in section  # who decided
    assert zh("filed at") in section and f"{rejected.recorded_at:%Y}-" in section  # when
    third_page = client.get(f"/manage/vacancies/{third.pk}/").content.decode()
    assert "当时在后台协助" not in third_page.split('id="appeals"')[1]
    # decided: off the office's list, and deciding again is refused
    page = client.get("/manage/vacancies/", JAN).content.decode()
    assert "当时在后台协助" not in page
    client.post("/manage/vacancies/", {"action": "decide", "appeal": rejected.pk, "upheld": "yes", "reason": "改判"})
    assert services.appeal_state(rejected) is False

    client.logout()
    login(client, "clerk")
    body = client.get("/manage/staff/S001/record/", {"year": 2026}).content.decode()
    assert zh("appeal upheld") in body and zh("appeal rejected") in body and "核实考勤机故障" in body and "无证据" in body


def test_nobody_appeals_someone_elses_vacancy(client, hall):
    v = Vacancy.objects.filter(date="2026-01-20").first()
    login(client, "office")  # the office decides appeals; it does not file them for the clerk
    assert client.post(f"/manage/vacancies/{v.pk}/appeal/", {"reason": "代为申诉"}).status_code == 403
    assert not Event.objects.filter(type="appeal").exists()


def test_an_appeal_is_filed_by_its_person_never_imported(hall):
    from servicehall.audit.services import system_actor
    from servicehall.errors import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        services.record_event(system_actor("import"), hall, {"type": "appeal", "staff": "S001", "reason": "x"})
    assert refused.value.problems[0].field == "type" and not Event.objects.filter(type="appeal").exists()


def test_an_appeal_is_upheld_after_its_day_was_waived_and_never_by_its_own_filer(hall):
    """NV-6, SEC-2: a waiver of the same span already given does not block upholding the appeal; nobody decides
    their own appeal."""
    from servicehall.audit.services import Actor
    from servicehall.errors import RuleViolation
    from servicehall.org.models import Staff

    clerk = Staff.objects.get(code="S001")
    office = Staff.objects.get(user__username="office")
    first = Vacancy.objects.filter(date="2026-01-20").order_by("start").first()
    appeal = services.appeal_vacancy(Actor(user=clerk.user, label="clerk", staff=clerk), first, "考勤机故障")
    with pytest.raises(RuleViolation):
        services.decide_appeal(Actor(user=clerk.user, label="clerk", staff=clerk, system=True), appeal, True, "自己裁定")
    assert services.appeal_state(appeal) is None
    office_actor = Actor(user=office.user, label="office", staff=office)
    services.waive_day(office_actor, hall, dt.date(2026, 1, 20), "考勤机故障")
    services.decide_appeal(office_actor, appeal, True, "核实")
    assert services.appeal_state(appeal) is True
