"""Case pages through the browser client: acceptance, receipt, notice, detail steps, warnings, public lookup."""

from __future__ import annotations

import pytest

from servicehall.cases.models import Case
from servicehall.catalog import services as catalog
from tests.conftest import weekdays_only

pytestmark = pytest.mark.django_db


def cover_the_coming_weeks(actor, center):
    """These pages run on today's date: make sure the next weeks have a calendar, whatever today is."""
    import datetime as dt

    from servicehall.org import services as org
    from servicehall.org.calendar import covered_years

    for year in sorted({dt.date.today().year, (dt.date.today() + dt.timedelta(days=60)).year}):
        if year not in covered_years(center):
            org.enter_calendar_year(actor, center, year, weekdays_only(year), source="test: weekdays only")


@pytest.fixture
def item(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(actor, center)
    return catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                             materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])


def form(item, **extra):
    m = list(item.materials.order_by("sort"))
    data = {"item": item.code, "kind": "person", "name": "王小明", "phone": "13812345678",
            "id_number": "11010519491231002X", "action": "accept"}
    for x in m:
        data[f"has_{x.pk}"] = "1"
        data[f"count_{x.pk}"] = "1"
        data[f"form_{x.pk}"] = x.form
    data.update(extra)
    return data, m


def test_accept_and_print_the_receipt(clerk_client, item):
    data, _m = form(item)
    r = clerk_client.post("/cases/new/", data)
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.number}/receipt/"
    body = clerk_client.get(r["Location"]).content.decode()
    assert "收件回执" in body and case.number in body and "申请书" in body and "营业执照" in body


def test_incomplete_materials_give_a_notice(clerk_client, item):
    data, m = form(item, action="notice")
    del data[f"has_{m[1].pk}"]
    data[f"defect_{m[0].pk}"] = "未签名"
    r = clerk_client.post("/cases/new/", data)
    assert r.status_code == 302 and "/notice/" in r["Location"]
    body = clerk_client.get(r["Location"]).content.decode()
    assert "一次性告知单" in body and "营业执照" in body and "未签名" in body


def test_bad_input_shows_the_errors_and_writes_nothing(clerk_client, item):
    data, m = form(item, id_number="110105194912310021")
    del data[f"has_{m[1].pk}"]
    body = clerk_client.post("/cases/new/", data).content.decode()
    assert "GB 11643" in body and "营业执照" in body
    assert not Case.objects.exists()


