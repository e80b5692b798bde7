"""CASE-6 (an extension registered on the due date, decided the next morning, the applicant told by SMS) and
CASE-11 (a red case is a violation of its handling clerk and department, withdrawn when it is on time again)."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.cases import services as cases
from servicehall.cases.models import CaseViolation
from servicehall.catalog import services as catalog
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Staff

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"
FULL = [{"name": "申请书"}, {"name": "营业执照", "form": "copy"}]
SMS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.ConsoleSms"]


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


@pytest.fixture
def clerk(actor, center):
    """钱七 (S005), a window clerk of 县市场监管局 (SJ), with an account; SJ-002 takes 5 working days."""
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])
    person = Staff.objects.get(center=center, code="S005")
    org.create_account(actor, person, "qianqi", "a-long-password-2026")
    person.refresh_from_db()
    return person


def received(clerk, center, day: str):
    applicant = cases.Applicant(kind="person", name="王小明", phone="13812345678", id_number=ID)
    return cases.receive_case(clerk.user, center, "SJ-002", applicant, FULL, now=at(day))


def test_case6_registered_on_the_due_date_approved_the_next_morning_and_the_applicant_told(
        clerk, center, office_user, settings, capsys, django_capture_on_commit_callbacks):
    settings.SERVICEHALL_NOTIFIERS = SMS
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.ConsoleBackend"  # sent on commit
    case = received(clerk, center, "2026-04-28")
    assert case.due_date == dt.date(2026, 5, 8)  # Labour Day: 5 working days
    req = cases.request_extension(clerk.user, case, 3, "需现场核查", now=at("2026-05-08", "16:30"))  # the due date
    assert req.data["due_date"] == "2026-05-08"
    with django_capture_on_commit_callbacks(execute=True):
        # Saturday 9 May 2026 is a makeup working day: the leader decides the next morning.
        case = cases.decide_extension(office_user, req, True, now=at("2026-05-09", "08:40"))
    assert case.due_date == dt.date(2026, 5, 12) and case.card != "red"
    decision = case.steps.get(kind="extension_decision")
    assert decision.data["approved"] is True and decision.data["due_date"] == "2026-05-12"
    assert decision.data["notified"] is True
    err = capsys.readouterr().err
    assert "138****5678" in err and "需现场核查" in err and "2026年5月12日" in err and "延期3个工作日" in err


def test_case6_a_refused_extension_keeps_the_due_date_and_texts_nobody(
        clerk, center, office_user, settings, capsys, django_capture_on_commit_callbacks):
    settings.SERVICEHALL_NOTIFIERS = SMS
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.ConsoleBackend"  # sent on commit
    case = received(clerk, center, "2026-04-28")
    req = cases.request_extension(clerk.user, case, 3, "需现场核查", now=at("2026-05-08", "16:30"))
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.decide_extension(office_user, req, False, now=at("2026-05-09", "08:40"))
    assert case.due_date == dt.date(2026, 5, 8) and case.card == "red"
    assert case.steps.get(kind="extension_decision").data["approved"] is False
    assert "138****5678" not in capsys.readouterr().err
    with pytest.raises(RuleViolation) as e:  # decided once
        cases.decide_extension(office_user, req, True, now=at("2026-05-09", "09:00"))
    assert "decided" in str(e.value)


def test_case6_registered_after_the_due_date_is_still_refused(clerk, center):
    case = received(clerk, center, "2026-04-28")
    with pytest.raises(RuleViolation) as e:
        cases.request_extension(clerk.user, case, 3, "需现场核查", now=at("2026-05-09", "08:30"))
    assert "CASE-6" in str(e.value) and "due_date" in e.value.as_dict()
    assert not case.steps.filter(kind="extension_request").exists()


def test_case11_a_red_case_is_a_violation_of_clerk_and_department_until_extended(clerk, center, office_user):
    case = received(clerk, center, "2026-04-28")
    req = cases.request_extension(clerk.user, case, 3, "需现场核查", now=at("2026-05-08", "16:30"))
    assert not CaseViolation.objects.exists()
    # The daily card tick just after midnight: the case turns red, a violation of 钱七 and 县市场监管局.
    assert cases.refresh_cards(center, now=at("2026-05-09", "00:02")) == 1
    v = CaseViolation.objects.get(case=case)
    assert (v.staff.code, v.department.code, v.red_on, v.active) == ("S005", "SJ", dt.date(2026, 5, 9), True)
    assert list(clerk.case_violations.filter(active=True)) == [v]
    cases.refresh_cards(center, now=at("2026-05-09", "00:03"))  # re-deriving changes nothing
    assert CaseViolation.objects.count() == 1 and CaseViolation.objects.get().active
    # The leader approves the extension registered on the due date: on time again, the violation is withdrawn.
    cases.decide_extension(office_user, req, True, now=at("2026-05-09", "08:40"))
    v.refresh_from_db()
    assert not v.active and v.withdrawn_on == dt.date(2026, 5, 9)
    # Past the new due date it turns red again, and a late decision keeps it.
    cases.refresh_cards(center, now=at("2026-05-13", "00:02"))
    v.refresh_from_db()
    assert v.active and v.red_on == dt.date(2026, 5, 13) and v.withdrawn_on is None
    case = cases.decide(clerk.user, case, True, now=at("2026-05-14"))
    v.refresh_from_db()
    assert v.active and case.card == ""


def test_case11_a_case_decided_on_time_records_nothing(clerk, center):
    case = received(clerk, center, "2026-04-28")
    cases.decide(clerk.user, case, True, now=at("2026-05-08", "17:00"))
    cases.refresh_cards(center, now=at("2026-05-11"))
    assert not CaseViolation.objects.exists()


def test_case11_the_violation_is_shown_on_the_person_record_and_the_department_view(clerk, center, office_client):
    case = received(clerk, center, "2026-04-28")
    cases.rederive(case, now=at("2026-05-11"))
    page = office_client.get("/manage/staff/S005/edit/").content.decode()
    assert case.number in page
    page = office_client.get("/manage/cases/warnings/").content.decode()
    assert case.number in page and "钱七" in page
