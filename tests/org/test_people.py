"""People lists that fit the person (issue 17 item 1; ORG-3, ORG-4, NV-7, SEC-5, CMP-5, FIR-2).

Per list: a person outside its filter or the picker's scope is not offered, and posting them anyway is refused
by the service with the field's Chinese label and the person's name (never a bare staff number).
"""

from __future__ import annotations

import re

import pytest

from servicehall.audit.services import Actor, system_actor
from servicehall.cases import assist, courier
from servicehall.cases import services as cases
from servicehall.catalog import services as catalog
from servicehall.errors import RuleViolation, shown
from servicehall.feedback import inquiries as fir
from servicehall.feedback import services as cmp
from servicehall.org import services as org
from servicehall.org.models import Center, Department, Post, Staff
from servicehall.org.people import pickable, why_not

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(actor, center):
    """Posts P01 (1号窗口: A 张三, B 李四, RS items) and P02 (2号窗口: A 赵六, B 钱七); 孙八 (RS) has left;
    another center's 吴九."""
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001", "RS-002"], name="就业")
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"], name="登记")
    org.save_staff(actor, center, "S006", "孙八", "RS", roles=["window", "approver"],
                   qualified=["RS-001", "RS-002", "RS-003"], active=False)
    other = org.save_center(actor, "YX", "另一个中心")
    org.save_department(actor, other, "RS", "另一个人社局")
    org.save_staff(actor, other, "Y001", "吴九", "RS", roles=["window"])
    return center


def staff(code: str, center: Center | None = None) -> Staff:
    qs = Staff.objects.filter(code=code)
    return (qs.filter(center=center) if center else qs).get()


def as_staff(code: str) -> Actor:
    s = staff(code, Center.objects.get(code="ZX"))
    if s.user_id is None:
        org.create_account(Actor(user=None, label="setup", system=True), s, f"user-{code.lower()}", "pw-Long-enough-1")
        s.refresh_from_db()
    return Actor(user=s.user, label=s.name)


def offered(page: str, name: str) -> list[str]:
    """The staff numbers a people pick named ``name`` offers on ``page``."""
    m = re.search(rf'<select name="{name}"[^>]*data-people[^>]*>(.*?)</select>', page, re.S)
    assert m, f"no people pick {name}"
    return re.findall(r'<option value="([^"]+)"', m.group(1))


def refusal(exc: RuleViolation, labels=None) -> str:
    """What the page shows (Chinese, with the field's label) and the message with its values."""
    return " ".join(f"{shown(p, labels=labels)} {p.message}" for p in exc.problems)


# -- the helper ----------------------------------------------------------------------------------------------
def test_pickable_offers_the_centers_active_people_grouped_own_department_first(hall):
    people = pickable(as_staff("S004"), hall)  # 赵六 of 县市场监管局
    assert [g.department for g in people.groups][:1] == ["县市场监管局"]
    assert "S006" not in people and "Y001" not in people  # left; another center
    assert set(people.codes) == {"S001", "S002", "S003", "S004", "S005", "S900"}
    assert all(p.label == f"{p.name}（{p.department}）" for p in people)  # by name, never the number


def test_pickable_window_puts_its_people_first_and_qualification_narrows(hall):
    from servicehall.org.models import Window

    people = pickable(as_staff("S900"), hall, window=Window.objects.get(code="W01"))
    first = people.groups[0]
    assert first.department == "县人社局" and [p.code for p in first.people][:2] == ["S001", "S002"]
    qualified = pickable(as_staff("S900"), hall, qualified_for_post=Post.objects.get(code="P01"))
    assert "S003" not in qualified and {"S001", "S002"} <= set(qualified.codes)  # 王五 lacks RS-002 (ORG-4)
    by_code = {p.code: p for p in people}
    assert "P01" in by_code["S002"].posts and "P01" not in by_code["S003"].posts
    assert by_code["S001"].windows == ("W01",)


def test_pickable_keeps_to_the_pickers_scope(hall):
    # SEC-5: a window head reads duty within their department; a clerk only their own record; nothing else
    assert set(pickable(as_staff("S004"), hall, action="duty.read").codes) == {"S004", "S005"}
    assert pickable(as_staff("S001"), hall, action="record.read").codes == ["S001"]
    assert len(pickable(as_staff("S001"), hall, action="duty.read")) == 0
    problem = why_not(as_staff("S004"), hall, "staff", staff("S001"), action="duty.read")
    assert problem is not None and "张三" in problem.message


