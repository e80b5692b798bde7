"""Public pages (PUB-1/2, CASE-1), the AB check (ORG-3/4), the calendar page (CASE-5)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from servicehall.org import services as org
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(actor, center):
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001", "RS-002"], name="社保岗")
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"], name="登记岗")


def test_pub1_home_shows_departments_windows_and_identity_board(client, center, posts, settings):
    settings.DEFAULT_CENTER = "ZX"
    body = client.get("/").content.decode()
    for text in ("某县政务服务中心", "县人社局", "1号窗口", "张三", "0797-12345678", "办事指南"):
        assert text in body, text
    # the center's own office has no window and no item: not a department the public goes to
    assert "中心管理办公室" not in body and "暂无窗口" not in body


def test_case1_guides_search_and_detail(client, center, posts):
    body = client.get("/guides/", {"q": "失业"}).content.decode()
    assert "失业登记" in body and "个体工商户" not in body
    detail = client.get("/guides/RS-001/").content.decode()
    for text in ("失业登记", "身份证", "申请表", "当场办结", "1号窗口", "打印"):
        assert text in detail, text
    assert client.get("/guides/NOPE/").status_code == 404


def test_guides_htmx_returns_only_results(client, center):
    r = client.get("/guides/", {"q": "登记"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and "个体工商户设立登记" in body


def test_manage_pages_need_login(client, center):
    for url in ("/manage/", "/manage/ab-check/", "/manage/calendar/", "/manage/staff/"):
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url


def test_org3_ab_check_lists_findings(office_client, actor, center, posts):
    org.save_post(actor, center, "P03", window="W02", a="S005", b="S004", items=["SJ-001"])
    org.save_staff(actor, center, "S002", "李四", "RS", roles=["window"], active=False)
    body = office_client.get("/manage/ab-check/").content.decode()
    assert "P01" in body and "S002" in body  # inactive B
    assert "赵六" in body and "钱七" in body  # S004/S005 back each other on P02 and P03


def test_ab_check_is_for_managers(client, actor, center):
    org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", "a-long-password-2026")
    client.login(username="zhangsan", password="a-long-password-2026")
    assert client.get("/manage/ab-check/").status_code == 403


def test_sec3_staff_page_masks_for_clerks(client, actor, center):
    org.save_staff(actor, center, "S003", "王五", "RS", phone="13812345678")
    org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", "a-long-password-2026")
    client.login(username="zhangsan", password="a-long-password-2026")
    body = client.get("/manage/staff/").content.decode()
    assert "138****5678" in body and "13812345678" not in body


NOTICE_2027 = (Path(__file__).parents[1] / "rules" / "data" / "notice_2027.txt").read_text(encoding="utf-8")


def _save(office_client, pasted, year="2027", **extra):
    """Preview, then confirm and save what was previewed (CASE-5)."""
    r = office_client.post("/manage/calendar/", {"year": year, "source": "国办发明电〔2026〕7号", "text": pasted,
                                                  "action": "preview"})
    digest = re.search(r'name="digest" value="([0-9a-f]*)"', r.content.decode()).group(1)
    data = {"year": year, "source": "国办发明电〔2026〕7号", "text": pasted, "action": "save", "digest": digest,
            "confirm": "1"}
    data.update(extra)
    return r, office_client.post("/manage/calendar/", data)


def test_case5_office_enters_2027_by_pasting_the_notice(office_client, center):
    preview = office_client.post("/manage/calendar/", {"year": "2027", "text": NOTICE_2027, "action": "preview"})
    assert preview.status_code == 200 and not center.calendar_years.exists()  # a preview saves nothing
    body = preview.content.decode()
    assert 'id="calendar-preview"' in body
    for shown_day in ("2027-02-06", "2027-02-14", "2027-02-20", "2027-04-25", "2027-10-09"):
        assert shown_day in body  # each holiday and makeup day before saving
    assert "国务院办公厅关于2027年部分节假日安排的通知" in body  # the title line, passed over
    _p, r = _save(office_client, NOTICE_2027)
    assert r.status_code == 302
    cal = get_calendar(center)
    assert not cal.is_workday(dt.date(2027, 2, 8)) and cal.is_workday(dt.date(2027, 2, 20))
    assert not cal.is_workday(dt.date(2027, 6, 9)) and cal.is_workday(dt.date(2027, 10, 9))
    assert center.calendar_years.get().year == 2027


def test_case5_one_line_does_not_make_a_year(office_client, center):
    """A year counts as entered only when the office confirms a full arrangement (all seven holidays)."""
    preview, r = _save(office_client, "国庆节：10月1日（周五）至7日（周四）放假调休，共7天。")
    assert r.status_code == 200 and not center.calendar_years.exists()
    body = r.content.decode()
    assert "元旦" in body and "春节" in body  # the missing holidays are named


def test_case5_saving_needs_the_confirmation_and_the_previewed_text(office_client, center):
    _p, r = _save(office_client, NOTICE_2027, confirm="")
    assert r.status_code == 200 and not center.calendar_years.exists()
    _p, r = _save(office_client, NOTICE_2027, text=NOTICE_2027.replace("9月26日（周日）、", ""))
    assert r.status_code == 200 and not center.calendar_years.exists()  # changed after the preview


def test_case5_a_wrong_weekday_is_refused_naming_the_line(office_client, center):
    text = NOTICE_2027.replace("10月9日（周六）", "10月9日（周日）")
    r = office_client.post("/manage/calendar/", {"year": "2027", "text": text, "action": "save", "confirm": "1"})
    body = r.content.decode()
    assert r.status_code == 200 and not center.calendar_years.exists()
    line = next(i for i, raw in enumerate(text.splitlines(), start=1) if "国庆节：" in raw)
    assert f"{line}" in body and "10月9日" in body and 'value="save"' not in body


def test_case5_calendar_errors_name_the_line_and_save_nothing(office_client, center):
    r = office_client.post("/manage/calendar/", {"year": "2027", "text": "春节：2月30日放假", "action": "save",
                                                 "confirm": "1"})
    assert r.status_code == 200
    assert "2月30日" in r.content.decode() and "第1行" in r.content.decode()  # in Chinese, naming the line
    assert not center.calendar_years.exists()


def test_login_page_in_chinese(client):
    body = client.get("/accounts/login/").content.decode()
    assert "工作人员登录" in body


def test_page_queries_do_not_grow_with_rows(office_client, actor, center, posts, django_assert_max_num_queries):
    # NetBox-style guard: a list page that issues one query per row fails here, not for a user.
    for i in range(3, 13):
        org.save_window(actor, center, f"W{i:02d}", f"{i}号窗口", "SJ")
        org.save_staff(actor, center, f"S1{i:02d}", f"员工{i}", "SJ", roles=["window"], qualified=["SJ-001"])
        org.save_post(actor, center, f"P{i:02d}", window=f"W{i:02d}", a=f"S1{i:02d}", b="S004", items=["SJ-001"])
    # Logged in: session, user and roles add three queries to every page.
    with django_assert_max_num_queries(10):
        office_client.get("/", {"center": "ZX"})
    with django_assert_max_num_queries(10):
        office_client.get("/guides/", {"center": "ZX"})
    with django_assert_max_num_queries(14):
        office_client.get("/manage/ab-check/", {"center": "ZX"})
    with django_assert_max_num_queries(14):
        office_client.get("/manage/staff/", {"center": "ZX"})


# The settings page's form as the office sends it, every field at the rulebook's default.
SETTINGS_FORM = {"sessions": "08:30-12:00, 14:30-17:30", "arrive_early_minutes": "5", "device_backfill_hours": "24",
                 "clock_in_grace": "10", "pause_grace_minutes": "15", "pause_daily_minutes": "60",
                 "handover_lead_days": "1", "ladder_window": "calendar", "merge_same_day": "1", "notice_max_days": "3",
                 "yellow_at": "80", "bad_rating_days": "15", "b_max_posts": "2", "ab_small_pool": "2",
                 "starve_minutes": "30", "notify_ahead": "3", "inquiry_transfer_days": "2",
                 "remedy_text": "可依法申请行政复议。"}


def test_settings_edited_by_the_office_and_audited(office_client, center):
    from servicehall.audit.models import AuditRecord

    body = office_client.get("/manage/settings/").content.decode()
    assert "暂停宽限" in body
    data = {**SETTINGS_FORM, "pause_grace_minutes": "20", "ladder_window": "rolling", "inquiry_transfer_days": "3"}
    assert office_client.post("/manage/settings/", data).status_code == 302
    center.policy.refresh_from_db()
    assert center.policy.pause_grace_minutes == 20 and center.policy.ladder_window == "rolling"
    assert center.policy.inquiry_transfer_days == 3
    for name, value in (("inquiry_transfer_days", "0"), ("clock_in_grace", "-5")):
        body = office_client.post("/manage/settings/", {**data, name: value}).content.decode()
        assert name in body
    center.policy.refresh_from_db()
    assert center.policy.inquiry_transfer_days == 3 and center.policy.clock_in_grace == 10
    assert AuditRecord.objects.filter(action="policy.update").exists()
    bad = office_client.post("/manage/settings/", {**data, "yellow_at": "lots"}).content.decode()
    assert "whole number" in bad or "整数" in bad


def test_settings_that_break_a_rule_are_refused_with_the_reason_and_sessions_are_editable(office_client, center):
    """Issue 17 item 2: b_max_posts 0 or notice_max_days 0 would break ORG-3 and CASE-3 — refused with the
    range and the reason by the field's label, nothing saved, the typed values kept; the opening sessions
    (ATT-1) are edited on the same page with the import's checks (order, no overlap)."""
    page = office_client.get("/manage/settings/").content.decode()
    assert 'value="08:30-12:00, 14:30-17:30"' in page
    data = SETTINGS_FORM
    body = office_client.post("/manage/settings/", {**data, "b_max_posts": "0", "notice_max_days": "0"}).content.decode()
    errors = body.split('class="errors"', 1)[1].split("</div>", 1)[0]
    assert "一人最多担任B岗数：请填写1至20之间的整数" in errors and "每个岗位都须有B岗" in errors
    assert "一次性告知时限（工作日）：请填写1至5之间的整数" in errors and "b_max_posts" not in errors
    assert 'name="b_max_posts" value="0"' in body  # what was typed stays
    body = office_client.post("/manage/settings/", {**data, "pause_daily_minutes": "10"}).content.decode()
    assert 'class="errors"' in body
    body = office_client.post("/manage/settings/", {**data, "sessions": "09:00-12:00, 11:00-17:00"}).content.decode()
    assert 'class="errors"' in body and 'value="09:00-12:00, 11:00-17:00"' in body
    body = office_client.post("/manage/settings/", {**data, "sessions": "上午九点到十二点"}).content.decode()
    assert 'class="errors"' in body and "上午九点到十二点" in body
    center.policy.refresh_from_db()
    assert (center.policy.b_max_posts, center.policy.notice_max_days) == (2, 3)
    assert center.policy.sessions == [["08:30", "12:00"], ["14:30", "17:30"]]
    assert office_client.post("/manage/settings/", {**data, "sessions": "09:00-12:00，13:30～17:00"}).status_code == 302
    center.policy.refresh_from_db()
    assert center.policy.sessions == [["09:00", "12:00"], ["13:30", "17:00"]]


def test_settings_an_empty_number_is_required_and_a_reader_sees_tables(office_client, center, clerk_client):
    """Issue 17 item 2: an empty number says it must be filled in, by the field's label (not "须为整数"); a
    reader who cannot change settings sees the assessment tables as tables (never a raw "{}") and who changes
    them (the system administrator)."""
    body = office_client.post("/manage/settings/", {**SETTINGS_FORM, "digest_hour": ""}).content.decode()
    errors = body.split('class="errors"', 1)[1].split("</div>", 1)[0]
    assert "每日提醒汇总发送时间（时）" in errors and ("：须填写" in errors or ": required" in errors)
    assert "整数" not in errors and "whole number" not in errors
    center.policy.assessment_points = {"late": -1}
    center.policy.save()
    page = clerk_client.get("/manage/settings/").content.decode()
    assert "系统管理员" in page and "{}" not in page and ">{&quot;" not in page
    assert "<th scope=\"row\">late</th><td>-1</td>" in page
    assert "未设置" in page or "Not set" in page  # the grades table is empty: the rulebook's defaults
