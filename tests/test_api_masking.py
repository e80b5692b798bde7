"""SEC-3 in the API: a phone or an ID number is shown whole only to a reader whose role and scope cover the
record (the permission table's ``personal.read``: the office across its center, a department's own people
for their department); everyone else gets it masked, and another center's records are not there at all."""

from __future__ import annotations

import dataclasses
import json

import pytest

from servicehall.audit.services import system_actor
from servicehall.cases import services as cases
from servicehall.org import services as org
from servicehall.org.models import Staff

from .cases.test_pages import cover_the_coming_weeks
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"
MASKED_PHONE, MASKED_ID = "138****5678", "1101**********002X"


@pytest.fixture
def people(center):
    """S001 (RS) with a phone and an ID number; accounts for an RS clerk, an SJ clerk and the office."""
    setup = system_actor("test-setup")
    org.save_staff(setup, center, "S001", "张三", "RS", roles=["window"], phone=PHONE, id_number=ID_NUMBER,
                   qualified=["RS-001", "RS-002", "RS-003"])
    org.save_staff(setup, center, "S004", "赵六", "SJ", roles=["window"], phone="13900001111",
                   qualified=["SJ-001"])
    for code, username in (("S002", "rs-clerk"), ("S005", "sj-clerk")):
        org.create_account(setup, Staff.objects.get(code=code), username, PASSWORD)
    return center


def _login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def _row(client, code):
    r = client.get("/api/v1/centers/ZX/staff")
    assert r.status_code == 200, r.content
    return next(s for s in r.json() if s["code"] == code)


def test_sec3_the_office_reads_every_staff_record_whole(client, people):
    row = _row(_login(client, "boss"), "S001")
    assert (row["phone"], row["id_number"]) == (PHONE, ID_NUMBER)


def test_sec3_a_clerk_reads_another_departments_staff_masked(client, people):
    _login(client, "sj-clerk")
    row = _row(client, "S001")
    assert (row["phone"], row["id_number"]) == (MASKED_PHONE, MASKED_ID)
    assert _row(client, "S004")["phone"] == "13900001111"  # their own department: covered by the table


def test_sec3_a_clerk_reads_their_own_departments_staff_whole(client, people):
    row = _row(_login(client, "rs-clerk"), "S001")
    assert (row["phone"], row["id_number"]) == (PHONE, ID_NUMBER)


def test_sec5_another_centers_staff_are_not_there(client, people):
    other = org.save_center(system_actor("test-setup"), "QT", "另一个中心")
    org.save_department(system_actor("test-setup"), other, "RS", "人社局")
    org.save_staff(system_actor("test-setup"), other, "Q001", "孙八", "RS", phone=PHONE, id_number=ID_NUMBER)
    _login(client, "boss")
    r = client.get("/api/v1/centers/QT/staff")
    assert r.status_code == 404 and r.json()["detail"][0]["field"] == "code"
    assert PHONE not in r.content.decode()


@pytest.fixture
def case_number(people):
    setup = system_actor("test-setup")
    cover_the_coming_weeks(setup, people)
    clerk = dataclasses.replace(setup, staff=Staff.objects.get(code="S001"))
    case = cases.receive_case(clerk, people, "RS-002", cases.Applicant("person", "王小明", PHONE, ID_NUMBER), [])
    return case.number


def test_sec3_a_case_shows_its_applicant_whole_to_the_handling_department_and_the_office(client, case_number):
    for username in ("rs-clerk", "boss"):
        body = _login(client, username).get(f"/api/v1/cases/{case_number}").json()
        assert body["applicant"]["phone"] == PHONE and body["applicant"]["id_number"] == ID_NUMBER


def test_sec5_another_departments_clerk_gets_no_case_and_no_personal_data(client, case_number):
    r = _login(client, "sj-clerk").get(f"/api/v1/cases/{case_number}")
    assert r.status_code == 403 and PHONE not in r.content.decode() and "detail" in r.json()


def test_sec3_a_case_written_through_the_api_answers_with_what_the_caller_may_read(client, people):
    cover_the_coming_weeks(system_actor("test-setup"), people)
    body = {"client_request_id": "m1", "item": "RS-002",
            "applicant": {"name": "王小明", "phone": PHONE, "id_number": ID_NUMBER}, "materials": []}
    r = _login(client, "rs-clerk").post("/api/v1/centers/ZX/cases", json.dumps(body),
                                        content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["applicant"]["phone"] == PHONE


def test_sec3_masking_keeps_the_shape(client, people):
    """Masked values are still strings of the documented shape (the schema-conformance check reads them)."""
    from servicehall.apischema import masked

    assert masked({"phone": PHONE, "id_number": ID_NUMBER, "name": "x"}, False) == {
        "phone": MASKED_PHONE, "id_number": MASKED_ID, "name": "x"}
    assert masked({"phone": "", "id_number": ""}, False) == {"phone": "", "id_number": ""}


def test_sec5_vacancies_and_the_ladder_for_those_the_table_lets_read_them(client, people):
    query = {"first": "2026-03-02", "last": "2026-03-06"}
    r = _login(client, "sj-clerk").get("/api/v1/centers/ZX/vacancies", query)
    assert r.status_code == 403 and r.json()["detail"][0]["message"]
    assert _login(client, "boss").get("/api/v1/centers/ZX/vacancies", query).json() == []
    assert client.get("/api/v1/centers/ZX/sanctions", {"year": 2026}).json() == []
    assert client.get("/api/v1/centers/ZX/sanctions", {"year": 99999}).status_code == 422