def test_material_list_loads_with_htmx(clerk_client, item):
    body = clerk_client.get("/cases/new/", {"item": item.code}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body and "申请书" in body


def test_detail_steps_and_workstation(clerk_client, item):
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    clerk_client.post(f"/cases/{case.number}/", {"action": "decide", "approved": "1"})
    clerk_client.post(f"/cases/{case.number}/", {"action": "deliver", "method": "mail", "tracking_number": "SF1"})
    case.refresh_from_db()
    assert case.status == "delivered"
    assert case.number in clerk_client.get("/cases/", {"q": case.number}).content.decode()


def test_out_of_order_step_is_refused_on_the_page(clerk_client, item):
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    r = clerk_client.post(f"/cases/{case.number}/", {"action": "deliver", "method": "collect"}, follow=True)
    assert "顺序不符" in r.content.decode()  # the refusal, in the page's language


def test_public_progress_reveals_nothing_else(client, clerk_client, item):
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    clerk_client.logout()
    body = client.post("/progress/", {"number": case.number, "phone4": "5678"}).content.decode()
    assert "食品经营许可" in body and "王小明" not in body and "13812345678" not in body
    body = client.post("/progress/", {"number": case.number, "phone4": "0000"}).content.decode()
    assert "食品经营许可" not in body


def test_warnings_page_for_managers(office_client, clerk_client, item):
    assert office_client.get("/manage/cases/warnings/").status_code == 200
    assert clerk_client.get("/manage/cases/warnings/").status_code == 403  # a clerk is no manager (SEC-5)


def test_public_progress_limits_wrong_answers_per_case_number(client, clerk_client, item):
    """PUB-2: a few wrong codes block that case number, not the hall; other numbers still answer."""
    from django.core.cache import cache

    from servicehall.cases import views

    cache.clear()
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    for _ in range(views.PROGRESS_NUMBER_TRIES):
        assert client.post("/progress/", {"number": case.number, "phone4": "0000"}).status_code == 200
    r = client.post("/progress/", {"number": case.number, "phone4": "5678"})
    assert r.status_code == 429 and "食品经营许可" not in r.content.decode()  # even the right code waits now
    assert client.post("/progress/", {"number": "ZX209901010001", "phone4": "0000"}).status_code == 200
    cache.clear()


def test_public_progress_correct_lookups_never_block_a_busy_hall(client, clerk_client, item):
    """PUB-2: one address (a hall's kiosk or Wi-Fi) looks up far more than the old 20 in ten minutes."""
    from django.core.cache import cache

    from servicehall.cases import views

    cache.clear()
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    for _ in range(200):
        r = client.post("/progress/", {"number": case.number, "phone4": "5678"})
        assert r.status_code == 200 and "食品经营许可" in r.content.decode()
    # honest typos on many different numbers stay under the address's ceiling...
    for i in range(views.PROGRESS_ADDRESS_TRIES - 1):
        assert client.post("/progress/", {"number": f"ZX2099{i:08d}", "phone4": "0000"}).status_code == 200
    assert client.post("/progress/", {"number": case.number, "phone4": "5678"}).status_code == 200
    # ...but a sweep over numbers from one address meets it
    client.post("/progress/", {"number": "ZX209999999999", "phone4": "0000"})
    assert client.post("/progress/", {"number": case.number, "phone4": "5678"}).status_code == 429
    cache.clear()


def test_pub2_a_malformed_lookup_is_an_error_at_its_field_and_never_a_wrong_guess(client, clerk_client, item):
    """Issue 14 follow-up: a lookup without a case number, or without exactly four digits of the phone, is an error
    shown next to its field and counts nothing, however often it is sent; a well-formed lookup that finds nothing
    still counts, and the limit still comes (PUB-2)."""
    import re

    from django.core.cache import cache

    from servicehall.cases import views

    cache.clear()
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    clerk_client.logout()
    malformed = [({"number": case.number, "phone4": p}, "phone4") for p in ("", "567", "56789", "56a8", "٥٦٧٨", " ")]
    malformed += [({"number": "", "phone4": "5678"}, "number"), ({"phone4": "5678"}, "number"),
                  ({"number": case.number}, "phone4"), ({"number": "Z" * 31, "phone4": "5678"}, "number")]
    for _ in range(views.PROGRESS_NUMBER_TRIES + 1):
        for data, field in malformed:
            r = client.post("/progress/", data)
            body = r.content.decode()
            assert r.status_code == 200, (data, r.status_code)
            assert "食品经营许可" not in body and "没有查到" not in body and "错误查询次数过多" not in body, data
            # the error stands next to its own field, in Chinese, and the field says so
            at = re.search(rf'(?s)<input [^>]*name="{field}"[^>]*aria-invalid="true"[^>]*>\s*'
                           rf'<span class="errors field-error" id="{field}-error">([^<]+)</span>\s*</label>', body)
            assert at and re.search(r"[\u4e00-\u9fff]", at.group(1)), (data, body)
            assert not re.search(r"[A-Za-z]{3,}", at.group(1)), at.group(1)
    # none of those counted: the case number and the address are as fresh as before
    r = client.post("/progress/", {"number": case.number.lower(), "phone4": "５６７８"})  # a kiosk IME's way of typing
    assert r.status_code == 200 and "食品经营许可" in r.content.decode()
    # well-formed wrong guesses still count, and the limit still comes
    for _ in range(views.PROGRESS_NUMBER_TRIES):
        r = client.post("/progress/", {"number": case.number, "phone4": "0000"})
        assert r.status_code == 200 and "食品经营许可" not in r.content.decode()
    r = client.post("/progress/", {"number": case.number, "phone4": "5678"})
    assert r.status_code == 429 and "食品经营许可" not in r.content.decode()
    cache.clear()


def test_sec5_case_search_finds_only_what_the_reader_may_read(clerk_client, login, office_client, item):
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    assert case.number in clerk_client.get("/cases/", {"q": "王小明"}).content.decode()  # SJ, its department
    assert case.number in office_client.get("/cases/", {"q": "王小明"}).content.decode()  # the office: the center
    other = login("S001")  # a clerk of 县人社局
    assert case.number not in other.get("/cases/", {"q": "王小明"}).content.decode()
    assert other.get(f"/cases/{case.number}/").status_code == 403


def test_a_clerks_own_departments_items_come_first_on_the_new_case_form(clerk_client, office_client, center, settings):
    """Issue 17 item 1: 钱七 of 县市场监管局 finds the market items first, the others after; the office keeps the
    hall's order."""
    settings.DEFAULT_CENTER = center.code
    page = clerk_client.get("/cases/new/").content.decode()
    groups = [part.split('"', 1)[0] for part in page.split('<optgroup label="')[1:]]
    assert groups[0] == "县市场监管局" and "县人社局" in groups[1:]
    office = office_client.get("/cases/new/").content.decode()
    assert [part.split('"', 1)[0] for part in office.split('<optgroup label="')[1:]][0] == "县人社局"


def test_public_progress_of_a_case_awaiting_corrections_says_what_to_bring_and_by_when(client, clerk_client, item):
    """CASE-3: the applicant who looks the case up (number and phone digits) reads what the one-time notice asked
    for and the day to come back by — what the notice printed — and nothing of that once the case moves on."""
    from servicehall.cases.models import CaseStatus, StepKind

    data, m = form(item, action="notice")
    del data[f"has_{m[1].pk}"]
    data[f"defect_{m[0].pk}"] = "未签名"
    clerk_client.post("/cases/new/", data)
    case = Case.objects.get()
    assert case.status == CaseStatus.AWAITING
    step = case.steps.get(kind=StepKind.NOTICE)
    clerk_client.logout()
    body = client.post("/progress/", {"number": case.number, "phone4": "5678"}).content.decode()
    assert "需补正的材料" in body and "营业执照" in body and "未签名" in body
    assert f"请于 {step.data['return_by']} 前（含当日）" in body
    body = client.post("/progress/", {"number": case.number, "phone4": "0000"}).content.decode()
    assert "营业执照" not in body  # a wrong answer reveals nothing


def test_public_progress_after_corrections_asks_only_the_second_notices_materials(client, actor, item):
    """CASE-3: what was brought after the first notice is not asked again by the page."""
    import datetime as dt

    from servicehall.cases import services as cases

    case = cases.receive_case(actor, item.center, item.code, cases.Applicant("person", "王小明", "13812345678",
                                                                              "11010519491231002X"),
                              [{"name": "申请书"}], action="notice",
                              now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30))
    assert "营业执照" in client.post("/progress/", {"number": case.number, "phone4": "5678"}).content.decode()
    case = cases.correct(actor, case, [{"name": "营业执照", "count": 1}])
    cases.issue_notice(actor, case, {"申请书": "未签名"}, confirm_breach=True)  # (a breach, but it happens)
    body = client.post("/progress/", {"number": case.number, "phone4": "5678"}).content.decode()
    assert "申请书" in body and "未签名" in body and "营业执照" not in body


def test_public_progress_keeps_the_phone_digits_out_of_addresses(client, clerk_client, item):
    """PUB-2, SEC-3: the lookup is a posted form (the digits never stand in an address, a history or a log); an
    address with the digits looks nothing up, and the page's form posts."""
    clerk_client.post("/cases/new/", form(item)[0])
    case = Case.objects.get()
    clerk_client.logout()
    body = client.get("/progress/", {"number": case.number, "phone4": "5678"}).content.decode()
    assert "食品经营许可" not in body and f'value="{case.number}"' in body
    assert 'method="post"' in body and "csrfmiddlewaretoken" in body
    assert "食品经营许可" in client.post("/progress/", {"number": case.number, "phone4": "5678"}).content.decode()


def test_public_progress_is_never_kept_by_the_browser(client, item):
    """A shared kiosk's Back button never shows the person before's case (PUB-2, SEC-3)."""
    r = client.get("/progress/")
    assert r.status_code == 200, r.status_code
    assert "no-store" in r.headers.get("Cache-Control", ""), dict(r.headers)
