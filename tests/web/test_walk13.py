"""Faults found walking issue 13's "Done when" in a browser as a new center's office would, each mended:
a code with a slash saved from the catalog pages made the catalog page fail for everyone (ORG-1); a fault
showed Django's English "Server Error (500)"; the login, workstation set-up and refused-input pages named the
software ("servicehall") instead of the center; the workstation's own list of today's events showed the
source's code ("import")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import services as duty
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Department, Post, Window
from tests.conftest import PASSWORD as CLERK_PASSWORD
from tests.duty.test_device_pages import hall, login, workstation  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["D97/x", "D 97", "D\t97"])
def test_org1_department_code_with_a_slash_or_space_is_refused_and_the_catalog_page_stays_up(office_client, code):
    r = office_client.post("/manage/catalog/departments/new/", {"code": code, "name": "斜杠部门", "sort": "1"})
    assert r.status_code in (200, 422) and not Department.objects.filter(code=code).exists()
    assert "编码" in r.content.decode()  # the field by its label
    assert office_client.get("/manage/catalog/").status_code == 200


def test_org1_window_item_and_post_codes_with_a_slash_are_refused(office_client, center, actor):
    r = office_client.post("/manage/catalog/windows/new/", {"code": "W/9", "name": "9号窗口", "department": "RS",
                                                           "sort": "9"})
    assert r.status_code in (200, 422) and not Window.objects.filter(code="W/9").exists()
    r = office_client.post("/manage/catalog/items/new/", {"code": "RS/9", "name": "某事项", "department": "RS",
                                                         "promised_days": "1", "statutory_days": "2"})
    assert r.status_code in (200, 422) and "RS/9" not in [i.code for i in center.items.all()]
    with pytest.raises(RuleViolation) as err:
        org.save_post(actor, center, "P 1", window="W01", a="S001", b="S002", items=["RS-001"])
    assert [p.field for p in err.value.problems] == ["code"] and not Post.objects.filter(code="P 1").exists()
    assert office_client.get("/manage/catalog/").status_code == 200


def test_a_fault_shows_the_centers_own_page_not_djangos_english_one(center):
    # A record that reached the database some other way (an older version let it in) still breaks the page.
    Department.objects.create(center=center, code="OLD/1", name="旧部门")
    c = Client(raise_request_exception=False)
    assert c.login(username="boss", password=CLERK_PASSWORD)
    r = c.get("/manage/catalog/")
    body = r.content.decode()
    assert r.status_code == 500 and "Server Error" not in body
    assert 'class="refusal"' in body and "某县政务服务中心" in body and 'href="/"' in body


@pytest.mark.parametrize("path", ["/accounts/login/", "/workstation/setup/"])
def test_pages_without_a_center_name_the_center_not_the_software(client, center, settings, path):
    settings.DEFAULT_CENTER = "ZX"
    body = client.get(path).content.decode()
    assert "某县政务服务中心" in body and ">servicehall<" not in body and "<title>servicehall" not in body


def test_the_workstation_lists_todays_events_by_source_in_words(client, hall, workstation):  # noqa: F811
    client.post("/workstation/setup/", {"token": workstation})
    login(client, "clerk")
    clerk = hall.staff.get(code="S001")
    duty.record_event(system_actor("import"), hall, {"type": "clock_in", "staff": clerk,
                                                     "at": timezone.now() - dt.timedelta(minutes=5)},
                      source="import")
    body = client.get("/workstation/").content.decode()
    assert "<td>导入</td>" in body and "<td>import</td>" not in body


def test_pub1_the_guides_special_procedures_stack_on_a_phone_like_its_materials(client, center, actor, settings):
    """At 390 px the special procedures table ran off the screen (its third column cut); it now stacks, each
    cell naming its column, as the materials table does."""
    from servicehall.catalog import services as catalog

    settings.DEFAULT_CENTER = "ZX"
    item = center.items.get(code="RS-002")
    catalog.save_special_procedure(actor, item, "专家评审", usual_days=5, counts_toward_limit=False)
    body = client.get("/guides/RS-002/").content.decode()
    assert '<table class="procedures">' in body and 'data-label="计入办理时限">否</td>' in body


def test_case5_a_refused_save_keeps_the_confirmation_and_save_button(office_client, center):
    """Saving without ticking "I have checked" (or after the text changed) showed the preview with neither the
    box nor the save button: the office could not confirm from the page it was told to confirm on."""
    from tests.web.test_pages import NOTICE_2027, _save

    _p, r = _save(office_client, NOTICE_2027, confirm="")
    body = r.content.decode()
    assert r.status_code == 200 and not center.calendar_years.exists()
    assert 'name="confirm"' in body and 'name="action" value="save"' in body
    _p, r = _save(office_client, NOTICE_2027, text=NOTICE_2027.replace("9月26日（周日）、", ""))
    body = r.content.decode()
    assert not center.calendar_years.exists() and 'name="action" value="save"' in body
    digest = body.split('name="digest" value="')[1].split('"')[0]
    r = office_client.post("/manage/calendar/", {"year": "2027", "text": NOTICE_2027.replace("9月26日（周日）、", ""),
                                                 "action": "save", "digest": digest, "confirm": "1"})
    assert r.status_code == 302 and center.calendar_years.filter(year=2027).exists()


@pytest.mark.django_db(transaction=True)  # real commits: the process's copies are kept only on commit
def test_q1_a_refused_first_ticket_does_not_leave_the_kiosk_holding_a_rolled_back_account(center, actor):
    """On a new center the kiosk's first ticket with a wrong ID number was refused; the device account made in
    that transaction was rolled back but kept in the process's copies, and every later ticket failed on a
    foreign key (a 500 at the kiosk) until the server restarted."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from servicehall.core import hot as core_hot
    from servicehall.tickets import hot as tickets_hot

    kiosk, _token = duty.register_device(actor, center, "K1", "取号机", kind="kiosk")
    get_user_model().objects.filter(username="_device").delete()
    core_hot.clear()
    with pytest.raises(RuleViolation), transaction.atomic():
        tickets_hot.device_actor(kiosk)  # the account is made here ...
        raise RuleViolation("id_number: refused")  # ... and rolled back with the refused ticket
    assert not get_user_model().objects.filter(username="_device").exists()
    user = tickets_hot.device_actor(kiosk).user
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert tickets_hot.device_actor(kiosk).user.pk == user.pk  # kept once it is there


def test_case2_a_missing_applicant_name_is_named_as_the_applicant_not_the_material(clerk_client, actor, center,
                                                                                  settings):
    """The intake page said 申报材料：需要申请人姓名 — the applicant's name under the materials' label."""
    from servicehall.catalog import services as catalog
    from tests.cases.test_pages import cover_the_coming_weeks, form

    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(actor, center)
    it = catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                           materials=[{"name": "申请书"}])
    data, _m = form(it, name="")
    body = clerk_client.post("/cases/new/", data).content.decode()
    assert "申请人：" in body and "申报材料：需要申请人" not in body
