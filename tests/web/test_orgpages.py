"""The office edits the org chart in pages (ORG-2..4, SEC-1): the same rules as the import, nothing half-written."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import system_actor
from servicehall.org import services as org
from servicehall.org.models import Post, Staff

pytestmark = pytest.mark.django_db

NEW = {"code": "S010", "name": "孙十", "department": "SJ", "roles": ["window"], "qualified": ["SJ-001"],
       "phone": "13812345678", "id_number": "11010519491231002X", "active": "1", "username": "sunshi",
       "password": "window-clerk-2026"}


@pytest.fixture
def security_client(login, actor, center):
    """孔安全 (S901): the center's security administrator (SEC-6): accounts, roles, activation."""
    org.save_staff(actor, center, "S901", "孔安全", "ZX", roles=["sec_admin"])
    return login("S901")


RECORD = {k: v for k, v in NEW.items() if k not in ("roles", "active", "username", "password")}
ACCOUNT = {"roles": ["window"], "active": "1", "username": "sunshi", "password": "window-clerk-2026"}


def test_sec6_the_system_administrator_adds_the_record_the_security_administrator_the_account(
        office_client, security_client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    assert "S010" not in office_client.get("/manage/staff/").content.decode()
    r = office_client.post("/manage/staff/new/", NEW)  # roles and account sent along are not the system admin's
    assert r.status_code == 302
    s = Staff.objects.get(code="S010")
    assert s.role_codes == [] and list(s.qualified_items.values_list("code", flat=True)) == ["SJ-001"]
    assert not get_user_model().objects.filter(username="sunshi").exists()
    assert security_client.get("/manage/staff/new/").status_code == 403  # records are the system admin's
    r = security_client.post("/manage/staff/S010/edit/", {**ACCOUNT, "name": "改名", "qualified": []})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.role_codes == ["window"] and s.name == "孙十"  # the record stayed as it was
    assert list(s.qualified_items.values_list("code", flat=True)) == ["SJ-001"]
    assert Client().login(username="sunshi", password="window-clerk-2026")
    assert AuditRecord.objects.filter(action="account.create").exists()


def test_sec6_no_two_administrator_duties_on_one_person(security_client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    body = security_client.post("/manage/staff/S001/edit/", {"roles": ["sys_admin", "audit_admin"],
                                                             "active": "1"}).content.decode()
    assert "SEC-6" in body
    assert Staff.objects.get(code="S001").role_codes == ["window"]


@pytest.mark.parametrize("change, words", [
    ({"id_number": "110105194912310021"}, "GB 11643"),
    ({"qualified": ["XX-999"]}, "XX-999"),
])
def test_bad_staff_input_names_the_field_and_writes_nothing(office_client, center, settings, change, words):
    settings.DEFAULT_CENTER = "ZX"
    before = AuditRecord.objects.count()
    body = office_client.post("/manage/staff/new/", {**RECORD, **change}).content.decode()
    assert words in body
    assert not Staff.objects.filter(code="S010").exists()
    assert AuditRecord.objects.count() == before


@pytest.mark.parametrize("change, words", [
    ({"roles": []}, "ORG-2"),
    ({"password": "short"}, "password"),
])
def test_bad_account_input_names_the_field_and_writes_nothing(office_client, security_client, center, settings,
                                                              change, words):
    settings.DEFAULT_CENTER = "ZX"
    office_client.post("/manage/staff/new/", RECORD)
    before = AuditRecord.objects.count()
    body = security_client.post("/manage/staff/S010/edit/", {**ACCOUNT, **change}).content.decode()
    assert words in body
    assert Staff.objects.get(code="S010").role_codes == []
    assert not get_user_model().objects.filter(username="sunshi").exists()
    assert AuditRecord.objects.count() == before


def test_withdrawing_a_qualification_a_b_needs_is_refused(office_client, actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"])
    body = office_client.post("/manage/staff/S005/edit/", {"name": "钱七", "department": "SJ", "roles": ["window"],
                                                           "active": "1"}).content.decode()
    assert "P02" in body and "ORG-4" in body
    assert list(Staff.objects.get(code="S005").qualified_items.values_list("code", flat=True)) == ["SJ-001"]


def test_post_page_refuses_a_equals_b_and_an_unqualified_b_then_saves(office_client, actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    form = {"code": "P02", "name": "市场监管窗口", "window": "W02", "a": "S004", "b": "S004", "items": ["SJ-001"]}
    assert "ORG-3" in office_client.post("/manage/posts/new/", form).content.decode()
    body = office_client.post("/manage/posts/new/", {**form, "b": "S001"}).content.decode()
    assert "SJ-001" in body and "ORG-4" in body and not Post.objects.exists()
    assert office_client.post("/manage/posts/new/", {**form, "b": "S005"}).status_code == 302
    assert Post.objects.get(code="P02").b.code == "S005"
    page = office_client.get("/manage/ab-check/").content.decode()
    assert "/manage/posts/P02/edit/" in page


def test_only_the_office_edits_the_org_chart(client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    org.create_account(system_actor("test"), Staff.objects.get(code="S004"), "zhaoliu", "window-clerk-2026")
    client.login(username="zhaoliu", password="window-clerk-2026")  # a window head
    assert client.get("/manage/staff/new/").status_code == 403
    assert client.post("/manage/posts/new/", {"code": "P09"}).status_code == 403


def test_post_page_changes_a_and_b_from_a_chosen_date_and_shows_the_history(office_client, actor, center, settings):
    """ORG-3: the office changes A/B effective from a date (default today) and sees the post's assignments."""
    import datetime as dt

    from servicehall.core.clock import today as local_today
    from servicehall.org import assignments

    settings.DEFAULT_CENTER = "ZX"
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    page = office_client.get("/manage/posts/P01/edit/").content.decode()
    today = local_today(center)
    assert f'name="valid_from" value="{today.isoformat()}"' in page and 'class="assignment-history"' in page
    form = {"name": "社保窗口", "window": "W01", "a": "S003", "b": "S002", "items": ["RS-001"],
            "valid_from": "2026-03-05"}
    assert "ORG-3" in office_client.post("/manage/posts/P01/edit/", {**form, "b": "S003"}).content.decode()
    bad = office_client.post("/manage/posts/P01/edit/", {**form, "valid_from": "2026-02-30"}).content.decode()
    assert "2026-02-30" in bad
    post = Post.objects.get(code="P01")
    assert len(assignments.history(post)) == 1
    assert office_client.post("/manage/posts/P01/edit/", form).status_code == 302
    assert [(h.valid_from.isoformat(), h.a.code) for h in assignments.history(post)] == [
        ("2026-03-05", "S003"), ("1900-01-01", "S001")]
    assert assignments.for_post(post, dt.date(2026, 3, 4)).a.code == "S001"
    page = office_client.get("/manage/posts/P01/edit/").content.decode()
    assert "2026-03-05" in page and "王五（S003）" in page and "张三（S001）" in page
    # without a date the change holds from today
    assert office_client.post("/manage/posts/P01/edit/", {**form, "valid_from": "", "b": "S001"}).status_code == 302
    assert assignments.history(post)[0].valid_from == today
    assert (Post.objects.get(code="P01").a.code, Post.objects.get(code="P01").b.code) == ("S003", "S001")


def test_a_post_is_never_saved_without_its_name_from_the_page(office_client, center, settings):
    """Issue 17 item 2: the page asks for the post's name, labelled 岗位名称 (the import may leave it out);
    a blank one is refused by its label, nothing is saved and what was typed stays in the form."""
    settings.DEFAULT_CENTER = "ZX"
    form = {"code": "P02", "name": "  ", "window": "W02", "a": "S004", "b": "S005", "items": ["SJ-001"]}
    body = office_client.post("/manage/posts/new/", form).content.decode()
    assert "岗位名称：请填写岗位名称" in body and not Post.objects.filter(code="P02").exists()
    assert 'value="P02"' in body and 'name="name"' in body and "required" in body.split('name="name"', 1)[1][:80]