def test_a_window_scope_is_the_people_of_ones_windows(hall):
    """SEC-5 as the permission table reads a window's scope: the A and B of one's windows and oneself."""
    people = pickable(as_staff("S001"), hall, action="window.pause")  # 张三, A of 1号窗口
    assert set(people.codes) == {"S001", "S002"}
    assert why_not(as_staff("S001"), hall, "staff", staff("S002"), action="window.pause") is None
    problem = why_not(as_staff("S001"), hall, "staff", staff("S004"), action="window.pause")
    assert problem is not None and "赵六" in problem.message
    assert pickable(as_staff("S003"), hall, action="window.pause").codes == ["S003"]  # on no window: oneself


def test_why_not_names_the_person(hall):
    boss = as_staff("S900")
    assert why_not(boss, hall, "staff", staff("S001")) is None
    left = why_not(boss, hall, "staff", staff("S006"))
    assert left is not None and "孙八（县人社局）" in left.message and "S006" not in left.message
    away = why_not(boss, hall, "staff", staff("Y001"))
    assert away is not None and "吴九" in away.message
    unq = why_not(boss, hall, "staff", staff("S003"), items=["RS-001", "RS-002"])
    assert unq is not None and "王五" in unq.message and "就业创业证申领" in unq.message and "RS-002" not in unq.message


# -- the post's A and B (ORG-3, ORG-4) ------------------------------------------------------------------------
def test_post_form_offers_active_people_by_name_and_refuses_an_unqualified_b_by_name(office_client, hall):
    page = office_client.get("/manage/posts/P01/edit/").content.decode()
    for field in ("a", "b"):
        codes = offered(page, field)
        assert "S006" not in codes and "Y001" not in codes and "S001" in codes
    assert "张三（县人社局）" in page and "（S001，" not in page  # names, not staff numbers
    assert 'data-people-qualified="items"' in page  # B narrows to those qualified for the ticked items
    r = office_client.post("/manage/posts/P01/edit/", {"name": "就业", "window": "W01", "a": "S001", "b": "S003",
                                                       "items": ["RS-001", "RS-002"]})
    text = r.content.decode()
    # the item by its name, not its code (issue 17 item 1), and the B picked stays picked
    assert r.status_code == 200 and "王五（县人社局）" in text and "就业创业证申领" in text
    assert "RS-002 " not in text.split('<div class="errors">')[1].split("</div>")[0]
    assert re.search(r'<select name="b"[^>]*>.*?value="S003" selected', text, re.S)
    assert Post.objects.get(code="P01").b.code == "S002"  # nothing changed
    r = office_client.post("/manage/posts/P01/edit/", {"name": "就业", "window": "W01", "a": "S001", "b": "S006",
                                                       "items": ["RS-001"]})
    assert "孙八（县人社局） 不是在岗工作人员" in r.content.decode()


def test_post_form_names_items_by_name_joined_and_every_missing_field(office_client, hall):
    # Issue 17 items 1 and 2: 赵六 (SJ) lacks both RS items: named 失业登记、就业创业证申领, not "RS-001, RS-002"
    r = office_client.post("/manage/posts/P01/edit/", {"name": "就业", "window": "W01", "a": "S001", "b": "S004",
                                                       "items": ["RS-001", "RS-002"]})
    errors = r.content.decode().split('<div class="errors">')[1].split("</div>")[0]
    assert "失业登记、就业创业证申领" in errors and "RS-001" not in errors
    # with name, A and B all empty, every missing field is named, not only the name
    r = office_client.post("/manage/posts/P01/edit/", {"name": "", "window": "W01", "a": "", "b": "",
                                                       "items": ["RS-001"]})
    errors = r.content.decode().split('<div class="errors">')[1].split("</div>")[0]
    assert errors.count("<li>") == 3, errors
    assert "岗位名称" in errors and "A岗" in errors and "B岗" in errors
    assert Post.objects.get(code="P01").b.code == "S002"


# -- the stand-in (NV-7) and the office's leave form ----------------------------------------------------------
def test_stand_in_list_and_service(office_client, hall):
    page = office_client.get("/manage/absences/").content.decode()
    codes = offered(page, "staff")
    assert "S006" not in codes and "Y001" not in codes
    assert 'data-people-only="post"' in page
    # 王五's option does not carry P01 (not qualified for RS-002), so choosing P01 hides him
    assert re.search(r'value="S003"[^>]*data-posts="(?![^"]*P01)', page)
    form = {"action": "stand_in", "post": "P01", "start": "2026-03-10T08:30", "end": "2026-03-10T12:00"}
    text = office_client.post("/manage/absences/", form | {"staff": "S003"}).content.decode()
    assert "王五（县人社局）" in text and "就业创业证申领" in text
    text = office_client.post("/manage/absences/", form | {"staff": "S006"}).content.decode()
    assert "孙八（县人社局） 不是在岗工作人员" in text
    from servicehall.duty.models import Event

    assert not Event.objects.filter(type="stand_in").exists()


