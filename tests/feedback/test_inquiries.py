"""FIR-1..4: the first-inquiry register, seniority, transfers followed to the end."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.services import Actor
from servicehall.errors import RuleViolation
from servicehall.feedback import inquiries as fir
from servicehall.org.models import Staff, Window

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def as_staff(code: str) -> Actor:
    return Actor(user=None, label=code, staff=Staff.objects.get(code=code))
NOW = dt.datetime(2026, 9, 29, 10, tzinfo=TZ)


def test_fir1_the_recorder_answers_or_the_most_senior_of_those_asked(actor, center):
    clerk, head = Staff.objects.get(code="S001"), Staff.objects.get(code="S004")  # S004 is a window head
    inq = fir.register(actor, center, channel="visit", asker="王小明", matter="社保卡补办", now=NOW)
    assert inq.responsible.code == "S900" and inq.status == "handled"
    assert fir.most_senior([clerk, head]).code == "S004"
    assert fir.most_senior([clerk, Staff.objects.get(code="S002")]).code == "S001"  # equal rank: first named


def test_fir4_transfer_followed_to_the_end(actor, center):
    receiver = Staff.objects.get(code="S004")
    inq = fir.register(actor, center, channel="phone", asker="某公司", matter="食品经营许可咨询", phone="13812345678",
                       materials=[{"name": "营业执照复印件", "count": 1}], transfer_to=receiver,
                       to_window=Window.objects.get(code="W02"), now=NOW)
    assert inq.status == "transferred" and inq.due == dt.date(2026, 10, 8)  # 2 working days across National Day
    assert list(fir.overdue_transfers(center, dt.date(2026, 10, 9))) == [inq]
    receiver_actor = as_staff("S004")
    with pytest.raises(RuleViolation) as e:
        fir.send_back(receiver_actor, inq, "  ")
    assert "FIR-4" in str(e.value)
    with pytest.raises(RuleViolation):
        fir.close(receiver_actor, inq, "")
    with pytest.raises(RuleViolation) as e:
        fir.close(actor, inq, "我替他关了")  # only the receiver closes a transfer
    assert "passed to" in str(e.value)
    inq = fir.close(receiver_actor, inq, "已在2号窗口办理")
    assert inq.status == "closed"


def test_fir2_no_transfer_to_oneself_and_bad_input(actor, center):
    with pytest.raises(RuleViolation) as e:
        fir.register(actor, center, channel="visit", asker="", matter="", phone="1",
                     transfer_to=Staff.objects.get(code="S900"), now=NOW)
    assert {"asker", "matter", "phone", "transfer_to"} <= set(e.value.as_dict())


def test_send_back_with_reason(actor, center):
    inq = fir.register(actor, center, channel="visit", asker="王小明", matter="x",
                       transfer_to=Staff.objects.get(code="S004"), now=NOW)
    inq = fir.send_back(as_staff("S004"), inq, "不属于本窗口职责，应到人社窗口")
    assert inq.status == "returned" and inq.sent_back_reason.startswith("不属于")
    with pytest.raises(RuleViolation):
        fir.pass_on(actor, inq)  # to nobody
    with pytest.raises(RuleViolation):
        fir.pass_on(actor, inq, transfer_to=Staff.objects.get(code="S900"))  # to oneself
    inq = fir.pass_on(actor, inq, transfer_to=Staff.objects.get(code="S001"), now=NOW + dt.timedelta(days=1))
    assert inq.status == "transferred" and inq.to_staff.code == "S001" and inq.due == dt.date(2026, 10, 9)


def test_inquiry_pages(office_client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    r = office_client.post("/manage/inquiries/", {"action": "register", "channel": "visit", "asker": "王小明",
                                                  "matter": "食品经营许可怎么办", "to_staff": "S004", "to_window": "W02"})
    assert r.status_code == 302 and "/slip/" in r["Location"]
    slip = office_client.get(r["Location"]).content.decode()
    assert "首问引导单" in slip and "2号窗口" in slip and "一楼B区" in slip
    assert "王小明" in office_client.get("/manage/inquiries/").content.decode()


def test_a_transfer_to_a_window_waits_on_that_windows_department(actor, center):
    inq = fir.register(actor, center, channel="visit", asker="王小明", matter="个体户登记",
                       to_window=Window.objects.get(code="W02"), now=NOW)
    sj, rs = Staff.objects.get(code="S005"), Staff.objects.get(code="S001")
    assert list(fir.inbox(center, sj)) == [inq] and list(fir.inbox(center, rs)) == []
    with pytest.raises(RuleViolation):
        fir.close(as_staff("S001"), inq, "不是我们窗口的")  # 人社 staff cannot settle a 市场监管 window's matter
    with pytest.raises(RuleViolation):
        fir.send_back(as_staff("S001"), inq, "不归我")
    assert fir.close(as_staff("S005"), inq, "已在2号窗口受理").status == "closed"


def test_fir1_inquiry_channels_are_how_a_question_arrives_not_complaint_channels(actor, center, office_client):
    """Issue 17 item 4: the register offers in person, phone, fax, letter and e-mail (FIR-1) — no complaint box
    and no online complaint form; a complaint channel is refused, and a name longer than the field is refused
    with its limit, never cut."""
    page = office_client.get("/manage/inquiries/").content.decode()
    options = page.split('name="channel"', 1)[1].split("</select>", 1)[0]
    assert "传真" in options and "来访" in options
    assert 'value="box"' not in options and 'value="online"' not in options
    with pytest.raises(RuleViolation) as e:
        fir.register(actor, center, channel="box", asker="王小明", matter="社保卡补办", now=NOW)
    assert "channel" in e.value.as_dict()
    with pytest.raises(RuleViolation) as e:
        fir.register(actor, center, channel="fax", asker="某" * 101, matter="社保卡补办", now=NOW)
    assert "asker" in e.value.as_dict()
    assert fir.register(actor, center, channel="fax", asker="某公司", matter="社保卡补办", now=NOW).channel == "fax"


def test_fir2_a_slip_to_a_person_names_the_windows_they_hold_that_day(office_client, actor, center, settings):
    """Issue 14 follow-up: a matter passed to a person (not a window) sends the asker to the windows of the posts
    that person holds as A or B on the inquiry's day; with none that day, nothing is made up: the slip says to ask
    at their department (FIR-2, ORG-3)."""
    import re

    from servicehall.org import services as org

    settings.DEFAULT_CENTER = "ZX"
    later = dt.date(2026, 10, 9)
    # P01 at 1号窗口 exists from the beginning; P02 at 2号窗口 only from 9 October (its first assignment).
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"], valid_from=later)

    def slip(code: str, now: dt.datetime = NOW) -> str:
        inq = fir.register(actor, center, channel="visit", asker="王小明", matter="咨询",
                           transfer_to=Staff.objects.get(code=code), now=now)
        r = office_client.get(f"/manage/inquiries/{inq.pk}/slip/")
        assert r.status_code == 200
        body = r.content.decode()
        return re.sub(r"<[^>]+>", "", body.split('class="card slip doc"', 1)[1])

    a = slip("S001")  # A of P01
    assert "1号窗口" in a and "一楼A区" in a and "主办" in a and "2号窗口" not in a, a
    b = slip("S002")  # B of P01
    assert "1号窗口" in b and "B岗替补" in b, b
    # 钱七 is B of P02 only from 9 October: on 29 September no window, and none made up
    before = slip("S005")
    assert "号窗口" not in before and "县市场监管局" in before and "没有安排窗口岗位" in before, before
    after = slip("S005", dt.datetime(2026, 10, 9, 10, tzinfo=TZ))
    assert "2号窗口" in after and "一楼B区" in after and "B岗替补" in after and "没有安排窗口岗位" not in after, after
    nobody = slip("S003")  # 王五 holds no post
    assert "号窗口" not in nobody and "县人社局" in nobody and "没有安排窗口岗位" in nobody, nobody
    # A of one post and B of another: each window once, A's first
    org.save_post(actor, center, "P03", window="W02", a="S002", b="S001", items=["RS-001"])
    both = slip("S001", dt.datetime(2026, 10, 12, 10, tzinfo=TZ))
    assert re.search(r"1号窗口[^。]*主办、2号窗口[^。]*B岗替补", both), both
    # ASM-3: removed from the window by the office's decision — they hold none of its posts from that day on
    from servicehall.duty import services as duty

    removed_on = dt.date(2026, 10, 13)
    duty.remove_from_post(actor, center, Staff.objects.get(code="S001"), removed_on, "调离窗口", key="fir2-removal",
                          now=dt.datetime(2026, 10, 12, 10, tzinfo=TZ))
    still = slip("S001", dt.datetime(2026, 10, 12, 11, tzinfo=TZ))
    assert "1号窗口" in still and "2号窗口" in still, still
    gone = slip("S001", dt.datetime(2026, 10, 13, 10, tzinfo=TZ))
    assert "号窗口" not in gone and "没有安排窗口岗位" in gone, gone
