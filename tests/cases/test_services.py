"""CASE-2..7, CASE-11, CASE-13 through the service functions."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.cases import services as cases
from servicehall.cases.models import Case, CaseStep
from servicehall.catalog import services as catalog
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Staff
from servicehall.org.permissions import Forbidden

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
ID = "11010519491231002X"


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


@pytest.fixture
def desk(actor, center):
    """The office user (boss) also works a window here; item SJ-002 has two required materials."""
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"},
                                 {"name": "授权委托书", "required": False}])
    return center


def person(**kw):
    return cases.Applicant(**{"kind": "person", "name": "王小明", "phone": "13812345678", "id_number": ID, **kw})


FULL = [{"name": "申请书"}, {"name": "营业执照", "form": "copy"}]


def test_case2_complete_materials_are_accepted_with_a_due_date(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-09-29"))
    assert case.number == "ZX202609290001" and case.status == "accepted"
    assert case.due_date == dt.date(2026, 10, 12)  # National Day: 5 working days
    assert [s.kind for s in case.steps.all()] == ["receive", "accept"]
    second = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-09-29", "11:00"))
    assert second.number == "ZX202609290002"


def test_case2_instant_item_is_finished_on_the_spot(actor, desk):
    case = cases.receive_case(actor, desk, "RS-001", person(), [{"name": "身份证"}, {"name": "申请表"}],
                              now=at("2026-03-02"))
    assert case.status == "finished" and case.due_date == dt.date(2026, 3, 2) and case.card == ""


def test_case2_bad_input_changes_nothing(actor, desk):
    with pytest.raises(RuleViolation) as e:
        cases.receive_case(actor, desk, "SJ-002", person(id_number="110105194912310021", phone="12"),
                           [{"name": "户口本"}], now=at("2026-03-02"))
    got = e.value.as_dict()
    assert "GB 11643" in got["applicant.id_number"][0]
    assert "not on the list" in got["materials[0].name"][0]
    assert "applicant.phone" in got
    assert not Case.objects.exists()


def test_case3_incomplete_materials_cannot_be_accepted_but_get_a_notice(actor, desk):
    with pytest.raises(RuleViolation) as e:
        cases.receive_case(actor, desk, "SJ-002", person(), [{"name": "申请书"}], now=at("2026-03-02"))
    assert "营业执照" in str(e.value) and "one-time notice" in str(e.value)
    case = cases.receive_case(actor, desk, "SJ-002", person(), [{"name": "申请书"}], action="notice",
                              defects={"申请书": "未签名"}, now=at("2026-03-02"))
    assert case.status == "awaiting" and case.due_date is None
    notice = case.steps.get(kind="notice")
    assert notice.data["items"] == {"营业执照": "未提交", "申请书": "未签名"}


def test_case5_correction_restarts_the_clock(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), [{"name": "申请书"}], action="notice",
                              now=at("2026-02-10"))
    case = cases.correct(actor, case, [{"name": "营业执照", "form": "copy"}], now=at("2026-02-13"))
    assert case.status == "accepted" and case.accepted_on == dt.date(2026, 2, 13)
    assert case.due_date == dt.date(2026, 2, 27)  # 5 working days from Feb 13 across the Spring Festival


def test_case3_second_notice_asking_for_more_is_flagged(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), [{"name": "申请书"}], action="notice",
                              now=at("2026-03-02"))
    cases.issue_notice(actor, case, {"营业执照": "复印件不清晰"}, now=at("2026-03-03"))  # same material: fine
    with pytest.raises(RuleViolation) as e:
        cases.issue_notice(actor, case, {"授权委托书": "未提交"}, now=at("2026-03-04"))
    assert "one-time rule" in str(e.value)
    step = cases.issue_notice(actor, case, {"授权委托书": "未提交"}, confirm_breach=True, now=at("2026-03-04"))
    assert step.data["breach"] and step.data["new"] == ["授权委托书"]
    assert Case.objects.get(pk=case.pk).notice_breach


def test_case3_a_notice_after_three_working_days_is_late(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-03-02"))
    cases.issue_notice(actor, case, {"营业执照": "已过期"}, now=at("2026-03-06"))  # 4 working days later
    assert Case.objects.get(pk=case.pk).notice_late


def test_case6_extension_before_and_after_the_due_date(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-04-28"))
    assert case.due_date == dt.date(2026, 5, 8)
    with pytest.raises(RuleViolation) as e:
        cases.request_extension(actor, case, 3, "  ", now=at("2026-05-06"))
    assert "reason" in e.value.as_dict()
    req = cases.request_extension(actor, case, 3, "需现场核查", now=at("2026-05-06"))
    case = cases.decide_extension(actor, req, True, now=at("2026-05-07"))
    assert case.due_date == dt.date(2026, 5, 12)
    late = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-03-02"))
    with pytest.raises(RuleViolation) as e:
        cases.request_extension(actor, late, 3, "需现场核查", now=at("2026-03-10"))
    assert "CASE-6" in str(e.value)


def test_case6_only_the_office_approves_extensions(actor, desk, django_user_model):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-04-28"))
    req = cases.request_extension(actor, case, 3, "需现场核查", now=at("2026-05-06"))
    clerk = Staff.objects.get(code="S004")
    org.create_account(actor, clerk, "zhaoliu", "a-long-password-2026")
    with pytest.raises(Forbidden):
        cases.decide_extension(clerk.user, req, True, now=at("2026-05-06"))


def test_case13_statutory_pause_is_not_counted(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-04-01"))
    cases.pause(actor, case, "专家评审", now=at("2026-04-03"))
    case = cases.resume(actor, case, now=at("2026-04-08"))
    assert case.due_date == dt.date(2026, 4, 14)


def test_case11_cards_and_out_of_order_steps(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-03-02"))
    assert case.card == "green"
    assert cases.rederive(case, now=at("2026-03-06")).card == "yellow"
    assert cases.rederive(case, now=at("2026-03-10")).card == "red"
    waiting = cases.receive_case(actor, desk, "SJ-002", person(), [{"name": "申请书"}], action="notice",
                                 now=at("2026-03-02"))
    with pytest.raises(RuleViolation) as e:
        cases.decide(actor, waiting, True, now=at("2026-03-03"))
    assert "out of order" in str(e.value)
    with pytest.raises(RuleViolation):
        cases.deliver(actor, case, "collect", now=at("2026-03-03"))
    cases.decide(actor, case, True, now=at("2026-03-03"))
    with pytest.raises(RuleViolation):
        cases.deliver(actor, case, "mail", now=at("2026-03-03"))
    case = cases.deliver(actor, case, "mail", "SF1234567890", now=at("2026-03-04"))
    assert case.status == "delivered" and case.card == ""


def test_case4_refusal_is_written_with_basis_and_remedy(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), [{"name": "申请书"}], action="notice",
                              now=at("2026-03-02"))
    with pytest.raises(RuleViolation) as e:
        cases.refuse(actor, case, "不属于本机关职权范围", "", now=at("2026-03-03"))
    assert "legal_basis" in e.value.as_dict()
    case = cases.refuse(actor, case, "不属于本机关职权范围", "《中华人民共和国行政许可法》第三十二条", now=at("2026-03-03"))
    step = case.steps.get(kind="refusal")
    assert case.status == "refused" and "行政复议" in step.data["remedy"]


def test_case5_uncovered_year_is_a_clear_error(actor, desk):
    with pytest.raises(RuleViolation) as e:
        cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-12-28"))
    assert "2027" in str(e.value)
    assert not Case.objects.exists()


def test_client_request_id_is_idempotent(actor, desk):
    a = cases.receive_case(actor, desk, "SJ-002", person(), FULL, client_request_id="r-1", now=at("2026-03-02"))
    b = cases.receive_case(actor, desk, "SJ-002", person(), FULL, client_request_id="r-1", now=at("2026-03-02"))
    assert a.pk == b.pk and Case.objects.count() == 1


def test_public_lookup_needs_number_and_last_four_digits(actor, desk):
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-03-02"))
    assert cases.progress_for_public(case.number, "5678").pk == case.pk
    assert cases.progress_for_public(case.number, "1234") is None
    assert cases.progress_for_public("ZX209901010001", "5678") is None
    assert CaseStep.objects.filter(case=case).count() == 2


def test_case7_the_applicant_is_told_by_sms_when_configured(actor, desk, settings, capsys,
                                                           django_capture_on_commit_callbacks):
    settings.SERVICEHALL_NOTIFIERS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.ConsoleSms"]
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.ConsoleBackend"  # sent on commit
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-03-02"))
    with django_capture_on_commit_callbacks(execute=True):
        cases.decide(actor, case, True, now=at("2026-03-03"))
    assert case.steps.get(kind="decision").data["notified"] is True
    assert "138****5678" in capsys.readouterr().err


def test_case7_a_rolled_back_decision_texts_nobody(actor, desk, settings, capsys, django_capture_on_commit_callbacks):
    """ARCHITECTURE: side effects with transaction.on_commit — the SMS leaves with the commit, or not at all."""
    from django.db import transaction

    settings.SERVICEHALL_NOTIFIERS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.ConsoleSms"]

    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.ConsoleBackend"  # sent on commit
    case = cases.receive_case(actor, desk, "SJ-002", person(), FULL, now=at("2026-03-02"))

    class Undo(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Undo), transaction.atomic():
            cases.decide(actor, case, True, now=at("2026-03-03"))
            raise Undo
    assert callbacks == [] and "138****5678" not in capsys.readouterr().err
    assert not case.steps.filter(kind="decision").exists()