# -- the complaint's target and accountability (CMP-3, CMP-5) -------------------------------------------------
def test_complaint_target_and_accountability(office_client, actor, hall):
    c = cmp.file_complaint(system_actor("public"), hall, channel="online", ground="attitude", matter="态度生硬")
    page = office_client.get(f"/manage/complaints/{c.code}/").content.decode()
    for field in ("staff", "person"):
        codes = offered(page, field)
        # who has left is offered last, marked (a complaint names who served then, CMP-3); another center never
        assert "Y001" not in codes and "S001" in codes and "S006" in codes
    assert "孙八（县人社局，已离岗）" in page
    assert 'data-people-first="window"' in page
    c = cmp.intake(actor, c, "register", staff=staff("S006"))
    assert c.staff == staff("S006")
    import datetime as dt

    with pytest.raises(RuleViolation) as exc:
        cmp.hold_accountable(actor, hall, staff("Y001"), "criticism", dt.date(2026, 3, 2), complaint=c)
    assert "吴九" in refusal(exc.value)
    cmp.hold_accountable(actor, hall, staff("S006"), "criticism", dt.date(2026, 3, 2), complaint=c)  # CMP-5


# -- transfers: a first inquiry (FIR-2) and a case -----------------------------------------------------------
def test_inquiry_transfer_list_and_service(login, hall):
    client = login("S003")
    page = client.get("/manage/inquiries/").content.decode()
    codes = offered(page, "to_staff")
    assert "S003" not in codes and "S006" not in codes and "Y001" not in codes and "S004" in codes
    assert 'data-people-first="to_window"' in page
    form = {"action": "register", "channel": "visit", "asker": "王小明", "matter": "咨询个体登记"}
    text = client.post("/manage/inquiries/", form | {"to_staff": "S006"}, follow=True).content.decode()
    assert "孙八（县人社局）" in text
    text = client.post("/manage/inquiries/", form | {"to_staff": "Y001"}, follow=True).content.decode()
    assert "&#x27;Y001&#x27;" in text or "'Y001'" in text  # another center's number is unknown here, not "nobody"
    from servicehall.feedback.models import Inquiry

    assert not Inquiry.objects.exists()
    with pytest.raises(RuleViolation) as exc:
        fir.register(as_staff("S003"), hall, channel="visit", asker="王小明", matter="咨询", transfer_to=staff("S006"))
    assert "孙八" in refusal(exc.value)


def test_case_transfer_offers_approvers_and_refuses_one_who_left(actor, office_client, hall):
    catalog.save_item(actor, hall, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}])
    import datetime as dt

    case = cases.receive_case(actor, hall, "SJ-002", cases.Applicant("person", "王小明", "13812345678",
                                                                     "11010519491231002X"),
                              [{"name": "申请书"}], now=dt.datetime.fromisoformat("2026-03-02T09:00:00+08:00"))
    org.save_staff(actor, hall, "S007", "郑十", "RS", roles=["window", "approver"], qualified=["RS-001"])
    page = office_client.get(f"/cases/{case.number}/").content.decode()
    # approvers of the case's department only: 钱七; 孙八 has left; 郑十 approves for another department
    assert offered(page, "to_staff") == ["S005"]
    with pytest.raises(RuleViolation) as exc:
        cases.transfer(actor, case, to_staff=staff("S006"))
    assert "孙八（县人社局）" in refusal(exc.value)
    # an approver of another department could neither handle nor decide the case (CASE-8, SEC-5) ...
    with pytest.raises(RuleViolation) as exc:
        cases.transfer(actor, case, to_staff=staff("S007"))
    assert "郑十（县人社局）" in refusal(exc.value)
    # ... unless the case goes to that department with them (joint handling)
    case = cases.transfer(actor, case, to_staff=staff("S007"), to_department=Department.objects.get(
        center=hall, code="RS"))
    assert case.handler == staff("S007")
    assert "S007" in offered(office_client.get(f"/cases/{case.number}/").content.decode(), "to_staff")


def test_a_case_goes_to_an_approver_only_and_the_step_names_them(actor, office_client, hall):
    """The list offers approvers; a form made by hand naming a clerk is refused by the service, by name."""
    catalog.save_item(actor, hall, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}])
    import datetime as dt

    case = cases.receive_case(actor, hall, "SJ-002", cases.Applicant("person", "王小明", "13812345678",
                                                                     "11010519491231002X"),
                              [{"name": "申请书"}], now=dt.datetime.fromisoformat("2026-03-02T09:00:00+08:00"))
    with pytest.raises(RuleViolation) as exc:
        cases.transfer(actor, case, to_staff=staff("S004"))  # 赵六: a window head of the department, no approver
    assert "赵六（县市场监管局）" in refusal(exc.value)
    cases.transfer(actor, case, to_staff=staff("S005"))
    page = office_client.get(f"/cases/{case.number}/").content.decode()
    assert "→ 钱七" in page and "→ S005" not in page


