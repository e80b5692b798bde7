"""Printouts a center can use (issue 17, item 5): the one-time notice with the applicant's signature line, the
window's seal area, the contact phone and the return date (CASE-3); the receipt's unambiguous due date (CASE-5);
every printout with the center's name, its number and a QR code of the public progress lookup that carries the
case number only (PUB-2)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from servicehall.cases import assist
from servicehall.cases import services as cases
from servicehall.cases.models import Case, CaseStep, StepKind
from servicehall.catalog import services as catalog
from servicehall.core import printouts
from servicehall.errors import RuleViolation
from servicehall.org.calendar import get_calendar
from servicehall.rules.deadlines import RETURN_WORKDAYS

from .test_pages import cover_the_coming_weeks

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
CN_DATE = "{d.year}年{d.month}月{d.day}日"


@pytest.fixture
def item(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(actor, center)
    return catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                             consult_phone="0797-3811234",
                             materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])


def applicant():
    return cases.Applicant("person", "王小明", PHONE, ID_NUMBER)


def today(center):
    from servicehall.core import clock

    return clock.today(center)


def later_workday(center, n):
    return get_calendar(center).add_workdays(today(center), n)


def a_closed_day(center):
    cal = get_calendar(center)
    day = today(center) + dt.timedelta(days=1)
    while cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def notice_form(item, **extra):
    m = list(item.materials.order_by("sort"))
    data = {"item": item.code, "kind": "person", "name": "王小明", "phone": PHONE, "id_number": ID_NUMBER,
            "action": "notice", f"has_{m[0].pk}": "1", f"count_{m[0].pk}": "1"}
    data.update(extra)
    return data


def assert_qr_is_the_lookup_of(r, case_number):
    """The QR code is drawn here as inline SVG of an address that opens the progress lookup with the case
    number and the center's code, and nothing personal."""
    body = r.content.decode()
    url = r.context["doc_url"]
    assert "<svg" in body and str(printouts.qr_svg(url)) in body  # the code drawn is the code of this address
    parts = urlsplit(url)
    assert parts.path == "/progress/"
    assert parse_qs(parts.query) == {"number": [case_number], "center": ["ZX"]}
    for personal in (PHONE, PHONE[-4:], ID_NUMBER, "王小明", "phone4"):
        assert personal not in url
    return body


# -- the one-time notice (CASE-3) ---------------------------------------------------------------------------
def test_case3_notice_carries_signature_seal_phone_and_default_return_date(clerk_client, item):
    r = clerk_client.post("/cases/new/", notice_form(item))
    case = Case.objects.get()
    assert r.status_code == 302 and "/notice/" in r["Location"]
    page = clerk_client.get(r["Location"])
    body = assert_qr_is_the_lookup_of(page, case.number)
    due = later_workday(item.center, RETURN_WORKDAYS)  # the default: working days by the center's calendar
    assert f"请于{CN_DATE.format(d=due)}前（含当日）补正" in body
    assert "申请人签收：" in body and "日期：" in body
    assert "县市场监管局窗口（盖章）" in body
    assert "联系电话：0797-3811234" in body  # the item's consultation phone
    assert "某县政务服务中心" in body and f"办件编号：<strong>{case.number}</strong>" in body
    step = case.steps.get(kind=StepKind.NOTICE)
    assert step.data["return_by"] == due.isoformat()


def test_case3_the_clerk_sets_the_return_date_on_the_forms(clerk_client, item):
    chosen = later_workday(item.center, 8)
    r = clerk_client.post("/cases/new/", notice_form(item, return_by=chosen.isoformat()))
    body = clerk_client.get(r["Location"]).content.decode()
    assert f"请于{CN_DATE.format(d=chosen)}前（含当日）补正" in body
    case = Case.objects.get()
    # a second notice from the case page, with its own return date (the form offers the default)
    page = clerk_client.get(f"/cases/{case.number}/").content.decode()
    default = later_workday(item.center, RETURN_WORKDAYS)
    assert f'name="return_by" value="{default.isoformat()}"' in page
    m = item.materials.get(name="营业执照")
    again = later_workday(item.center, 3)
    r = clerk_client.post(f"/cases/{case.number}/", {"action": "notice", f"ask_{m.pk}": "1",
                                                     "return_by": again.isoformat()})
    assert r.status_code == 302 and "/notice/" in r["Location"]
    assert f"请于{CN_DATE.format(d=again)}前（含当日）补正" in clerk_client.get(r["Location"]).content.decode()


@pytest.mark.parametrize("bad", ["yesterday", "today", "closed", "2026-13-45", "明天"])
def test_case3_a_bad_return_date_is_refused_in_chinese_naming_the_field(clerk_client, item, bad):
    value = {"yesterday": (today(item.center) - dt.timedelta(days=1)).isoformat(),
             "today": today(item.center).isoformat(),
             "closed": a_closed_day(item.center).isoformat()}.get(bad, bad)
    body = clerk_client.post("/cases/new/", notice_form(item, return_by=value)).content.decode()
    errors = re.search(r'<div class="errors">(.*?)</div>', body, re.S)
    assert errors is not None and "补正期限" in errors.group(1)
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", re.sub(r"<[^>]+>", "", errors.group(1)))
    assert not Case.objects.exists()  # nothing written


