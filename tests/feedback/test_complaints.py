"""CMP-1..5: intake branches, handling, answers, the 2-in-a-year escalation, the public status page."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.services import system_actor
from servicehall.errors import RuleViolation
from servicehall.feedback import services as cmp
from servicehall.feedback.models import Complaint
from servicehall.org.models import Department, Staff, Window
from servicehall.rules.ladders import Counted, yearly_escalations

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def filed(center, **kw):
    return cmp.file_complaint(system_actor("public"), center, channel="online", ground="attitude",
                              matter=kw.pop("matter", "窗口人员态度生硬"), **kw)


def test_cmp3_registered_supervised_replied_answered(actor, center):
    c = filed(center, name="王小明", phone="13812345678")
    c = cmp.intake(actor, c, "register", staff=Staff.objects.get(code="S001"))
    assert c.department.code == "RS"
    c = cmp.supervise(actor, c, c.department, 5, "请核实并整改", now=dt.datetime(2026, 9, 29, 10, tzinfo=TZ))
    assert c.due == dt.date(2026, 10, 12)  # five working days across National Day
    with pytest.raises(RuleViolation):
        cmp.answer(actor, c, "已处理")  # the department has not replied yet
    c = cmp.department_reply(actor, c, "经核实属实", "批评教育并培训", upheld=True)
    with pytest.raises(RuleViolation) as e:
        cmp.answer(actor, c, "  ")
    assert "CMP-4" in str(e.value)
    c = cmp.answer(actor, c, "经核实，已对当事人批评教育，感谢监督。")
    assert c.status == "answered" and c.upheld


def test_cmp3_withdrawn_and_invalid_need_a_reason(actor, center):
    c = filed(center)
    with pytest.raises(RuleViolation):
        cmp.intake(actor, c, "withdrawn")
    with pytest.raises(RuleViolation) as e:  # fed back to a window: which one?
        cmp.intake(actor, c, "withdrawn", reason="已解释")
    assert "window" in e.value.as_dict()
    c = cmp.intake(actor, c, "withdrawn", reason="窗口已当面解释，群众表示理解", window=Window.objects.get(code="W01"))
    assert c.status == "withdrawn" and c.department.code == "RS"  # fed back to that window's department
    d = cmp.intake(actor, filed(center), "invalid", reason="未说明投诉对象和事项")
    assert d.status == "invalid" and d.answer


def test_cmp3_registering_needs_a_target(actor, center):
    with pytest.raises(RuleViolation) as e:
        cmp.intake(actor, filed(center), "register")
    assert "CMP-3" in str(e.value)


def test_cmp4_on_the_spot(actor, center):
    c = cmp.intake(actor, filed(center), "register", department=Department.objects.get(code="RS"))
    c = cmp.answer(actor, c, "现场协调，当事人已致歉", on_the_spot=True, upheld=True)
    assert c.status == "answered"


def test_bad_input(center):
    with pytest.raises(RuleViolation) as e:
        filed(center, matter="  ", phone="12")
    assert {"matter", "phone"} <= set(e.value.as_dict())
    assert not Complaint.objects.exists()


def test_anonymous_keeps_no_contact(center):
    c = filed(center, name="王小明", phone="13812345678", anonymous=True)
    assert c.name == "" and c.phone == ""


def test_cmp5_two_in_a_year_across_the_year_boundary():
    d = dt.date.fromisoformat
    rows = [Counted("S1", d("2026-12-20"), "c1"), Counted("S1", d("2027-01-05"), "c2"),
            Counted("S1", d("2027-03-01"), "c3")]
    assert [(s.date.isoformat()) for s in yearly_escalations(rows)] == ["2027-03-01"]
    assert [(s.date.isoformat()) for s in yearly_escalations(rows, "rolling")] == ["2027-01-05", "2027-03-01"]


def test_cmp5_escalations_from_records(actor, center):
    s = Staff.objects.get(code="S001")
    cmp.hold_accountable(actor, center, s, "self_criticism", dt.date(2026, 3, 2))
    assert cmp.escalations(center, 2026) == []
    cmp.hold_accountable(actor, center, s, "gift_returned", dt.date(2026, 5, 2))
    assert [e.staff.code for e in cmp.escalations(center, 2026)] == ["S001"]
    with pytest.raises(RuleViolation):
        cmp.hold_accountable(actor, center, s, "fired", dt.date(2026, 5, 2))
    with pytest.raises(RuleViolation) as e:  # derived, never entered
        cmp.hold_accountable(actor, center, s, "efficiency", dt.date(2026, 5, 2))
    assert "CMP-5" in str(e.value)


def test_cmp5_one_violation_with_several_outcomes_counts_once_and_names_the_window_head(actor, center):
    clerk = Staff.objects.get(code="S005")  # SJ, whose window head is S004
    first = filed(center)
    cmp.hold_accountable(actor, center, clerk, "self_criticism", dt.date(2026, 3, 2), complaint=first)
    cmp.hold_accountable(actor, center, clerk, "no_awards", dt.date(2026, 3, 2), complaint=first)
    assert cmp.escalations(center, 2026) == []  # one complaint, two outcomes: one violation
    cmp.hold_accountable(actor, center, clerk, "gift_returned", dt.date(2026, 6, 1), note="退还购物卡")
    [e] = cmp.escalations(center, 2026)
    assert e.staff == clerk and e.sanction.date == dt.date(2026, 6, 1)
    assert [h.code for h in e.heads] == ["S004"]


def test_public_form_and_status_reveal_nothing_else(client, center, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    r = client.post("/complaints/new/", {"ground": "attitude", "matter": "态度差", "name": "王小明",
                                         "phone": "13812345678"})
    c = Complaint.objects.get()
    assert c.code in r.content.decode()
    body = client.get("/complaints/status/", {"code": c.code}).content.decode()
    assert "王小明" not in body and "13812345678" not in body and "态度差" not in body
    assert client.get("/complaints/status/", {"code": "TSNOPE0000"}).status_code == 200
    bad = client.post("/complaints/new/", {"ground": "attitude", "matter": ""})
    assert Complaint.objects.count() == 1 and bad.status_code == 400 and "matter" in bad.content.decode()
    cache.clear()


def test_public_form_is_rate_limited(client, center):
    from django.core.cache import cache

    cache.clear()
    for _ in range(10):
        client.post("/complaints/new/", {"ground": "attitude", "matter": "x"})
    assert client.post("/complaints/new/", {"ground": "attitude", "matter": "x"}).status_code == 429
    assert Complaint.objects.count() == 10
    cache.clear()


def test_the_complainant_with_a_phone_is_told_the_answer_is_ready(actor, center, settings, capsys,
                                                                  django_capture_on_commit_callbacks):
    settings.SERVICEHALL_NOTIFIERS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.ConsoleSms"]
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.ConsoleBackend"  # sent on commit
    c = cmp.intake(actor, filed(center, name="王小明", phone="13812345678"), "register",
                   department=Department.objects.get(code="SJ"))
    with django_capture_on_commit_callbacks(execute=True):
        cmp.answer(actor, c, "已协调处理", on_the_spot=True)
    err = capsys.readouterr().err
    assert "138****5678" in err and c.code in err and "已协调处理" not in err  # the answer stays online
    anonymous = cmp.intake(actor, filed(center, anonymous=True), "register", department=Department.objects.get(code="SJ"))
    with django_capture_on_commit_callbacks(execute=True):
        cmp.answer(actor, anonymous, "已处理", on_the_spot=True)
    assert capsys.readouterr().err == ""


def test_the_complaint_detail_names_its_target_once(actor, center, office_client):
    """Issue 17 item 4: the person named by the complainant and identified at intake appears once; the
    complainant's words are added only when they say more than the names."""
    staff = Staff.objects.get(code="S001")
    c = filed(center, target_text=staff.name)
    cmp.intake(actor, c, "register", staff=staff)
    page = office_client.get(f"/manage/complaints/{c.code}/").content.decode()
    facts = page.split('<dl class="guide">', 1)[1].split("</dl>", 1)[0]
    assert facts.count(staff.name) == 1
    d = filed(center, target_text=f"{staff.name}，上午十点左右")
    cmp.intake(actor, d, "register", staff=staff)
    page = office_client.get(f"/manage/complaints/{d.code}/").content.decode()
    assert "上午十点左右" in page and "投诉人" in page