@pytest.mark.parametrize(("url", "form", "field"), [
    ("/manage/courier/", {"action": "schedule", "department": "RS", "courier": "S999", "pickups": "10:00"}, "courier"),
    ("/manage/courier/", {"action": "handover", "from_staff": "S001", "to_staff": "S999"}, "to_staff"),
    ("/manage/courier/", {"action": "schedule", "department": "RS", "courier": "", "pickups": "10:00"}, "courier"),
    ("/manage/proxy/", {"agent": "S999", "applicant_name": "王小明", "phone": "13812345678", "cases": ""}, "agent"),
    ("/manage/assist/", {"action": "register", "assignee": "S999", "applicant_name": "王小明",
                         "phone": "13812345678", "group": "elderly", "place": "某村"}, "assignee"),
])
def test_a_staff_number_made_up_by_hand_is_a_field_message_not_a_missing_page(office_client, hall, url, form,
                                                                              field):
    """Issue 17 item 1: an unknown (or no) person on the courier, proxy and assist pages is refused naming the
    field — never "page not found" — and nothing is written."""
    from servicehall.cases.models import AssistRequest, CourierSchedule, FileHandover, ProxyPackage

    before = [m.objects.count() for m in (AssistRequest, CourierSchedule, FileHandover, ProxyPackage)]
    r = office_client.post(url, form, follow=True)
    assert r.status_code == 200
    text = r.content.decode()
    assert ("S999" in text and "未知的工作人员" in text) or "请选择人员" in text
    assert [m.objects.count() for m in (AssistRequest, CourierSchedule, FileHandover, ProxyPackage)] == before


def test_complaint_intake_refuses_an_unknown_target_number(office_client, hall):
    c = cmp.file_complaint(system_actor("public"), hall, channel="online", ground="attitude", matter="态度生硬")
    text = office_client.post(f"/manage/complaints/{c.code}/", {"action": "register", "staff": "S999"},
                              follow=True).content.decode()
    assert "S999" in text and "未知的工作人员" in text
    c.refresh_from_db()
    assert c.status == "received" and c.staff is None


# -- the other picks: courier, agents, inspection, replacement -------------------------------------------------
def test_courier_and_agents_refuse_people_who_left(actor, hall):
    rs = Department.objects.get(center=hall, code="RS")
    with pytest.raises(RuleViolation) as exc:
        courier.set_schedule(actor, rs, staff("S006"), ["10:00"])
    assert "孙八" in refusal(exc.value)
    with pytest.raises(RuleViolation) as exc:
        assist.register_assist(actor, hall, applicant_name="王小明", phone="13812345678", group="elderly",
                               place="某村", assignee=staff("S006"))
    assert "孙八" in refusal(exc.value)
    # the list offers the assist and office roles only; so does the service (CASE-9)
    with pytest.raises(RuleViolation) as exc:
        assist.register_assist(actor, hall, applicant_name="王小明", phone="13812345678", group="elderly",
                               place="某村", assignee=staff("S001"))
    assert "张三" in refusal(exc.value)


def test_inspection_person_is_a_pick_by_name(login, hall):
    client = login("S900", roles=["office", "sys_admin", "window", "inspector"])
    page = client.get("/assessment/inspections/new/").content.decode()
    codes = offered(page, "staff")
    assert "S006" not in codes and "Y001" not in codes and "S001" in codes
    from servicehall.assessment import inspections

    with pytest.raises(RuleViolation) as exc:
        inspections.record_inspection(as_staff("S900"), hall, at=None, kind="x", description="x",
                                      staff=staff("S006"))
    assert "孙八" in refusal(exc.value)


def test_replacement_is_picked_among_the_departments_other_people(login, hall):
    import datetime as dt

    from servicehall.assessment import services as assessment
    from servicehall.assessment.models import ReplacementRequest

    client = login("S002", roles=["window", "dept_leader"])  # 李四 leads 县人社局
    req = ReplacementRequest.objects.create(
        center=hall, staff=staff("S003"), department=staff("S003").department, month=dt.date(2026, 1, 1),
        points=55, reason="不称职", requested_at=dt.datetime.fromisoformat("2026-02-03T09:00:00+08:00"))
    page = client.get("/assessment/replacements/").content.decode()
    assert set(offered(page, "replacement")) == {"S001", "S002"}  # not 王五 himself, not 孙八 (left), not SJ
    for who, name in (("S004", "赵六（县市场监管局）"), ("S006", "孙八（县人社局）")):
        with pytest.raises(RuleViolation) as exc:
            assessment.answer_replacement(as_staff("S002"), req, True, staff(who))
        assert name in refusal(exc.value)
