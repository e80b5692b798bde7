"""ASM-1, ASM-2: a month's scores derived from every part's records, ``servicehall scores`` per SCENARIO.md,
a late correction changing an open month, closing a month (a later correction appears as an adjustment in the
next open month), the center's point table, and who sees whose scores (SEC-5)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from servicehall.assessment import services as assessment
from servicehall.assessment.models import MonthClosing
from servicehall.assessment.scores import month_scores, score_json
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor, system_actor
from servicehall.cases import services as cases
from servicehall.catalog import services as catalog
from servicehall.cli import main
from servicehall.duty import services as duty
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Vacancy
from servicehall.errors import RuleViolation
from servicehall.feedback import inquiries as fir
from servicehall.feedback import services as feedback
from servicehall.org import services as org
from servicehall.org.models import Center, Department, Staff, Window
from servicehall.org.permissions import Forbidden
from servicehall.tickets import services as queue
from servicehall.tickets.models import BadRatingCase

from ..duty.test_scenarios import BASE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_cli")]
PASSWORD = "assessment-2026-Pw"
MARCH = dt.date(2026, 3, 1)


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


def clerk(code: str) -> Actor:
    return Actor(user=None, label=code, staff=Staff.objects.get(code=code), system=True)


EVENTS = [
    # 03-03 (NV-6): A (S001) absent without leave, B away at a meeting 09:00-10:00 → A answers for that hour.
    {"id": "b-in", "type": "clock_in", "staff": "S002", "at": "2026-03-03T08:25:00+08:00"},
    {"id": "b-out", "type": "clock_out", "staff": "S002", "at": "2026-03-03T17:35:00+08:00"},
    {"id": "b-away", "type": "away", "staff": "S002", "kind": "meeting", "start": "2026-03-03T09:00:00+08:00",
     "end": "2026-03-03T10:00:00+08:00", "approved": True},
    # 03-04 (ATT-1): A late in the morning and gone early in the afternoon; B there all day.
    {"id": "b-in-4", "type": "clock_in", "staff": "S002", "at": "2026-03-04T08:25:00+08:00"},
    {"id": "b-out-4", "type": "clock_out", "staff": "S002", "at": "2026-03-04T17:35:00+08:00"},
    {"id": "a-in-4", "type": "clock_in", "staff": "S001", "at": "2026-03-04T08:55:00+08:00"},
    {"id": "a-out-4", "type": "clock_out", "staff": "S001", "at": "2026-03-04T17:00:00+08:00"},
]


@pytest.fixture
def zx(django_capture_on_commit_callbacks):
    boss = system_actor("office")
    import_scenario(system_actor("import"), {**BASE, "events": EVENTS})
    center = Center.objects.get(code="ZX")
    org.save_department(boss, center, "SJ", "县市场监管局")
    org.save_department(boss, center, "ZX", "中心管理办公室")
    org.save_staff(boss, center, "S004", "赵六", "RS", roles=["dept_leader"])
    org.save_staff(boss, center, "S005", "钱七", "SJ", roles=["window"])
    org.save_staff(boss, center, "S900", "周主任", "ZX", roles=["office"])
    catalog.save_item(boss, center, "RS-001", "失业登记", "RS", promised_days=5, statutory_days=20,
                      materials=[{"name": "身份证"}, {"name": "申请表"}, {"name": "户口簿"}])
    return center


def every_kind(center: Center) -> None:
    """One record of each kind against S001 in March 2026, made through the services."""
    boss = system_actor("office")
    s001 = clerk("S001")
    applicant = cases.Applicant("person", "王小明", "13812345678", "11010519491231002X")
    full = [{"name": "身份证"}, {"name": "申请表"}, {"name": "户口簿"}]
    # CASE-11: accepted 03-02 with 5 working days, still open → red on 03-10.
    cases.receive_case(s001, center, "RS-001", applicant, full, now=at("2026-03-02", "09:00"))
    cases.refresh_cards(center, now=at("2026-03-20", "08:00"))
    # CASE-3: a first notice 4 working days after receipt is late (not a breach).
    late = cases.receive_case(s001, center, "RS-001", applicant, full, now=at("2026-03-25", "09:00"))
    cases.issue_notice(s001, late, {"申请表": "填写不完整"}, now=at("2026-03-31", "10:00"))
    # CASE-3: a second notice asking for something the first did not (on time, so not late).
    short = cases.receive_case(s001, center, "RS-001", applicant, [{"name": "申请表"}, {"name": "户口簿"}], action="notice",
                               now=at("2026-03-25", "09:30"))
    cases.issue_notice(s001, short, {"户口簿": "复印件不清晰"}, confirm_breach=True, now=at("2026-03-26", "10:00"))
    # FIR-5: two outcomes for one first inquiry count once.
    inq = fir.register(s001, center, channel="visit", asker="李大爷", matter="咨询养老保险", now=at("2026-03-12", "10:00"))
    feedback.hold_accountable(boss, center, Staff.objects.get(code="S001"), "points", dt.date(2026, 3, 12), inquiry=inq)
    feedback.hold_accountable(boss, center, Staff.objects.get(code="S001"), "admonition", dt.date(2026, 3, 12),
                              inquiry=inq)
    # CMP-4: a complaint upheld against the person, answered 03-16.
    c = feedback.file_complaint(boss, center, channel="phone", ground="attitude", matter="窗口人员态度生硬",
                                now=at("2026-03-16", "08:30"))
    feedback.intake(boss, c, "register", staff=Staff.objects.get(code="S001"),
                    department=Department.objects.get(center=center, code="RS"), now=at("2026-03-16", "09:00"))
    feedback.answer(boss, c, "经核实属实，已批评教育", on_the_spot=True, upheld=True, now=at("2026-03-16", "10:00"))
    # EVAL-2: a poor rating of S001's service on 03-17 that holds after verification.
    window = Window.objects.get(center=center, code="W01")
    pad = duty.register_device(boss, center, "PAD1", "评价器", kind="pad", window=window)[0]
    t = queue.issue_ticket(boss, center, "RS-001", now=at("2026-03-17", "10:00"))
    queue.call_next(s001, window, now=at("2026-03-17", "10:01"))
    queue.start(boss, t, now=at("2026-03-17", "10:02"))
    queue.finish(boss, t, now=at("2026-03-17", "10:10"))
    queue.rate(duty.device_actor(pad), t, 1, now=at("2026-03-17", "10:11"))
    queue.handle_bad_rating(boss, BadRatingCase.objects.get(rating__ticket=t), verified=True,
                            rectification="已批评教育", now=at("2026-03-18", "09:00"))
    # ASM-2: a silk banner.
    assessment.record_praise(boss, center, Staff.objects.get(code="S001"), "banner", dt.date(2026, 3, 18), "群众赠送锦旗")


def run(capsys, *args) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err.strip()


EXPECTED = [("vacancy", "2026-03-03", -5), ("absent", "2026-03-03", -5), ("late", "2026-03-04", -1),
            ("early_leave", "2026-03-04", -1), ("red_case", "2026-03-10", -3), ("inquiry", "2026-03-12", -2),
            ("complaint", "2026-03-16", -5), ("poor_rating", "2026-03-17", -2), ("praise", "2026-03-18", 2),
            ("notice_breach", "2026-03-26", -3), ("late_notice", "2026-03-31", -2)]


def test_asm2_every_kind_once_points_grade_and_the_scores_command(zx, capsys):
    every_kind(zx)
    code, out, err = run(capsys, "scores", "--center", "ZX", "--month", "2026-03", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["staff"] for r in rows] == sorted(s.code for s in Staff.objects.filter(center=zx, active=True))
    assert all(set(r) == {"staff", "department", "points", "grade", "deductions"} for r in rows)
    me = next(r for r in rows if r["staff"] == "S001")
    assert [(d["kind"], d["date"], d["points"]) for d in me["deductions"]] == EXPECTED
    assert all(set(d) == {"kind", "date", "points", "source"} and d["source"] for d in me["deductions"])
    assert me["department"] == "RS" and me["points"] == 100 - 27 == 73 and me["grade"] == "基本称职"
    for r in rows:  # SCENARIO.md: points are 100 plus the deductions' points
        assert r["points"] == 100 + sum(d["points"] for d in r["deductions"])
    code, text, _ = run(capsys, "scores", "--center", "ZX", "--month", "2026-03")
    assert code == 0 and "S001" in text and "73" in text and "基本称职" in text and "red_case" in text


@pytest.mark.parametrize("month, words", [("2026-13", "2026-13"), ("march", "march"), ("2026-3", "2026-3"),
                                          ("2025-12", "outside"), ("2099-01", "outside")])
def test_scores_command_refuses_a_bad_or_uncovered_month(zx, capsys, month, words):
    code, out, err = run(capsys, "scores", "--center", "ZX", "--month", month)
    assert code == 2 and out == "" and words in err


def test_nv8_a_post_day_with_two_uncovered_stretches_counts_once(zx):
    v = Vacancy.objects.get(center=zx, answerable="S001")
    Vacancy.objects.create(center=zx, post=v.post, date=v.date, start=v.end + dt.timedelta(hours=2),
                           end=v.end + dt.timedelta(hours=3), minutes=60, answerable_kind="a", staff=v.staff,
                           department=v.department, answerable="S001", reason="第二段")
    pm = month_scores(zx, MARCH, [Staff.objects.get(code="S001")])[0]
    assert [d.kind for d in pm.score.deductions].count("vacancy") == 1
    org.save_center(system_actor("office"), "ZX", zx.name, policy={"merge_same_day": False})
    pm = month_scores(Center.objects.get(code="ZX"), MARCH, [Staff.objects.get(code="S001")])[0]
    assert [d.kind for d in pm.score.deductions].count("vacancy") == 2


def test_a_late_correction_changes_an_open_month(zx):
    before = {pm.staff.code: pm.score.points for pm in month_scores(zx, MARCH)}
    assert before["S001"] == 100 - 5 - 5 - 1 - 1  # vacancy, absence, late, early leave
    duty.waive_vacancy(system_actor("office"), Vacancy.objects.get(center=zx, answerable="S001"), "考勤机故障")
    after = {pm.staff.code: pm.score.points for pm in month_scores(zx, MARCH)}
    assert after["S001"] == before["S001"] + 5
    assert {k: v for k, v in after.items() if k != "S001"} == {k: v for k, v in before.items() if k != "S001"}


def test_closing_freezes_a_month_and_a_later_correction_is_an_adjustment_next_month(zx, capsys):
    boss = system_actor("office")
    closing = assessment.close_month(boss, zx, MARCH)
    assert AuditRecord.objects.filter(action="assessment.close").count() == 1
    with pytest.raises(RuleViolation):
        assessment.close_month(boss, zx, MARCH)  # once
    with pytest.raises(RuleViolation) as e:
        assessment.close_month(boss, zx, dt.date(2026, 5, 1))  # in order
    assert "2026-04" in str(e.value)
    assert closing.snapshot["S001"][0]["kind"] == "vacancy"
    duty.waive_vacancy(boss, Vacancy.objects.get(center=zx, answerable="S001"), "考勤机故障")
    march = {pm.staff.code: pm.score for pm in month_scores(zx, MARCH)}
    assert march["S001"].points == 88  # closed: as it was
    april = {pm.staff.code: pm.score for pm in month_scores(zx, dt.date(2026, 4, 1))}
    adj = april["S001"].deductions
    assert [(d.kind, d.date, d.points, d.adjustment) for d in adj] == [("vacancy", dt.date(2026, 3, 3), 5, True)]
    assert adj[0].source.startswith("2026-03 调整") and april["S001"].points == 105
    code, out, _ = run(capsys, "scores", "--center", "ZX", "--month", "2026-04", "--json")
    assert code == 0 and next(r for r in json.loads(out) if r["staff"] == "S001")["points"] == 105
    # A later change of the thresholds does not regrade the closed month (88 stays 称职).
    org.save_center(boss, "ZX", zx.name, policy={"assessment_grades": {"优秀": 99, "称职": 90, "基本称职": 70}})
    assert month_scores(zx, MARCH, [Staff.objects.get(code="S001")])[0].score.grade == "称职"
    assert month_scores(zx, dt.date(2026, 4, 1), [Staff.objects.get(code="S001")])[0].score.grade == "优秀"
    # Closing April freezes the adjustment there: May shows nothing more for it.
    assessment.close_month(boss, zx, dt.date(2026, 4, 1))
    may = {pm.staff.code: pm.score for pm in month_scores(zx, dt.date(2026, 5, 1))}
    assert may["S001"].points == 100 and not may["S001"].deductions
    assert MonthClosing.objects.count() == 2


def test_praise_is_capped_and_refused_in_a_closed_month(zx):
    boss = system_actor("office")
    s = Staff.objects.get(code="S002")
    for day in range(2, 9):
        assessment.record_praise(boss, zx, s, "letter", dt.date(2026, 3, day), "表扬信")
    pm = month_scores(zx, MARCH, [s])[0]
    assert sum(d.points for d in pm.score.deductions if d.kind == "praise") == 10
    with pytest.raises(RuleViolation) as e:
        assessment.record_praise(boss, zx, s, "medal", dt.date(2026, 3, 9))
    assert "kind" in e.value.as_dict()
    assessment.close_month(boss, zx, MARCH)
    with pytest.raises(RuleViolation) as e:
        assessment.record_praise(boss, zx, s, "letter", dt.date(2026, 3, 20))
    assert "closed" in str(e.value)
    with pytest.raises(Forbidden):
        assessment.record_praise(Actor(user=None, label="S002", staff=s), zx, s, "letter", dt.date(2026, 4, 2))


def test_the_centers_point_table_and_thresholds_apply_and_nonsense_is_refused(zx):
    boss = system_actor("office")
    org.save_center(boss, "ZX", zx.name, policy={"assessment_points": {"late": -4},
                                                 "assessment_grades": {"称职": 92, "基本称职": 90}})
    zx.refresh_from_db()
    pm = month_scores(Center.objects.get(code="ZX"), MARCH, [Staff.objects.get(code="S001")])[0]
    assert pm.score.points == 100 - 5 - 5 - 4 - 1 and pm.score.grade == "不称职"
    for bad in ({"assessment_points": {"late": 3}}, {"assessment_grades": {"称职": 99}},
                {"assessment_points": {"nonsense": -1}}):
        with pytest.raises(RuleViolation) as e:
            org.save_center(boss, "ZX", zx.name, policy=bad)
        assert any(k.startswith("center.policy.assessment_") for k in e.value.as_dict())


def login(client, code: str):
    staff = Staff.objects.get(code=code)
    org.create_account(system_actor("setup"), staff, f"u-{code.lower()}", PASSWORD)
    assert client.login(username=f"u-{code.lower()}", password=PASSWORD)
    return client


def test_sec5_office_sees_all_department_leader_their_department_clerk_only_self(zx, client, settings):
    settings.DEFAULT_CENTER = "ZX"
    every_kind(zx)
    page = login(client, "S900").get("/assessment/scores/?month=2026-03").content.decode()
    assert all(code in page for code in ("S001", "S002", "S005", "S900"))
    assert "县市场监管局" in page and "县人社局" in page  # ASM-1: each department's mean and violations by kind
    assert "超期办件（红牌） 1" in page or "Red case 1" in page
    w01 = Window.objects.get(center=zx, code="W01").name  # S001 is A of P01 at W01: the window's mean is theirs
    assert w01 in page.split("By window" if "By window" in page else "按窗口")[1]
    client.logout()
    page = login(client, "S004").get("/assessment/scores/?month=2026-03").content.decode()
    assert "S001" in page and "S002" in page and "S005" not in page and "S900" not in page
    assert client.get("/assessment/scores/S005/?month=2026-03").status_code == 403
    detail = client.get("/assessment/scores/S001/?month=2026-03").content.decode()
    assert "73" in detail and "超期办件" in detail and "/manage/vacancies/" in detail  # the leader reads duty
    client.logout()
    page = login(client, "S001").get("/assessment/scores/?month=2026-03").content.decode()
    assert "S001" in page and "S002" not in page
    mine = client.get("/assessment/scores/S001/?month=2026-03").content.decode()
    assert "73" in mine and "锦旗" in mine
    # SEC-5: a clerk's own page names every record but links only what they may open (not the duty pages).
    assert "缺位 P01" in mine and "/manage/vacancies/" not in mine and "/manage/staff/S001/record/" in mine
    assert client.get("/assessment/scores/S002/?month=2026-03").status_code == 403


def test_office_records_praise_and_closes_a_month_from_the_pages(zx, client, settings):
    settings.DEFAULT_CENTER = "ZX"
    login(client, "S900")
    r = client.post("/assessment/scores/S002/?month=2026-03", {"kind": "letter", "date": "2026-03-05",
                                                                 "note": "来信表扬"})
    assert r.status_code == 302
    assert "+2" in client.get("/assessment/scores/S002/?month=2026-03").content.decode()
    assert client.post("/assessment/scores/?month=2026-03").status_code == 302
    assert MonthClosing.objects.filter(center=zx, month=MARCH).exists()
    r = client.post("/assessment/scores/S002/?month=2026-03", {"kind": "bogus", "date": "2026-04-05"})
    assert r.status_code == 302  # refused with a message, nothing written
    assert score_json(month_scores(zx, dt.date(2026, 4, 1), [Staff.objects.get(code="S002")])[0])["points"] == 100


def test_the_settings_page_edits_the_point_table_and_refuses_nonsense(office_client, center):
    data = {"sessions": "08:30-12:00, 14:30-17:30", "arrive_early_minutes": "5", "device_backfill_hours": "24",
            "clock_in_grace": "10", "pause_grace_minutes": "15", "pause_daily_minutes": "60",
            "handover_lead_days": "1", "ladder_window": "calendar", "merge_same_day": "1", "notice_max_days": "3",
            "yellow_at": "80", "bad_rating_days": "15", "b_max_posts": "2", "ab_small_pool": "2",
            "starve_minutes": "30", "notify_ahead": "3", "inquiry_transfer_days": "2", "remedy_text": "可依法申请行政复议。"}
    ok = {**data, "assessment_points": '{"late": -2}', "assessment_grades": ""}
    assert office_client.post("/manage/settings/", ok).status_code == 302
    center.policy.refresh_from_db()
    assert center.policy.assessment_points == {"late": -2} and center.policy.assessment_grades == {}
    assert '{&quot;late&quot;: -2}' in office_client.get("/manage/settings/").content.decode()
    for raw in ('{"late": 3}', "not json", '{"bogus": -1}'):
        body = office_client.post("/manage/settings/", {**ok, "assessment_points": raw}).content.decode()
        assert "assessment" in body or "考核" in body
    body = office_client.post("/manage/settings/", {**ok, "assessment_grades": '{"称职": 99}'}).content.decode()
    assert "assessment_grades" in body or "考核等次" in body
    center.policy.refresh_from_db()
    assert center.policy.assessment_points == {"late": -2} and center.policy.assessment_grades == {}
