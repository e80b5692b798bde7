"""ASM-5, ATT-3: the Monday report (per window and for the hall: tickets, waits, ratings, cases, notices, first
inquiries, vacancies, lateness, complaints, inspections) and the monthly bulletin (scores and grades as
``month_scores`` gives them, best and worst, the penalty ladder, inspections, complaints), their .docx read back
with python-docx, the worker preparing them once, and who reads which (SEC-5)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from servicehall.assessment import reports
from servicehall.assessment import services as assessment
from servicehall.assessment.models import Inspection, Report
from servicehall.assessment.scores import month_scores
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor, system_actor
from servicehall.cases import services as cases
from servicehall.core import schedule
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Staff, Window
from servicehall.org.permissions import Forbidden
from servicehall.rules.assessment import summarize
from servicehall.tickets import services as queue
from servicehall.tickets.stats import times

from .test_scores import MARCH, at, clerk, every_kind, login, zx  # noqa: F401 (zx is a fixture)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEFAULT_CENTER = "ZX"


@pytest.fixture
def hall(zx):  # noqa: F811 (the fixture of test_scores)
    """``every_kind`` (a vacancy and lateness in the week of 03-02, a red case and a first-inquiry violation in
    the week of 03-09, a complaint upheld and a poor rating upheld in the week of 03-16, notices late and
    breached later), plus in the week of 03-16: a second ticket waiting 20 minutes, a case decided on time, a
    confirmed inspection, and a second window of another department."""
    boss = system_actor("office")
    every_kind(zx)
    w01 = Window.objects.get(center=zx, code="W01")
    org.save_window(boss, zx, "W02", "市场监管窗口", "SJ")
    t = queue.issue_ticket(boss, zx, "RS-001", now=at("2026-03-18", "09:00"))
    queue.call_next(clerk("S001"), w01, now=at("2026-03-18", "09:20"))
    queue.start(boss, t, now=at("2026-03-18", "09:21"))
    queue.finish(boss, t, now=at("2026-03-18", "09:30"))
    applicant = cases.Applicant("person", "王小明", "13812345678", "11010519491231002X")
    full = [{"name": "身份证"}, {"name": "申请表"}, {"name": "户口簿"}]
    case = cases.receive_case(clerk("S001"), zx, "RS-001", applicant, full, now=at("2026-03-16", "09:00"))
    cases.decide(clerk("S900"), case, True, now=at("2026-03-17", "15:00"))  # the office decides (system job)
    Inspection.objects.create(center=zx, number="DC-1", at=at("2026-03-19", "10:30"), window=w01,
                              staff=Staff.objects.get(code="S001"), department=w01.department, kind="games",
                              description="窗口玩手机游戏", hidden=True, state="confirmed")
    Inspection.objects.create(center=zx, number="DC-2", at=at("2026-03-19", "11:00"), window=w01, kind="eating",
                              description="撤销的发现", state="dismissed")
    return zx


def test_att3_monday_report_per_window_and_hall(hall):
    w01 = Window.objects.get(center=hall, code="W01")
    week16 = reports.weekly(hall, dt.date(2026, 3, 23))
    assert (week16["first"], week16["last"], week16["meeting"]) == ("2026-03-16", "2026-03-22", "2026-03-23")
    by = {w["code"]: w for w in week16["windows"]}
    assert list(by) == ["W01", "W02"]
    f = by["W01"]["figures"]
    # Q-6 as the queue statistics count it: two done tickets waiting 1 and 20 minutes.
    assert (f["tickets"], f["wait_avg"], f["wait_p90"]) == (2, 10.5, 20.0)
    stats = next(r for r in times(hall, dt.date(2026, 3, 16), dt.date(2026, 3, 22))["window"] if r["key"] == w01.name)
    assert (stats["count"], stats["wait_avg"], stats["wait_p90"]) == (f["tickets"], f["wait_avg"], f["wait_p90"])
    assert (f["ratings"], f["poor"], f["poor_upheld"]) == (1, 1, 1)
    assert (f["cases_finished"], f["cases_on_time"], f["cases_red"]) == (1, 1, 0)
    assert (f["complaints"], f["complaints_upheld"], f["inspections"]) == (1, 1, 1)  # the dismissed one is not
    assert any("明察暗访" in n and "玩游戏" in n for n in by["W01"]["notes"])
    assert set(by["W02"]["figures"].values()) == {0}
    assert week16["hall"] == f  # everything of the hall happened at W01
    week2 = reports.weekly(hall, dt.date(2026, 3, 9))["windows"][0]["figures"]
    assert (week2["vacancies"], week2["late"], week2["early_leave"], week2["absent"]) == (1, 1, 1, 1)
    assert week2["vacancy_minutes"] > 0 and week2["tickets"] == 0
    week9 = reports.weekly(hall, dt.date(2026, 3, 16))["windows"][0]["figures"]
    assert (week9["red_new"], week9["inquiry_issues"]) == (1, 1)  # CASE-11, FIR-5 (two outcomes count once)
    assert reports.weekly(hall, dt.date(2026, 3, 30))["hall"]["notice_breaches"] == 1
    assert reports.weekly(hall, dt.date(2026, 4, 6))["hall"]["late_notices"] == 1


def _text(content: bytes) -> tuple[str, list[str], object]:
    doc = Document(io.BytesIO(content))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(paragraphs + cells), paragraphs, doc


def test_asm5_monday_report_docx_one_page_per_window(hall):
    report = assessment.generate_report(system_actor("office"), hall, "weekly", dt.date(2026, 3, 16), now=NOW)
    text, paragraphs, doc = _text(report.docx.read())
    assert "某县政务服务中心 周例会情况通报" in text and "2026年3月16日" in text
    w01 = Window.objects.get(center=hall, code="W01")
    assert f"{w01.name}（县人社局）" in paragraphs and "市场监管窗口（县市场监管局）" in paragraphs
    assert "等候P90(分)" in text and "20.0" in text and "10.5" in text and "明察暗访" in text
    breaks = sum(1 for p in doc.paragraphs for r in p.runs if 'w:type="page"' in r._r.xml)
    assert breaks == 2  # one page per window
    assert AuditRecord.objects.filter(action="assessment.report").count() == 1


def test_asm5_bulletin_scores_best_worst_ladder_and_docx(hall):
    data = reports.monthly(hall, MARCH)
    rows = month_scores(hall, MARCH)
    assert data["people"] == len(rows)
    assert data["mean"] == round(sum(pm.score.points for pm in rows) / len(rows), 1)
    assert sum(data["grades"].values()) == len(rows)
    by_points = {pm.staff.code: pm.score for pm in rows}
    low = {p["staff"]: p for p in data["low"]}
    assert "S001" in low and low["S001"]["points"] == by_points["S001"].points  # the same numbers as the pages
    assert low["S001"]["grade"] == by_points["S001"].grade and "超期办件-3" in low["S001"]["causes"]
    groups: dict[str, list] = {}
    for pm in rows:
        groups.setdefault(pm.staff.department.name, []).append(pm.score)
    expected = summarize(groups)
    assert [(g["name"], g["mean"]) for g in data["departments"]] == [(g.name, g.mean) for g in expected]
    assert data["best_departments"][0]["name"] == expected[0].name
    assert data["worst_departments"][0]["name"] == expected[-1].name == "县人社局"
    assert data["findings"]["缺位"] == 1 and data["findings"]["超期办件"] == 1
    assert [(s["staff"], s["level"]) for s in data["ladder"]] == [("S001", "批评")]  # NV-8
    assert [i["number"] for i in data["inspections"]] == ["DC-1"]  # not the dismissed one
    assert (data["inspections"][0]["kind"], data["inspections"][0]["state"]) == ("玩游戏", "已确认")
    assert (data["complaints"]["received"], data["complaints"]["upheld"]) == (1, 1)

    boss = system_actor("office")
    report = assessment.generate_report(boss, hall, "monthly", MARCH, now=NOW)
    assert report.number == 1 and report.data["doc_number"] == "某政服通〔2026〕1号"
    text, paragraphs, doc = _text(report.docx.read())
    assert paragraphs[0] == "某政服通〔2026〕1号" and paragraphs[1] == "某县政务服务中心 2026年3月工作通报"
    assert paragraphs[-2:] == ["某县政务服务中心", "2026年4月2日"]  # 落款 and date
    for words in ("一、总体情况", "县人社局", "S001", str(by_points["S001"].points), "批评", "玩游戏", "收到投诉1件"):
        assert words in text, words
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.styles["Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    table = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")).blob.decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table  # a fallback where the font is missing
    # Regenerated, it keeps its number; the next month's takes the next one.
    again = assessment.generate_report(boss, hall, "monthly", MARCH, now=NOW + dt.timedelta(hours=1))
    assert again.pk == report.pk and again.number == 1 and Report.objects.count() == 1
    april = assessment.generate_report(boss, hall, "monthly", dt.date(2026, 4, 1), now=NOW + dt.timedelta(days=40))
    assert april.number == 2 and "〔2026〕2号" in april.data["doc_number"]


def test_generating_refuses_nonsense_and_other_roles(hall):
    boss = system_actor("office")
    for kind, period, field in (("weekly", dt.date(2026, 3, 17), "period"), ("daily", dt.date(2026, 3, 16), "kind"),
                                ("monthly", dt.date(2026, 4, 1), "period"), ("weekly", dt.date(2026, 3, 30), "period")):
        with pytest.raises(RuleViolation) as e:
            assessment.generate_report(boss, hall, kind, period, now=NOW)
        assert field in e.value.as_dict()
    with pytest.raises(Forbidden):
        assessment.generate_report(Actor(user=None, label="S004", staff=Staff.objects.get(code="S004")), hall,
                                   "weekly", dt.date(2026, 3, 16), now=NOW)
    assert not Report.objects.exists()


def test_the_worker_prepares_mondays_report_and_the_bulletin_once(hall):
    assert {t.name for t in schedule.ticks()} >= {"assessment.reports_tick"}
    early = dt.datetime(2026, 3, 23, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Monday before six
    assert ("weekly", dt.date(2026, 3, 16)) not in reports.due(hall, early)
    monday = dt.datetime(2026, 3, 23, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert reports.tick(monday) == 2  # last week's report, last month's bulletin
    assert reports.tick(monday + dt.timedelta(hours=1)) == 0  # once
    weekly = Report.objects.get(kind="weekly")
    assert weekly.period == dt.date(2026, 3, 16) and weekly.data["hall"]["tickets"] == 2
    assert Report.objects.get(kind="monthly").period == dt.date(2026, 2, 1)
    assert reports.tick(monday + dt.timedelta(days=7)) == 1  # the next Monday's


def test_sec5_pages_office_all_department_leader_their_windows(hall, client):
    login(client, "S900")
    assert client.get("/assessment/reports/").status_code == 200
    r = client.post("/assessment/reports/", {"kind": "weekly", "period": "2026-03-16"})
    assert r.status_code == 302 and Report.objects.filter(kind="weekly").count() == 1
    client.post("/assessment/reports/", {"kind": "monthly", "period": "2026-03"})
    client.post("/assessment/reports/", {"kind": "weekly", "period": "2026-03-17"})  # refused with a message
    client.post("/assessment/reports/", {"kind": "weekly", "period": "garbage"})
    assert Report.objects.count() == 2
    weekly, monthly = Report.objects.get(kind="weekly"), Report.objects.get(kind="monthly")
    page = client.get(f"/assessment/reports/{weekly.pk}/").content.decode()
    assert "市场监管窗口" in page and "u-page-break" in page and "data-print" in page and "style=" not in page
    assert "某政服通〔2026〕1号" in client.get(f"/assessment/reports/{monthly.pk}/").content.decode()
    got = client.get(f"/assessment/reports/{weekly.pk}/docx/")
    assert got.status_code == 200 and "市场监管窗口" in _text(got.content)[0]
    assert client.get(f"/assessment/reports/{monthly.pk}/docx/").status_code == 200
    assert AuditRecord.objects.filter(action="export").exists()  # SEC-7
    assert "assessment/reports/" in client.get("/assessment/scores/?month=2026-03").content.decode()
    client.logout()
    login(client, "S004")  # RS's leader
    listing = client.get("/assessment/reports/").content.decode()
    assert f"/assessment/reports/{weekly.pk}/" in listing and f"/assessment/reports/{monthly.pk}/" not in listing
    page = client.get(f"/assessment/reports/{weekly.pk}/").content.decode()
    w01 = Window.objects.get(center=hall, code="W01").name
    assert w01 in page and "市场监管窗口" not in page
    text = _text(client.get(f"/assessment/reports/{weekly.pk}/docx/").content)[0]
    assert w01 in text and "市场监管窗口" not in text and "全厅情况" not in text
    assert client.get(f"/assessment/reports/{monthly.pk}/").status_code == 403
    assert client.get(f"/assessment/reports/{monthly.pk}/docx/").status_code == 403
    assert client.post("/assessment/reports/", {"kind": "weekly", "period": "2026-03-09"}).status_code == 403
    assert Report.objects.count() == 2  # only the office prepares
    client.logout()
    login(client, "S001")  # a clerk
    assert client.get("/assessment/reports/").status_code == 403
    assert client.get(f"/assessment/reports/{weekly.pk}/").status_code == 403


def test_the_monday_report_leaves_out_a_poor_rating_whose_appeal_was_upheld(zx):  # noqa: F811
    """EVAL-5: an upheld appeal takes the rating out of assessment — the Monday report counts poor ratings that
    held as the scores do (the rating stays on record, and in the week's count of ratings)."""
    from servicehall.audit.services import system_actor
    from servicehall.tickets import services as queue
    from tests.tickets.test_appeals import _poor_rating, person

    rating = _poor_rating(zx)
    before = reports.weekly(zx, dt.date(2026, 3, 23))["hall"]
    assert before["poor_upheld"] == 1 and before["ratings"] == 1
    appeal = queue.appeal_rating(person("S001"), rating, "malicious", "恶意差评")
    queue.decide_rating_appeal(system_actor("office"), appeal, True, "经核实系恶意差评")
    after = reports.weekly(zx, dt.date(2026, 3, 23))["hall"]
    assert after.get("poor_upheld", 0) == 0 and after["ratings"] == 1
