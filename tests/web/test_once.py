"""No double records (SEC-2, issue 10 item 8): every page form that creates a record carries a one-time token,
and the same form sent twice — one after the other, or two at the same moment on two connections — makes one
record; the second answer is the first record."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.cases.models import Case, ProxyPackage
from servicehall.catalog import services as catalog
from servicehall.core import once
from servicehall.core.models import FormSubmission
from servicehall.duty import services as duty
from servicehall.duty.models import Event
from servicehall.feedback.models import Complaint, Inquiry
from servicehall.org import services as org
from servicehall.org.calendar import covered_years
from servicehall.org.models import ExtendedSession, Post, Staff
from servicehall.tickets import appointments as ap
from servicehall.tickets.models import Appointment, AppointmentSlot, Ticket
from tests.conftest import weekdays_only

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def no_rate_limits_left_over():
    cache.clear()  # the public forms count tries per address; earlier tests must not use them up
    yield
    cache.clear()


@pytest.fixture
def hall(actor, center, office_user, settings):
    """The test center open around the clock today, a post at W01, an item with materials, a kiosk; boss (the
    office, S900) may do everything here so these tests are about the tokens, not about who may write."""
    settings.DEFAULT_CENTER = "ZX"
    office_user.is_superuser = True
    office_user.save(update_fields=["is_superuser"])
    org.save_center(actor, "ZX", center.name, policy={"sessions": [["00:00", "23:59"]]})
    today = timezone.now().astimezone(TZ).date()
    for year in sorted({today.year, (today + dt.timedelta(days=60)).year}):
        if year not in covered_years(center):
            org.enter_calendar_year(actor, center, year, weekdays_only(year), source="test: weekdays only")
    org.save_calendar_day(actor, center, today, True, "延时服务日")
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])
    _kiosk, kiosk_token = duty.register_device(system_actor("office"), center, "K1", "一楼取号机", kind="kiosk")
    return {"center": center, "today": today, "kiosk": kiosk_token}


@pytest.fixture
def boss(client, hall, office_user):
    client.force_login(office_user)
    return client


def token_of(client, url: str, params: dict | None = None) -> str:
    body = client.get(url, params or {}).content.decode()
    found = TOKEN.findall(body)
    assert found, f"{url}: the form carries no one-time token"
    return found[0]


def twice(client, url: str, data: dict, params: dict | None = None):
    """Draw the form once, send it twice as it was (a double click, a resend): both answers."""
    data = {**data, once.FIELD: token_of(client, url, params)}
    return client.post(url, data), client.post(url, data)


def case_form(**extra) -> dict:
    from servicehall.catalog.models import ServiceItem

    item = ServiceItem.objects.get(code="SJ-002")
    data = {"item": item.code, "kind": "person", "name": "王小明", "phone": "13812345678",
            "id_number": "11010519491231002X", "action": "accept", "ticket": "none"}
    for m in item.materials.all():
        data.update({f"has_{m.pk}": "1", f"count_{m.pk}": "1", f"form_{m.pk}": m.form})
    return {**data, **extra}


# -- each create form, sent twice ----------------------------------------------------------------------------
def test_case_acceptance_sent_twice_makes_one_case_and_both_get_its_receipt(boss):
    first, second = twice(boss, "/cases/new/", case_form(), {"item": "SJ-002"})
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cases/{case.number}/receipt/"


def test_one_time_notice_sent_twice_answers_with_the_same_notice(boss):
    data = case_form(action="notice")
    missing = [k for k in data if k.startswith("has_")][-1]
    del data[missing]
    first, second = twice(boss, "/cases/new/", data, {"item": "SJ-002"})
    assert Case.objects.count() == 1
    assert "/notice/" in first["Location"] and second["Location"] == first["Location"]


def test_joint_case_sent_twice_makes_one_joint_case(boss):
    from servicehall.catalog.models import Material

    data = {"items": ["RS-001", "SJ-001"], "name": "王小明", "phone": "13812345678",
            "id_number": "11010519491231002X"}
    data.update({f"has_{m.pk}": "1" for m in Material.objects.filter(item__code__in=["RS-001", "SJ-001"])})
    first, second = twice(boss, "/cases/joint/new/", data, {"items": ["RS-001", "SJ-001"]})
    rows = list(Case.objects.all())
    assert len(rows) == 2 and len({c.joint_number for c in rows}) == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cases/joint/{rows[0].joint_number}/notice/"


def test_public_complaint_sent_twice_makes_one_complaint_with_one_tracking_code(client, hall):
    first, second = twice(client, "/complaints/new/", {"ground": "attitude", "matter": "态度差", "name": "王小明",
                                                       "phone": "13812345678"})
    c = Complaint.objects.get()
    assert first.status_code == second.status_code == 200
    assert c.code in first.content.decode() and c.code in second.content.decode()


def test_office_complaint_entry_sent_twice_makes_one_complaint(boss):
    first, second = twice(boss, "/manage/complaints/", {"channel": "phone", "ground": "attitude",
                                                        "matter": "电话投诉：态度差", "name": "李四"})
    c = Complaint.objects.get()
    assert first["Location"] == second["Location"] == f"/manage/complaints/{c.code}/"


def test_first_inquiry_sent_twice_is_registered_once(boss):
    data = {"action": "register", "channel": "visit", "asker": "王小明", "phone": "13812345678",
            "matter": "咨询失业登记", "item": "RS-001"}
    first, second = twice(boss, "/manage/inquiries/", data)
    assert Inquiry.objects.count() == 1
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]


def test_first_inquiry_with_a_slip_sent_twice_shows_the_same_slip(boss):
    data = {"action": "register", "channel": "visit", "asker": "王小明", "matter": "缺材料", "item": "RS-001",
            "missing": "申请表"}
    first, second = twice(boss, "/manage/inquiries/", data)
    inq = Inquiry.objects.get()
    assert first["Location"] == second["Location"] == f"/manage/inquiries/{inq.pk}/slip/"


def test_one_time_notice_from_the_case_page_sent_twice_is_one_notice(boss):
    """A second identical notice would read as a second notice (CASE-3) against the clerk: it must not exist."""
    from servicehall.cases.models import StepKind

    boss.post("/cases/new/", case_form())
    case = Case.objects.get()
    m = case.item.materials.order_by("sort").first()
    url = f"/cases/{case.number}/"
    first, second = twice(boss, url, {"action": "notice", f"ask_{m.pk}": "1", f"defect_{m.pk}": "未签名"})
    assert case.steps.filter(kind=StepKind.NOTICE).count() == 1
    assert "/notice/" in first["Location"] and second["Location"] == first["Location"]


def test_accountability_for_a_complaint_sent_twice_is_recorded_once(boss, client):
    from servicehall.feedback.models import Accountability

    boss.post("/manage/complaints/", {"channel": "phone", "ground": "attitude", "matter": "态度差"})
    c = Complaint.objects.get()
    twice(boss, f"/manage/complaints/{c.code}/", {"action": "accountable", "person": "S004",
                                                  "outcome": "self_criticism", "note": "经核实"})
    assert Accountability.objects.filter(complaint=c).count() == 1


def test_accountability_for_a_first_inquiry_sent_twice_is_recorded_once(boss):
    from servicehall.feedback.models import Accountability

    boss.post("/manage/inquiries/", {"action": "register", "channel": "visit", "asker": "王小明", "matter": "咨询"})
    inq = Inquiry.objects.get()
    # The record shows this form beside a late transfer only; its token is drawn like any other.
    assert TOKEN.search(render_to_string("feedback/_fir_outcome.html", {"i": inq, "fir_outcomes": []}))
    url = f"/manage/staff/{inq.responsible.code}/record/"
    data = {"inquiry": inq.pk, "outcome": "admonition", "note": "未跟踪到底",
            once.FIELD: token_of(boss, "/manage/inquiries/")}
    first, second = boss.post(url, data), boss.post(url, data)
    assert Accountability.objects.filter(inquiry=inq).count() == 1 and first["Location"] == second["Location"]


def test_new_staff_member_sent_twice_is_added_once(boss):
    data = {"code": "S010", "name": "孙十", "department": "SJ", "roles": ["window"], "qualified": ["SJ-001"],
            "phone": "13812345678", "active": "1"}
    first, second = twice(boss, "/manage/staff/new/", data)
    assert Staff.objects.filter(code="S010").count() == 1
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]


def test_new_post_sent_twice_is_added_once(boss):
    data = {"code": "P02", "name": "市场监管窗口", "window": "W02", "a": "S004", "b": "S005", "items": ["SJ-001"]}
    first, second = twice(boss, "/manage/posts/new/", data)
    assert Post.objects.filter(code="P02").count() == 1
    assert first["Location"] == second["Location"]


def _extended(center, day: dt.date) -> None:
    """W01 open 10:00-11:00 on ``day`` whatever the weekday: an extended session (ATT-4)."""
    ExtendedSession.objects.create(center=center, date=day, start=dt.time(10), end=dt.time(11)).windows.add(
        center.windows.get(code="W01"))


def test_booking_sent_twice_makes_one_booking_and_shows_its_code_both_times(client, hall):
    _extended(hall["center"], hall["today"] + dt.timedelta(days=7))
    slot = ap.open_slot(system_actor("office"), hall["center"], "RS-001", hall["today"] + dt.timedelta(days=7),
                        dt.time(10), dt.time(11), capacity=2, extended=True)
    first, second = twice(client, "/appointments/", {"slot": slot.pk, "name": "王小明", "phone": "13812345678",
                                                 "id_number": "110105198001010016"})
    appt = Appointment.objects.get()
    assert appt.code in first.content.decode() and appt.code in second.content.decode()


def test_slot_opened_twice_is_opened_once(boss, hall):
    day = hall["today"] + dt.timedelta(days=7)
    _extended(hall["center"], day)
    first, second = twice(boss, "/appointments/", {"action": "open", "item": "RS-001", "date": day.isoformat(),
                                                   "start": "10:00", "end": "11:00", "capacity": "3",
                                                   "extended": "1"})
    assert AppointmentSlot.objects.count() == 1 and first["Location"] == second["Location"]


def test_leave_request_sent_twice_is_filed_once(boss):
    day = timezone.now().astimezone(TZ).date() + dt.timedelta(days=14)
    data = {"action": "request", "staff": "S001", "type": "leave", "start": f"{day}T08:30", "end": f"{day}T17:30"}
    first, second = twice(boss, "/manage/absences/", data)
    assert Event.objects.filter(type="leave").count() == 1
    assert first.status_code == second.status_code == 302


def test_away_request_sent_twice_is_filed_once(boss):
    day = timezone.now().astimezone(TZ).date() + dt.timedelta(days=14)
    data = {"action": "request", "staff": "S001", "type": "away", "kind": "meeting", "start": f"{day}T09:00",
            "end": f"{day}T10:00", "reason": "开会"}
    twice(boss, "/manage/absences/", data)
    assert Event.objects.filter(type="away").count() == 1


def test_handover_sent_twice_is_filed_once(boss):
    day = timezone.now().astimezone(TZ).date() + dt.timedelta(days=14)
    first, second = twice(boss, "/manage/absences/", {"action": "handover", "post": "P01", "to": "S002",
                                                      "date": day.isoformat(), "reason": "外出学习"})
    assert Event.objects.filter(type="handover").count() == 1
    assert first.status_code == second.status_code == 302


def test_stand_in_sent_twice_is_assigned_once(boss):
    day = timezone.now().astimezone(TZ).date() + dt.timedelta(days=14)
    twice(boss, "/manage/absences/", {"action": "stand_in", "post": "P01", "staff": "S001",
                                      "start": f"{day}T09:00", "end": f"{day}T12:00", "reason": "顶岗"})
    assert Event.objects.filter(type="stand_in").count() == 1


def test_kiosk_pressed_twice_prints_one_ticket(hall):
    kiosk = Client()
    assert kiosk.get("/devices/activate/", {"token": hall["kiosk"]}).status_code == 302
    first, second = twice(kiosk, "/kiosk/", {"item": "RS-001"})
    ticket = Ticket.objects.get()
    assert ticket.display in first.content.decode() and ticket.display in second.content.decode()


def test_proxy_package_sent_twice_is_created_once(boss):
    boss.post("/cases/new/", case_form())
    case = Case.objects.get()
    twice(boss, "/manage/proxy/", {"agent": "S900", "applicant_name": "王小明", "phone": "13812345678",
                                   "cases": case.number})
    assert ProxyPackage.objects.count() == 1


def test_assisted_service_request_sent_twice_is_registered_once(boss):
    from servicehall.cases.models import AssistRequest

    twice(boss, "/manage/assist/", {"action": "register", "applicant_name": "王奶奶", "phone": "13812345678",
                                    "group": "elderly", "place": "城东社区", "item": "RS-001", "assignee": "S900",
                                    "id_number": "11010519491231002X"})
    assert AssistRequest.objects.count() == 1


def test_when_the_first_record_is_gone_the_second_is_told_in_chinese_and_nothing_is_made(boss):
    token = token_of(boss, "/manage/inquiries/")
    data = {"action": "register", "channel": "visit", "asker": "王小明", "matter": "咨询", once.FIELD: token}
    boss.post("/manage/inquiries/", data)
    Inquiry.objects.all().delete()
    r = boss.post("/manage/inquiries/", data, follow=True)
    assert r.status_code == 200 and "此表单已提交过" in r.content.decode()
    assert not Inquiry.objects.exists()


# -- what the token does not change ---------------------------------------------------------------------------
def test_a_form_without_a_token_still_works(boss):
    assert boss.post("/cases/new/", case_form()).status_code == 302
    assert boss.post("/cases/new/", case_form()).status_code == 302
    assert Case.objects.count() == 2 and not FormSubmission.objects.exists()


def test_a_malformed_token_is_no_token_and_never_an_error(boss):
    made = 0
    for bad in ("x", "<script>alert(1)</script>", "a" * 65, "a" * 500, "abc\x00def-ghijklmnopq"):
        r = boss.post("/cases/new/", case_form(**{once.FIELD: bad}))
        assert r.status_code in (302, 400), bad  # served without the guard, or refused as bad input: never a 500
        made += r.status_code == 302
    assert made >= 3 and Case.objects.count() == made and not FormSubmission.objects.exists()


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(boss):
    token = token_of(boss, "/cases/new/", {"item": "SJ-002"})
    refused = boss.post("/cases/new/", case_form(phone="12", **{once.FIELD: token}))
    assert refused.status_code == 200 and not Case.objects.exists() and not FormSubmission.objects.exists()
    assert boss.post("/cases/new/", case_form(**{once.FIELD: token})).status_code == 302
    assert Case.objects.count() == 1


def test_the_same_token_with_other_content_is_another_submission(boss):
    """Back in the browser, a field changed, sent again: what was asked for now is made, not the old answer."""
    token = token_of(boss, "/cases/new/", {"item": "SJ-002"})
    boss.post("/cases/new/", case_form(**{once.FIELD: token}))
    boss.post("/cases/new/", case_form(name="李小红", **{once.FIELD: token}))
    assert sorted(Case.objects.values_list("applicant_name", flat=True)) == ["李小红", "王小明"]


def test_a_token_is_bound_to_who_sent_it(boss, actor, hall):
    token = token_of(boss, "/manage/inquiries/")
    data = {"action": "register", "channel": "visit", "asker": "王小明", "matter": "咨询", once.FIELD: token}
    boss.post("/manage/inquiries/", data)
    clerk = Staff.objects.get(code="S001")
    org.create_account(actor, clerk, "clerk1", "Window-clerk-2026")
    other = Client()
    other.force_login(Staff.objects.get(code="S001").user)
    other.post("/manage/inquiries/", data)
    assert Inquiry.objects.count() == 2


def test_old_claims_are_cleaned(boss):
    twice(boss, "/cases/new/", case_form(), {"item": "SJ-002"})
    assert FormSubmission.objects.count() == 1
    assert once.clean(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert once.clean(now=timezone.now() + once.KEEP + dt.timedelta(minutes=1)) == 1
    assert not FormSubmission.objects.exists() and Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_the_writing_transaction_is_a_programming_error(rf):
    with pytest.raises(RuntimeError):
        once.claim(rf.post("/", {once.FIELD: once.new_token()}))
    assert not FormSubmission.objects.exists()


# -- two identical submissions at the same moment (PostgreSQL) -------------------------------------------------
def race(url: str, data: dict, users: list, n: int = 2, setup=None) -> list:
    """``n`` clients, each on its own connection, send the same form at the same moment; their answers."""
    barrier = threading.Barrier(n)
    answers: list = [None] * n
    errors: list[BaseException] = []

    def send(k: int) -> None:
        try:
            c = Client()
            if users[k] is not None:
                c.force_login(users[k])
            if setup is not None:
                setup(c)
            barrier.wait()
            answers[k] = c.post(url, data)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return answers


@pytest.mark.django_db(transaction=True)
def test_two_racing_identical_case_acceptances_make_one_case(hall, office_user):
    if connection.vendor != "postgresql":
        pytest.skip("racing submissions are tested on PostgreSQL (SQLite serialises every writer, so two "
                    "submissions never overlap there)")
    data = {**case_form(), once.FIELD: once.new_token()}
    answers = race("/cases/new/", data, [office_user, office_user])
    case = Case.objects.get()
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {f"/cases/{case.number}/receipt/"}
    assert FormSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_identical_public_complaints_make_one_complaint(hall):
    if connection.vendor != "postgresql":
        pytest.skip("racing submissions are tested on PostgreSQL (SQLite serialises every writer, so two "
                    "submissions never overlap there)")
    data = {"ground": "attitude", "matter": "态度差", "name": "王小明", "phone": "13812345678",
            once.FIELD: once.new_token()}
    answers = race("/complaints/new/", data, [None, None])
    c = Complaint.objects.get()
    assert all(a.status_code == 200 and c.code in a.content.decode() for a in answers)


@pytest.mark.django_db(transaction=True)
def test_three_racing_presses_at_the_kiosk_print_one_ticket(hall):
    if connection.vendor != "postgresql":
        pytest.skip("racing submissions are tested on PostgreSQL (SQLite serialises every writer, so two "
                    "submissions never overlap there)")
    answers = race("/kiosk/", {"item": "RS-001", once.FIELD: once.new_token()}, [None] * 3, n=3,
                   setup=lambda c: c.get("/devices/activate/", {"token": hall["kiosk"]}))
    ticket = Ticket.objects.get()
    assert all(a.status_code == 200 and ticket.display in a.content.decode() for a in answers)