def test_case3_a_bad_return_date_on_the_case_page_writes_no_notice(clerk_client, item):
    clerk_client.post("/cases/new/", notice_form(item))
    case = Case.objects.get()
    m = item.materials.get(name="营业执照")
    closed = a_closed_day(item.center).isoformat()
    r = clerk_client.post(f"/cases/{case.number}/", {"action": "notice", f"ask_{m.pk}": "1",
                                                     f"defect_{m.pk}": "复印件不清晰", "return_by": closed}, follow=True)
    page = r.content.decode()
    assert "补正期限" in page
    assert case.steps.filter(kind=StepKind.NOTICE).count() == 1
    # what was ticked and typed stays in the form (never lost), the refused date too
    assert f'name="ask_{m.pk}" value="1" checked' in page and 'value="复印件不清晰"' in page
    assert f'name="return_by" value="{closed}"' in page


def test_case3_issue_notice_keeps_its_signature_and_checks_the_keyword(actor, item):
    """Other callers (the API, tests) call issue_notice as before; ``return_by`` is a new keyword."""
    case = cases.receive_case(actor, item.center, item.code, applicant(), [{"name": "申请书"}, {"name": "营业执照"}])
    step = cases.issue_notice(actor, case, {"申请书": "未签名"})
    assert step.data["return_by"] == later_workday(item.center, RETURN_WORKDAYS).isoformat()
    with pytest.raises(RuleViolation) as e:
        cases.issue_notice(actor, case, {"申请书": "未签名"}, return_by=today(item.center))
    assert [p.field for p in e.value.problems] == ["return_by"] and "CASE-3" in str(e.value)
    with pytest.raises(RuleViolation) as e:
        cases.issue_notice(actor, case, {"申请书": "未签名"}, return_by=a_closed_day(item.center))
    assert [p.field for p in e.value.problems] == ["return_by"] and "CASE-5" in str(e.value)
    assert CaseStep.objects.filter(case=case, kind=StepKind.NOTICE).count() == 1
    day = later_workday(item.center, 2)
    assert cases.issue_notice(actor, case, {"申请书": "未签名"}, return_by=day).data["return_by"] == day.isoformat()


def test_case3_the_return_date_of_an_unentered_year_is_an_error_not_a_guess(actor, item):
    case = cases.receive_case(actor, item.center, item.code, applicant(), [{"name": "申请书"}, {"name": "营业执照"}])
    with pytest.raises(RuleViolation) as e:
        cases.issue_notice(actor, case, {"申请书": "未签名"}, return_by="2199-03-02")
    assert [p.field for p in e.value.problems] == ["return_by"] and "2199" in str(e.value)


# -- the receipt's due date (CASE-5) and the shared header -------------------------------------------------
def test_case5_receipt_says_the_due_date_with_the_day_included(clerk_client, item):
    m = list(item.materials.order_by("sort"))
    data = notice_form(item, action="accept", **{f"has_{m[1].pk}": "1", f"count_{m[1].pk}": "1"})
    r = clerk_client.post("/cases/new/", data)
    case = Case.objects.get()
    page = clerk_client.get(r["Location"])
    body = assert_qr_is_the_lookup_of(page, case.number)
    assert f"承诺{CN_DATE.format(d=case.due_date)}前（含当日）办结，共5个工作日" in body
    assert "收件回执" in body and "某县政务服务中心" in body and body.count(case.number) >= 2
    assert PHONE not in body  # the contact is masked on paper too (SEC-3)


def test_result_notice_and_refusal_carry_the_header(clerk_client, actor, item):
    done = cases.receive_case(actor, item.center, item.code, applicant(), [{"name": "申请书"}, {"name": "营业执照"}])
    cases.decide(actor, done, True)
    page = clerk_client.get(f"/cases/{done.number}/result/")
    body = assert_qr_is_the_lookup_of(page, done.number)
    assert "办结通知" in body and "某县政务服务中心" in body
    assert body.count('class="doc-head"') == 1
    refused = cases.receive_case(actor, item.center, item.code, applicant(), [{"name": "申请书"}],
                                 action="notice")
    cases.refuse(actor, refused, "不符合条件", "《食品经营许可管理办法》第十条")
    page = clerk_client.get(f"/cases/{refused.number}/refusal/")
    body = assert_qr_is_the_lookup_of(page, refused.number)
    assert "不予受理通知书" in body and "县市场监管局（盖章）" in body


