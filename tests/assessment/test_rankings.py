"""ASM-4 rankings (order, shared ranks, yearly means, violations by kind, xlsx), award eligibility (CMP-5 for a
person, ASM-3's media rule for a department), ASM-2's replacement requests (flow and refusals), the director's
view (SVG trends), and who sees what (SEC-5)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from servicehall.assessment import rankings
from servicehall.assessment import services as assessment
from servicehall.assessment.models import Inspection, MonthClosing, ReplacementRequest
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor
from servicehall.core.models import Notification
from servicehall.errors import RuleViolation
from servicehall.feedback import services as feedback
from servicehall.org import services as org
from servicehall.org.models import Department, Staff
from servicehall.org.permissions import Forbidden

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 2, 20, 10, 0, tzinfo=TZ)
SETUP = Actor(user=None, label="setup", system=True)


def entries(kind: str, n: int, points: int, day: dt.date) -> list[dict]:
    return [{"key": f"{kind}:{day}:{i}", "kind": kind, "date": day.isoformat(), "points": points,
             "source": f"{kind} {i}", "url": "", "adjustment": False, "origin": ""} for i in range(n)]


def close(center, first: dt.date, snapshot: dict[str, list[dict]]) -> None:
    """A closed month as the office froze it (ASM-2): the rankings read these numbers."""
    MonthClosing.objects.create(center=center, month=first, closed_at=NOW, snapshot=snapshot)


@pytest.fixture
def hall(center):
    """RS (S001-S003), SJ (S004, S005), ZX (S900); W01's A is S001, W02's A is S004; S003 leads RS.
    January: S001 two vacancies (90) → RS 96.7, SJ and ZX 100 (a tie). February: S001 ten vacancies (50,
    不称职) → RS 83.3."""
    org.save_post(SETUP, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    org.save_post(SETUP, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"])
    org.save_staff(SETUP, center, "S003", "王五", "RS", roles=["window", "dept_leader"], qualified=["RS-001"])
    org.save_staff(SETUP, center, "S006", "孙八", "SJ", roles=["dept_leader"])
    close(center, JAN, {"S001": entries("vacancy", 2, -5, dt.date(2026, 1, 6))})
    close(center, FEB, {"S001": entries("vacancy", 10, -5, dt.date(2026, 2, 3))})
    return center


def office(center) -> Actor:
    return Actor(user=None, label="office", staff=Staff.objects.get(center=center, code="S900"))


def as_staff(center, code: str) -> Actor:
    return Actor(user=None, label=code, staff=Staff.objects.get(center=center, code=code))


# -- rankings -----------------------------------------------------------------------------------------------
def test_asm4_a_month_ranks_departments_and_windows_and_equal_means_share_a_rank(hall):
    r = rankings.month_ranking(hall, JAN)
    got = [(row.rank, row.code, row.mean) for row in r.departments]
    assert got == [(1, "SJ", 100.0), (1, "ZX", 100.0), (3, "RS", 96.7)]
    rs = r.departments[-1]
    assert rs.violations == {"vacancy": 2} and rs.people == 3
    assert [(row.rank, row.code, row.mean, row.violations) for row in r.windows] == [
        (1, "W02", 100.0, {}), (2, "W01", 90.0, {"vacancy": 2})]


def test_asm4_the_year_is_the_mean_of_its_monthly_means_so_far(hall):
    r = rankings.year_ranking(hall, 2026, now=NOW)
    assert r.months == (JAN, FEB)
    rs = next(row for row in r.departments if row.code == "RS")
    assert rs.mean == 90.0 and rs.months == 2  # (96.7 + 83.3) / 2
    assert rs.violations == {"vacancy": 12}
    assert [row.code for row in r.departments] == ["SJ", "ZX", "RS"]
    w01 = next(row for row in r.windows if row.code == "W01")
    assert w01.mean == 70.0  # (90 + 50) / 2


# -- award eligibility ----------------------------------------------------------------------------------------
def inspection(center, number: str, staff: str, state: str, media: bool, at: dt.datetime) -> Inspection:
    s = Staff.objects.get(center=center, code=staff)
    return Inspection.objects.create(center=center, number=number, at=at, staff=s, department=s.department,
                                     kind="games", description="窗口玩游戏", media=media, state=state)


def test_cmp5_a_no_awards_outcome_takes_the_persons_year_and_asm3_media_takes_the_departments(hall):
    feedback.hold_accountable(SETUP, hall, Staff.objects.get(code="S005"), "no_awards", dt.date(2026, 2, 3),
                              note="服务态度恶劣")
    feedback.hold_accountable(SETUP, hall, Staff.objects.get(code="S002"), "admonition", dt.date(2026, 2, 3))
    feedback.hold_accountable(SETUP, hall, Staff.objects.get(code="S003"), "no_awards", dt.date(2025, 12, 30))
    inspection(hall, "MC-1", "S004", "confirmed", True, dt.datetime(2026, 2, 10, 10, tzinfo=TZ))
    inspection(hall, "MC-2", "S001", "dismissed", True, dt.datetime(2026, 2, 10, 10, tzinfo=TZ))
    inspection(hall, "MC-3", "S002", "confirmed", False, dt.datetime(2026, 2, 10, 10, tzinfo=TZ))
    # 2025-12-31 23:30 in the center's zone is last year, though 2026 in some other zone.
    inspection(hall, "MC-4", "S001", "confirmed", True, dt.datetime(2025, 12, 31, 23, 30, tzinfo=TZ))
    e = rankings.award_eligibility(hall, 2026)
    s005, s002, s003 = (Staff.objects.get(code=c) for c in ("S005", "S002", "S003"))
    assert not e.person_eligible(s005.pk) and e.person_eligible(s002.pk) and e.person_eligible(s003.pk)
    assert e.people[s002.pk] == [] and set(e.lost()) == {s005.pk}  # every active person, eligible or not
    [reason] = e.people[s005.pk]
    assert reason.rule == "CMP-5" and "服务态度恶劣" in reason.text and reason.url == "/manage/staff/S005/record/?year=2026"
    sj, rs = Department.objects.get(code="SJ"), Department.objects.get(code="RS")
    assert not e.department_eligible(sj.pk) and e.department_eligible(rs.pk)
    assert e.departments[sj.pk][0].rule == "ASM-3" and "MC-1" in e.departments[sj.pk][0].text
    # The person's CMP-5 loss does not take their department's eligibility (SJ lost it by ASM-3 only).
    assert len(e.departments[sj.pk]) == 1
    r = rankings.month_ranking(hall, JAN)
    assert {row.code: row.eligible for row in r.departments} == {"SJ": False, "ZX": True, "RS": True}
    assert {row.code: row.eligible for row in r.windows} == {"W01": True, "W02": False}


# -- replacement requests (ASM-2) ------------------------------------------------------------------------
def test_asm2_a_person_graded_unsatisfactory_in_a_closed_month_is_listed_requested_and_answered(
        hall, django_capture_on_commit_callbacks):
    s001 = Staff.objects.get(code="S001")
    assert [(c.staff.code, c.month, c.points) for c in rankings.replacement_candidates(hall, now=NOW)] == [
        ("S001", FEB, 50)]
    with django_capture_on_commit_callbacks(execute=True):
        req = assessment.request_replacement(office(hall), hall, s001, FEB, "二月考核不称职", now=NOW)
    assert req.points == 50 and req.department.code == "RS"
    assert rankings.replacement_candidates(hall, now=NOW) == []
    leader = Staff.objects.get(code="S003")
    assert Notification.objects.filter(recipient=leader, key=f"replacement:{req.pk}").exists()
    assert AuditRecord.objects.filter(action="assessment.replace").count() == 1
    # Another department's leader may not answer; the own one must name a replacement of the department.
    with pytest.raises(Forbidden):
        assessment.answer_replacement(as_staff(hall, "S006"), req, False, reason="不同意")
    with pytest.raises(RuleViolation) as exc:
        assessment.answer_replacement(as_staff(hall, "S003"), req, True, Staff.objects.get(code="S004"))
    assert exc.value.problems[0].field == "replacement"
    req = assessment.answer_replacement(as_staff(hall, "S003"), req, True, Staff.objects.get(code="S002"), now=NOW)
    assert req.answer == "agree" and req.replacement.code == "S002" and req.answered_at == NOW
    with pytest.raises(RuleViolation):
        assessment.answer_replacement(as_staff(hall, "S003"), req, False, reason="改变主意")


@pytest.mark.parametrize(("code", "month", "words"), [
    ("S002", FEB, "only a person graded 不称职"),  # 100 points: 优秀
    ("S001", MAR, "is not closed"),  # March is open
])
def test_asm2_a_replacement_is_refused_unless_unsatisfactory_in_a_closed_month(hall, code, month, words):
    with pytest.raises(RuleViolation) as exc:
        assessment.request_replacement(office(hall), hall, Staff.objects.get(code=code), month, "不称职", now=NOW)
    assert words in str(exc.value)
    assert not ReplacementRequest.objects.exists()


def test_asm2_a_replacement_is_asked_once_per_person_and_month_and_needs_a_reason(hall):
    s001 = Staff.objects.get(code="S001")
    with pytest.raises(RuleViolation) as exc:
        assessment.request_replacement(office(hall), hall, s001, FEB, "  ", now=NOW)
    assert exc.value.problems[0].field == "reason"
    assessment.request_replacement(office(hall), hall, s001, FEB, "二月考核不称职", now=NOW)
    with pytest.raises(RuleViolation) as exc:
        assessment.request_replacement(office(hall), hall, s001, FEB, "再次请求", now=NOW)
    assert "already requested" in str(exc.value)
    assert ReplacementRequest.objects.count() == 1
    with pytest.raises(Forbidden):  # a department's leader does not ask the center's question
        assessment.request_replacement(as_staff(hall, "S003"), hall, s001, JAN, "x", now=NOW)


# -- pages -------------------------------------------------------------------------------------------------
def test_rankings_page_and_xlsx_for_the_office(hall, office_client):
    feedback.hold_accountable(SETUP, hall, Staff.objects.get(code="S005"), "no_awards", dt.date(2026, 2, 3))
    page = office_client.get("/assessment/rankings/?month=2026-01").content.decode()
    assert "县人社局" in page and "96.7" in page and "钱七" in page
    page = office_client.get("/assessment/rankings/?year=2026").content.decode()
    assert "县市场监管局" in page
    response = office_client.get("/assessment/rankings/?month=2026-01&format=xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["部门排名", "窗口排名", "评先评优"]
    rows = list(wb["部门排名"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[4]) for r in rows] == [(1, "SJ", 100), (1, "ZX", 100), (3, "RS", 96.7)]
    people = list(wb["评先评优"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[3]) for r in people] == [("人员", "S005", "CMP-5")]
    assert AuditRecord.objects.filter(action="export", object_repr="rankings.xlsx").exists()  # SEC-7


def test_sec5_a_department_leader_sees_the_whole_ranking_but_only_their_peoples_details(hall, login):
    feedback.hold_accountable(SETUP, hall, Staff.objects.get(code="S005"), "no_awards", dt.date(2026, 2, 3))
    feedback.hold_accountable(SETUP, hall, Staff.objects.get(code="S002"), "no_awards", dt.date(2026, 2, 4))
    page = login("S003").get("/assessment/rankings/?month=2026-01").content.decode()
    assert "县市场监管局" in page and "县人社局" in page  # the whole ranking
    assert "李四" in page and "钱七" not in page  # RS's person, not SJ's
    assert login("S005").get("/assessment/rankings/").status_code == 403  # a clerk
    assert login("S003").get("/assessment/director/").status_code == 403


def test_replacements_page_requests_and_answers_through_the_forms(hall, office_client, login):
    page = office_client.get("/assessment/replacements/").content.decode()
    assert "张三" in page and "2026-02" in page
    office_client.post("/assessment/replacements/", {"action": "request", "staff": "S001", "month": "2026-02",
                                                     "reason": "二月考核不称职"})
    req = ReplacementRequest.objects.get()
    bad = office_client.post("/assessment/replacements/", {"action": "request", "staff": "S002",
                                                           "month": "2026-13", "reason": "x"}, follow=True)
    assert bad.status_code == 200 and ReplacementRequest.objects.count() == 1
    for form in ({"action": "request", "staff": "NOBODY", "month": "2026-02", "reason": "x"},
                 {"action": "answer", "request": "abc", "answer": "disagree", "answer_reason": "x"},
                 {"action": "answer", "request": req.pk, "answer": "agree", "replacement": "NOBODY"}):
        assert office_client.post("/assessment/replacements/", form, follow=True).status_code == 200
    assert ReplacementRequest.objects.get().answer == ""
    leader = login("S003")
    assert "二月考核不称职" in leader.get("/assessment/replacements/").content.decode()
    leader.post("/assessment/replacements/", {"action": "answer", "request": req.pk, "answer": "disagree",
                                              "answer_reason": "已整改，表现好转"})
    req.refresh_from_db()
    assert req.answer == "disagree" and req.answer_reason == "已整改，表现好转"
    # SJ's leader sees no RS request.
    assert "二月考核不称职" not in login("S006").get("/assessment/replacements/").content.decode()


def test_directors_view_draws_thirty_days_as_svg(hall, office_client):
    page = office_client.get("/assessment/director/").content.decode()
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert len(re.findall(r"<svg ", page)) == 4
    # the waits line: one point per day with a wait, a gap for a day without (never drawn as a 0-minute wait)
    drawn = sum(len(run.split()) for run in re.findall(r'<polyline[^>]*points="([^"]*)"', page))
    assert drawn == len(re.findall(r"<circle ", page)) <= 30
    assert " style=" not in page.split("<main", 1)[-1]


@pytest.mark.parametrize("code", ["S900", "S003", "S004", "S005", "S006"])
def test_every_new_page_answers_every_role_without_a_server_error(hall, login, code, office_client):
    client = office_client if code == "S900" else login(code)
    for url in ("/assessment/rankings/", "/assessment/rankings/?year=2026", "/assessment/rankings/?year=abc",
                "/assessment/rankings/?month=2026-13", "/assessment/rankings/?format=xlsx",
                "/assessment/replacements/", "/assessment/director/"):
        assert client.get(url).status_code in (200, 403), url


def test_directors_figures_count_each_day_and_weigh_the_mean_wait_by_called_ticket(hall):
    from servicehall.assessment import director
    from servicehall.catalog.models import ServiceItem
    from servicehall.tickets.models import Rating, Ticket

    rs = Department.objects.get(code="RS")
    item = ServiceItem.objects.get(code="RS-001")
    s001 = Staff.objects.get(code="S001")
    w01 = hall.windows.get(code="W01")
    d1, d2 = dt.date(2026, 2, 9), dt.date(2026, 2, 10)

    def ticket(day, seq, wait):
        issued = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
        return Ticket.objects.create(center=hall, queue=rs, day=day, seq=seq, display=f"A{seq:03d}", item=item,
                                     issued_at=issued, status="done" if wait is not None else "waiting",
                                     called_at=issued + dt.timedelta(minutes=wait) if wait is not None else None,
                                     window=w01, staff=s001)

    t1, _t2 = ticket(d1, 1, 10), ticket(d1, 2, None)
    t3, t4 = ticket(d2, 1, 4), ticket(d2, 2, 6)
    for t, level in ((t1, 1), (t3, 5), (t4, 2)):
        Rating.objects.create(ticket=t, staff=s001, window=w01, level=level, at=t.called_at)
    series = director.days(hall, d1, d2)
    assert [(d.tickets, d.called, d.mean_wait, d.ratings, d.poor) for d in series] == [
        (2, 1, 10.0, 1, 1), (2, 2, 5.0, 2, 1)]
    total = director.total(series)
    assert (total.tickets, total.called, total.mean_wait, total.poor) == (4, 3, 6.7, 2)  # (10 + 4 + 6) / 3
