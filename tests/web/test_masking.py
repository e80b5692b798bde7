"""SEC-3: phones and ID numbers shown in full only to those whose role and scope cover the record — on the
receipt handed to the applicant (always masked), the case and complaint pages, the staff list, the
exports — and masked in every log record."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.contrib.auth.models import AnonymousUser

from servicehall.audit.services import Actor, system_actor
from servicehall.cases import services as cases
from servicehall.feedback import services as cmp
from servicehall.org import services as org
from servicehall.org.calendar import covered_years
from servicehall.org.models import Staff
from servicehall.web.masking import PersonalDataFilter, mask_text, sees_personal, shown_id_number, shown_phone
from tests.conftest import weekdays_only

pytestmark = pytest.mark.django_db

PHONE, PHONE_MASKED = "13812345678", "138****5678"
ID, ID_MASKED = "11010519491231002X", "1101**********002X"
PASSWORD = "Masking-Test-2026!"


def user_of(actor, code: str):
    staff = Staff.objects.get(code=code)
    if staff.user is None:
        org.create_account(actor, staff, f"u{code.lower()}", PASSWORD)
        staff.refresh_from_db()
    return staff.user


def as_(client, actor, code: str):
    client.force_login(user_of(actor, code))
    return client


@pytest.fixture
def case(actor, center, settings):
    """A case of the RS department, received by the RS clerk S001."""
    settings.DEFAULT_CENTER = "ZX"
    today = dt.date.today()
    for year in sorted({today.year, (today + dt.timedelta(days=60)).year}):
        if year not in covered_years(center):
            org.enter_calendar_year(actor, center, year, weekdays_only(year), source="test: weekdays only")
    clerk = Actor.of(user_of(actor, "S001"))
    return cases.receive_case(clerk, center, "RS-001", cases.Applicant("person", "王小明", PHONE, ID),
                              [{"name": "身份证", "count": 1}, {"name": "申请表", "count": 1}])


# -- the rule ---------------------------------------------------------------------------------------------

def test_sec3_case_contacts_by_role_and_scope(actor, case):
    org.save_staff(actor, case.center, "S006", "孙八", "RS", roles=["approver"])
    org.save_staff(actor, case.center, "S007", "吴九", "ZX", roles=["inspector"])
    full = {code: sees_personal(user_of(actor, code), case)
            for code in ("S001", "S002", "S006", "S900", "S007", "S004", "S005")}
    assert full == {"S001": True,  # the receiving clerk
                    "S002": True, "S006": True,  # clerk and approver of the handling department
                    "S900": True, "S007": True,  # the center office and an inspector
                    "S004": False, "S005": False}  # another department's window head and clerk
    assert not sees_personal(AnonymousUser(), case) and not sees_personal(None, case)
    other = user_of(actor, "S005")
    assert (shown_phone(other, case), shown_id_number(other, case)) == (PHONE_MASKED, ID_MASKED)
    clerk = user_of(actor, "S001")
    assert (shown_phone(clerk, case), shown_id_number(clerk, case)) == (PHONE, ID)


def test_sec3_a_deactivated_clerk_sees_nothing_in_full(actor, case):
    clerk = user_of(actor, "S002")
    org.save_staff(actor, case.center, "S002", "李四", "RS", roles=["window"], active=False)
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert shown_phone(clerk, case) == PHONE_MASKED


def test_sec3_staff_contacts_for_the_person_their_heads_and_the_office(actor, center):
    org.save_staff(actor, center, "S005", "钱七", "SJ", roles=["window"], qualified=["SJ-001"], phone=PHONE,
                   id_number=ID)
    s005 = Staff.objects.get(code="S005")
    seen = {code: shown_phone(user_of(actor, code), s005) for code in ("S005", "S004", "S900", "S003", "S001")}
    assert seen == {"S005": PHONE, "S004": PHONE, "S900": PHONE,  # self, SJ's window head, the office
                    "S003": PHONE_MASKED, "S001": PHONE_MASKED}  # other departments' clerks


# -- pages and printouts ------------------------------------------------------------------------------------

def test_sec3_the_receipt_shows_the_applicants_phone_masked(client, actor, case):
    for code in ("S001", "S900"):  # even for those who may see it in full: the paper goes to the applicant
        body = as_(client, actor, code).get(f"/cases/{case.number}/receipt/").content.decode()
        assert "收件回执" in body and PHONE_MASKED in body and PHONE not in body and ID not in body


def test_sec3_case_detail_full_for_the_clerk_and_office_masked_for_another_department(client, actor, case):
    for code in ("S001", "S900"):
        body = as_(client, actor, code).get(f"/cases/{case.number}/").content.decode()
        assert PHONE in body and ID in body
    r = as_(client, actor, "S005").get(f"/cases/{case.number}/")
    body = r.content.decode()
    assert PHONE not in body and ID not in body  # whether the page itself is refused (SEC-5) or shown
    if r.status_code == 200:
        assert PHONE_MASKED in body and ID_MASKED in body


@pytest.fixture
def complaint(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    c = cmp.file_complaint(system_actor("public"), center, channel="online", ground="attitude",
                           matter="窗口人员态度生硬", name="王小明", phone=PHONE)
    return cmp.intake(actor, c, "register", staff=Staff.objects.get(code="S005"))


def test_sec3_complainants_contact_masked_for_the_department_concerned(client, actor, complaint):
    assert complaint.department.code == "SJ"
    body = as_(client, actor, "S900").get(f"/manage/complaints/{complaint.code}/").content.decode()
    assert PHONE in body
    r = as_(client, actor, "S004").get(f"/manage/complaints/{complaint.code}/")  # SJ's window head
    body = r.content.decode()
    assert r.status_code == 200 and "王小明" in body and PHONE_MASKED in body and PHONE not in body
    desk = client.get("/manage/complaints/", follow=True).content.decode()
    assert PHONE not in desk


def test_sec3_staff_list_by_scope(client, actor, center):
    org.save_staff(actor, center, "S005", "钱七", "SJ", roles=["window"], qualified=["SJ-001"], phone=PHONE,
                   id_number=ID)
    body = as_(client, actor, "S004").get("/manage/staff/").content.decode()  # SJ's window head
    assert PHONE in body and ID in body
    body = as_(client, actor, "S001").get("/manage/staff/").content.decode()  # an RS clerk
    assert PHONE not in body and ID not in body and PHONE_MASKED in body and ID_MASKED in body


# -- exports ------------------------------------------------------------------------------------------------

def test_sec3_complaint_export_masks_contacts_and_is_audited(client, actor, complaint):
    from openpyxl import load_workbook

    from servicehall.audit.models import AuditRecord

    month = complaint.received_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")
    r = as_(client, actor, "S900").get("/manage/complaints/summary/", {"month": month, "format": "xlsx"})
    assert r.status_code == 200
    cells = [v for ws in load_workbook(io.BytesIO(r.content)).worksheets
             for row in ws.iter_rows(values_only=True) for v in row]
    assert PHONE_MASKED in cells and PHONE not in str(cells)
    export = AuditRecord.objects.filter(action="export", object_id="complaints.summary.xlsx").get()
    assert export.actor == user_of(actor, "S900") and export.after["complaints"] == 1


# -- logs ---------------------------------------------------------------------------------------------------

def test_sec3_log_records_are_masked(caplog):
    log = logging.getLogger("servicehall.test")
    with caplog.at_level(logging.WARNING):
        log.warning("applicant %s called from %s about %s", ID, PHONE, "ZX202611230001")
        try:
            raise ValueError(f"duplicate id_number {ID}")
        except ValueError:
            log.exception("could not save +86 %s", PHONE)
    assert ID not in caplog.text and PHONE not in caplog.text
    assert ID_MASKED in caplog.text and PHONE_MASKED in caplog.text and "ZX202611230001" in caplog.text
    assert all(ID not in r.getMessage() and PHONE not in r.getMessage() for r in caplog.records)


def test_sec3_every_configured_handler_masks(settings):
    assert all("personal_data" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())
    configured = [h for name in ("", "django.server", "django.request", "django.db.backends", "huey")
                  for h in logging.getLogger(name).handlers
                  if not type(h).__module__.startswith("_pytest")]  # pytest's own capture handlers
    assert configured and all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in configured)
    assert not logging.getLogger("django").handlers and logging.getLogger("django").propagate


def test_sec3_mask_text_leaves_other_numbers_alone():
    assert mask_text(f"{ID} {PHONE} 8613912345678 ZX202611230001 120 12345678901234") == (
        f"{ID_MASKED} {PHONE_MASKED} 86139****5678 ZX202611230001 120 12345678901234")