def test_case8_joint_notice_carries_the_same_lines(office_client, actor, item):
    catalog.save_item(actor, item.center, "RS-009", "用工备案", "RS", promised_days=2, statutory_days=5,
                      materials=[{"name": "劳动合同"}])
    rows = assist.receive_joint(actor, item.center, ["SJ-002", "RS-009"], applicant(),
                                {"SJ-002": [{"name": "申请书"}], "RS-009": []})
    page = office_client.get(f"/cases/joint/{rows[0].joint_number}/notice/")
    body = assert_qr_is_the_lookup_of(page, rows[0].number)
    due = later_workday(item.center, RETURN_WORKDAYS)
    assert f"联办编号：<strong>{rows[0].joint_number}</strong>" in body
    assert f"请于{CN_DATE.format(d=due)}前（含当日）补正" in body
    assert "申请人签收：" in body and "窗口（盖章）" in body and "联系电话：0797-3811234" in body


def test_fir2_inquiry_slip_opens_the_guide_without_personal_data(office_client, center, item):
    r = office_client.post("/manage/inquiries/", {"action": "register", "channel": "visit", "asker": "王小明",
                                                  "phone": PHONE, "matter": "食品经营许可怎么办",
                                                  "item": item.code, "missing": "营业执照"}, follow=True)
    assert r.status_code == 200 and "/slip/" in r.redirect_chain[-1][0]
    body = r.content.decode()
    url = r.context["doc_url"]
    assert urlsplit(url).path == f"/guides/{item.code}/" and parse_qs(urlsplit(url).query) == {"center": ["ZX"]}
    assert "<svg" in body and str(printouts.qr_svg(url)) in body and "扫码查看办事指南" in body
    assert PHONE not in url and "王小明" not in url
    assert re.search(r"登记编号：<strong>SW\d{6}</strong>", body) and "某县政务服务中心" in body


def test_pub2_the_code_prefills_the_number_and_counts_no_wrong_answer(client, clerk_client, item):
    """Opening the lookup from a printout's code fills the number in; it is no wrong answer (PUB-2)."""
    from django.core.cache import cache

    from servicehall.cases import views

    cache.clear()
    clerk_client.post("/cases/new/", notice_form(item))
    case = Case.objects.get()
    for _ in range(views.PROGRESS_NUMBER_TRIES + 2):
        r = client.get("/progress/", {"number": case.number, "center": "ZX"})
        body = r.content.decode()
        assert r.status_code == 200 and f'value="{case.number}"' in body and "食品经营许可" not in body
        assert 'class="errors"' not in body
    r = client.post("/progress/", {"number": case.number, "phone4": PHONE[-4:]})
    assert r.status_code == 200 and "食品经营许可" in r.content.decode()
    cache.clear()


def test_case3_the_api_takes_the_return_date_too(clerk_client, item):
    """The steps API issues a notice as before, and may name its return date (a later working day)."""
    import json

    body = {"client_request_id": "dept-7", "item": item.code,
            "applicant": {"name": "王小明", "phone": PHONE, "id_number": ID_NUMBER},
            "materials": [{"name": "申请书"}, {"name": "营业执照", "form": "copy"}]}
    number = clerk_client.post("/api/v1/centers/ZX/cases", json.dumps(body),
                               content_type="application/json").json()["number"]

    def step(rid, **extra):
        return clerk_client.post(f"/api/v1/cases/{number}/steps",
                                 json.dumps({"client_request_id": rid, "kind": "notice",
                                             "items": {"申请书": "未签名"}, **extra}),
                                 content_type="application/json")

    bad = step("n0", return_by=a_closed_day(item.center).isoformat())
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["detail"]} == {"return_by"}
    assert step("n1").status_code == 200  # as before: the default
    day = later_workday(item.center, 4)
    assert step("n2", return_by=day.isoformat()).status_code == 200
    kept = [s.data["return_by"] for s in Case.objects.get(number=number).steps.filter(kind=StepKind.NOTICE)]
    assert kept == [later_workday(item.center, RETURN_WORKDAYS).isoformat(), day.isoformat()]


def test_case8_the_joint_form_takes_one_return_date(office_client, actor, item):
    catalog.save_item(actor, item.center, "RS-009", "用工备案", "RS", promised_days=2, statutory_days=5,
                      materials=[{"name": "劳动合同"}])
    form = office_client.get("/cases/joint/new/", {"items": ["SJ-002", "RS-009"]}).content.decode()
    assert f'name="return_by" value="{later_workday(item.center, RETURN_WORKDAYS).isoformat()}"' in form
    data = {"items": ["SJ-002", "RS-009"], "name": "王小明", "phone": PHONE, "id_number": ID_NUMBER,
            "return_by": a_closed_day(item.center).isoformat()}
    body = office_client.post("/cases/joint/new/", data).content.decode()
    assert body.count("补正期限") >= 2 and not Case.objects.exists()  # the field's label and one error
    day = later_workday(item.center, 6)
    r = office_client.post("/cases/joint/new/", {**data, "return_by": day.isoformat()})
    assert r.status_code == 302
    assert f"请于{CN_DATE.format(d=day)}前（含当日）补正" in office_client.get(r["Location"]).content.decode()
