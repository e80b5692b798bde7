"""SEC-5 on the workbench: each role sees the cards of the pages the permission table lets it use, and every
link there answers that role with something other than a refusal."""

from __future__ import annotations

import re

import pytest

from servicehall.org.choices import Role

pytestmark = pytest.mark.django_db

# Who holds the role in the test center (tests/conftest.py): a clerk's department, or the center office's.
HOLDER = {Role.GUIDE: "S003", Role.ASSIST: "S003", Role.WINDOW: "S001", Role.APPROVER: "S005",
          Role.WINDOW_HEAD: "S004", Role.DEPT_LEADER: "S004", Role.OFFICE: "S002", Role.INSPECTOR: "S002",
          Role.COUNTY_OFFICE: "S002", Role.SYS_ADMIN: "S003", Role.SEC_ADMIN: "S003", Role.AUDIT_ADMIN: "S003"}

HREF = re.compile(r'href="(/[^"#]*)"')


def links(body: str) -> list[str]:
    return sorted({h.replace("&amp;", "&") for h in HREF.findall(body) if not h.startswith("/static/")})


def cards(body: str) -> set[str]:
    return {h.split("?")[0] for h in re.findall(r'class="card" href="([^"]+)"', body)}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_workbench_link_answers_the_role(role, login, settings):
    settings.DEFAULT_CENTER = "ZX"
    c = login(HOLDER[role], roles=[role.value])
    r = c.get("/manage/")
    assert r.status_code == 200
    body = r.content.decode()
    found = links(body)
    assert "/manage/" in found
    refused = []
    for href in found:
        answer = c.get(href, follow=True)
        if answer.status_code == 403:
            refused.append(href)
    assert not refused, f"{role.value} is refused by links on its workbench: {refused}"


def test_the_cards_follow_the_permission_table(login, settings):
    settings.DEFAULT_CENTER = "ZX"
    clerk = cards(login("S001", roles=["window"]).get("/manage/").content.decode())
    assert {"/cases/", "/queue/", "/manage/inquiries/"} <= clerk
    assert not clerk & {"/manage/vacancies/", "/manage/complaints/", "/manage/settings/", "/manage/audit/",
                        "/manage/staff/", "/manage/calendar/"}

    sys_admin = cards(login("S003", roles=["sys_admin"]).get("/manage/").content.decode())
    assert {"/manage/staff/", "/manage/settings/", "/manage/calendar/", "/manage/ab-check/"} <= sys_admin
    assert "/manage/audit/" not in sys_admin and "/manage/vacancies/" not in sys_admin

    sec_admin = cards(login("S003", roles=["sec_admin"]).get("/manage/").content.decode())
    assert "/manage/staff/" in sec_admin
    assert not sec_admin & {"/manage/settings/", "/manage/calendar/", "/manage/audit/"}

    audit_admin = cards(login("S003", roles=["audit_admin"]).get("/manage/").content.decode())
    assert "/manage/audit/" in audit_admin
    assert not audit_admin & {"/manage/staff/", "/manage/settings/", "/cases/"}

    leader = cards(login("S004", roles=["dept_leader"]).get("/manage/").content.decode())
    assert {"/manage/vacancies/", "/manage/sanctions/", "/manage/anomalies/",
            "/manage/complaints/inbox/"} <= leader
    assert "/manage/complaints/" not in leader

    office = cards(login("S002", roles=["office"]).get("/manage/").content.decode())
    assert {"/manage/complaints/", "/manage/complaints/summary/", "/manage/vacancies/"} <= office
    assert "/manage/complaints/inbox/" not in office


def test_my_record_card_says_what_the_record_holds(login, settings):
    """Issue 13 item 5: the "My record" card names what the page now holds — own attendance, vacancies (and
    appeals), the ladder, ratings and the complaints naming the person."""
    from django.utils import translation

    settings.DEFAULT_CENTER = "ZX"
    body = login("S001", roles=["window"]).get("/manage/").content.decode()
    card = body.split('href="/manage/staff/S001/record/"')[1].split("</a>")[0]
    with translation.override("zh-hans"):
        subtitle = translation.gettext("Your attendance, vacancies and appeals, penalty ladder, ratings, and "
                                       "complaints and first inquiries naming you, this year")
    assert subtitle in card
