"""SEC-5, generated: every role and every device kind × every write action × own / other department × own / other
center, through the real services. The expectation is read from the permission table; a refusal must be a
Forbidden (a 403) that changed nothing.

The world: center ZX (departments SJ — the actors' own — and RS), and a second center QT shaped alike. In each
place there is a window with a post, an item, a person, an accepted case, a leave request, a supervised
complaint, a poor rating and a waiting ticket, all made by the setup job. Each attempt runs in a savepoint that
is rolled back, so every attempt meets the same world.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from servicehall.assessment import inspections
from servicehall.assessment import services as assessment
from servicehall.assessment.models import Inspection, ReplacementRequest
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor
from servicehall.cases import assist, courier
from servicehall.cases import services as cases
from servicehall.cases.models import Case, CaseStep
from servicehall.catalog import services as catalog
from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Device, DeviceKind
from servicehall.duty import services as duty
from servicehall.duty.models import Event, Vacancy
from servicehall.errors import RuleViolation
from servicehall.feedback import inquiries
from servicehall.feedback import services as feedback
from servicehall.feedback.models import Complaint
from servicehall.org import services as org
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff, StaffRole, Window
from servicehall.org.permissions import DEVICE_TABLE, TABLE, Forbidden, Scope
from servicehall.tickets import appointments
from servicehall.tickets import services as queue
from servicehall.tickets.models import BadRatingCase, Rating, Ticket

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 9, 15, 10, 0, tzinfo=TZ)  # a Tuesday, a working day, inside opening hours
SETUP = Actor(user=None, label="matrix setup", system=True)
WHERE = ("own_department", "other_department", "other_center")


@dataclass
class Place:
    """What one department of one center holds for the attempts."""

    center: Center
    dept_code: str
    window: Window = None
    person: Staff = None
    b: Staff = None
    item: str = ""
    case: Case = None
    extension: CaseStep = None
    leave: Event = None
    complaint: Complaint = None
    bad: BadRatingCase = None
    post: Any = None
    extra: dict = field(default_factory=dict)

    @property
    def department(self):
        return self.center.departments.get(code=self.dept_code)


def _place(center: Center, dept: str, n: int, pad: Device) -> Place:
    p = Place(center, dept)
    org.save_window(SETUP, center, f"M{n}", f"{n}号窗口", dept)
    p.item = f"{dept}-M{n}"
    catalog.save_item(SETUP, center, p.item, f"测试事项{n}", dept, promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}])
    p.person = org.save_staff(SETUP, center, f"A{n}", f"甲{n}", dept, roles=["window"], qualified=[p.item])
    p.b = org.save_staff(SETUP, center, f"B{n}", f"乙{n}", dept, roles=["window"], qualified=[p.item])
    p.post = org.save_post(SETUP, center, f"P{n}", window=f"M{n}", a=p.person.code, b=p.b.code, items=[p.item])
    p.window = Window.objects.get(center=center, code=f"M{n}")
    clerk = Actor(user=None, label="clerk", staff=p.person, system=True)
    applicant = cases.Applicant("person", "王小明", "13812345678", "11010519491231002X")
    p.case = cases.receive_case(clerk, center, p.item, applicant, [{"name": "申请书"}], now=NOW)
    p.extension = cases.request_extension(clerk, p.case, 3, "需现场核查", now=NOW)
    p.leave = duty.request_absence(SETUP, center, p.person, "leave", NOW + dt.timedelta(days=7),
                                   NOW + dt.timedelta(days=7, hours=2), reason="事假")
    c = feedback.file_complaint(SETUP, center, channel="online", ground="attitude", matter="态度不好")
    feedback.intake(SETUP, c, "register", department=p.department, now=NOW)
    p.complaint = feedback.supervise(SETUP, c, p.department, 3, "请核实", now=NOW)
    # A finished service rated poorly by the window's pad opens the department's poor-rating case (EVAL-2).
    t = queue.issue_ticket(SETUP, center, p.item, now=NOW)
    queue.call_next(clerk, p.window, now=NOW)
    queue.start(SETUP, t, now=NOW)
    queue.finish(SETUP, t, now=NOW)
    pad.window = p.window
    pad.save()
    queue.rate(duty.device_actor(pad), t, 1, now=NOW)
    p.bad = BadRatingCase.objects.get(rating__ticket=t)
    p.extra["appeal"] = queue.appeal_rating(SETUP, p.bad.rating, "malicious", "恶意差评")  # EVAL-5, to decide
    queue.issue_ticket(SETUP, center, p.item, now=NOW)  # one waiting for the next call
    return p


@pytest.fixture
def world(center):
    org.save_center(SETUP, "ZX", center.name, policy={"sessions": [["00:00", "23:59"]]})
    other = org.save_center(SETUP, "QT", "另一个县政务服务中心", policy={"sessions": [["00:00", "23:59"]]})
    for code, name in (("SJ", "市场监管局"), ("RS", "人社局"), ("ZX", "管理办公室")):
        org.save_department(SETUP, other, code, name)
    pads = {c.code: duty.register_device(SETUP, c, "PADX", "评价器", kind="pad",
                                         window=c.windows.first() or org.save_window(SETUP, c, "W00", "0号", "SJ"))[0]
            for c in (center, other)}
    places = {
        "own_department": _place(center, "SJ", 1, pads["ZX"]),
        "other_department": _place(center, "RS", 2, pads["ZX"]),
        "other_center": _place(other, "SJ", 3, pads["QT"]),
    }
    # The acting people: one per role, in SJ of ZX, holding only that role and serving no window.
    people = {}
    for role in Role.values:
        people[role] = org.save_staff(SETUP, center, f"R-{role}"[:20], f"角色{role}", "SJ", roles=[role])
    people[""] = org.save_staff(SETUP, center, "R-none", "无角色", "SJ")
    return {"places": places, "people": people, "center": center, "other": other}


class _Rollback(Exception):
    pass


def _counts() -> tuple[int, ...]:
    return (AuditRecord.objects.count(), Event.objects.count(), Case.objects.count(), CaseStep.objects.count(),
            Ticket.objects.filter(status="waiting").count(), Complaint.objects.filter(status="replied").count(),
            Rating.objects.count(), StaffRole.objects.count(), Window.objects.count(), Device.objects.count())


def attempt(fn, *args) -> bool:
    """True when the door let the actor through (a rule may still refuse); False for a Forbidden, which must
    have changed nothing."""
    outcome = None
    try:
        with transaction.atomic():
            before = _counts()
            try:
                fn(*args)
                outcome = True
            except Forbidden:
                assert _counts() == before, "a refusal changed something (SEC-5)"
                outcome = False
            except RuleViolation:
                outcome = True
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def _vacancy(p: Place) -> Vacancy:
    """A vacancy of the place's A (NV-6), for the appeal: made inside the attempt's savepoint."""
    return Vacancy.objects.create(center=p.center, post=p.post, date=NOW.date(), start=NOW,
                                  end=NOW + dt.timedelta(minutes=30), minutes=30, answerable_kind="a",
                                  staff=p.person, department=p.department, answerable=p.person.code, reason="测试")


def _replacement(p: Place) -> ReplacementRequest:
    """The center's request to replace the place's A (ASM-2), made inside the attempt's savepoint."""
    return ReplacementRequest.objects.create(center=p.center, staff=p.person, department=p.department,
                                             month=dt.date(2026, 8, 1), points=55, reason="考核不称职",
                                             requested_at=NOW)
def _inspection(p: Place) -> Inspection:
    """A finding naming the place's A (ASM-3), for the answer and the decision: made inside the attempt's
    savepoint."""
    return Inspection.objects.create(center=p.center, number=f"JC-{p.person.code}", at=NOW - dt.timedelta(hours=1),
                                     window=p.window, staff=p.person, department=p.department, kind="games",
                                     description="玩游戏")


# action → (what the target is, the call). "department": the target belongs to a department of a center;
# "center": to the center as a whole.
def _actions() -> dict[str, tuple[str, Any]]:
    return {
        "case.receive": ("department", lambda a, p, w: cases.receive_case(
            a, p.center, p.item, cases.Applicant("person", "李", "13812345678", "11010519491231002X"),
            [{"name": "申请书"}], now=NOW)),
        "case.handle": ("department", lambda a, p, w: cases.refuse(a, p.case, "不符合条件", "某条例第三条", now=NOW)),
        "case.decide": ("department", lambda a, p, w: cases.decide(a, p.case, True, now=NOW)),
        "case.extension.decide": ("center", lambda a, p, w: cases.decide_extension(a, p.extension, True, now=NOW)),
        "duty.clock": ("department", lambda a, p, w: duty.record_event(
            a, p.center, {"type": "clock_in", "staff": p.person, "at": NOW, "reason": "补录"}, now=NOW)),
        "duty.adjudicate": ("center", lambda a, p, w: duty.void_event(a, p.leave, "录入错误")),
        "duty.waive_day": ("center", lambda a, p, w: duty.waive_day(a, p.center, NOW.date(), "考勤机故障")),
        "duty.appeal": ("department", lambda a, p, w: duty.appeal_vacancy(a, _vacancy(p), "考勤机故障，本人在岗")),
        "duty.extended": ("center", lambda a, p, w: duty.save_extended_session(
            a, p.center, (NOW + dt.timedelta(days=4)).date(), dt.time(9), dt.time(12), [p.window])),
        "absence.request": ("department", lambda a, p, w: duty.request_absence(
            a, p.center, p.person, "leave", NOW + dt.timedelta(days=9), NOW + dt.timedelta(days=9, hours=1),
            reason="事假", now=NOW)),
        "absence.approve": ("department", lambda a, p, w: duty.approve_absence(a, p.leave, "department", now=NOW)),
        "absence.return": ("department", lambda a, p, w: duty.return_from_leave(
            a, p.leave, p.leave.start + dt.timedelta(hours=1), now=NOW)),
        "absence.file": ("center", lambda a, p, w: duty.approve_absence(a, p.leave, "office", now=NOW)),
        "handover.file": ("department", lambda a, p, w: duty.file_handover(
            a, p.center, p.post, p.b, (NOW + dt.timedelta(days=2)).date(), now=NOW)),
        "window.pause": ("department", lambda a, p, w: duty.record_event(
            a, p.center, {"type": "pause", "staff": p.person, "window": p.window, "start": NOW}, now=NOW)),
        "ticket.issue": ("center", lambda a, p, w: queue.issue_ticket(a, p.center, p.item, now=NOW)),
        "ticket.serve": ("department", lambda a, p, w: queue.call_next(a, p.window, now=NOW)),
        "ticket.front": ("center", lambda a, p, w: queue.move_to_front(
            a, Ticket.objects.filter(center=p.center, status="waiting").first(), "行动不便的老人", now=NOW)),
        "queue.limits": ("center", lambda a, p, w: queue.save_queue_limit(
            a, p.center, ServiceItem.objects.get(center=p.center, code=p.item), 50, 10)),
        "rating.handle": ("department", lambda a, p, w: queue.handle_bad_rating(
            a, p.bad, verified=True, rectification="已整改", now=NOW)),
        "rating.appeal": ("department", lambda a, p, w: queue.appeal_rating(a, p.bad.rating, "mistaken", "非本人办理")),
        "rating.appeal.decide": ("center", lambda a, p, w: queue.decide_rating_appeal(
            a, p.extra["appeal"], True, "核实为恶意差评", now=NOW)),
        "rating.reasons": ("center", lambda a, p, w: queue.save_reason(a, p.center, 2, "窗口无人", sort=50)),
        "queue.slots": ("center", lambda a, p, w: appointments.open_slot(
            a, p.center, p.item, (NOW + dt.timedelta(days=1)).date(), dt.time(9), dt.time(10))),
        # nobody is blocked in the world, so an allowed lift meets the rule (a RuleViolation, still allowed)
        "appointment.lift_block": ("center", lambda a, p, w: appointments.lift_block(
            a, p.center, "11010519491231002X", "核实为系统故障", now=NOW)),
        "complaint.handle": ("center", lambda a, p, w: feedback.file_complaint(
            a, p.center, channel="phone", ground="attitude", matter="电话投诉")),
        "complaint.reply": ("department", lambda a, p, w: feedback.department_reply(
            a, p.complaint, "已核实", "已整改", True, now=NOW)),
        "accountability.record": ("center", lambda a, p, w: feedback.hold_accountable(
            a, p.center, p.person, "admonition", NOW.date(), note="测试")),
        "sms.template.edit": ("center", lambda a, p, w: org.save_sms_template(
            a, p.center, "complaint-answered", "投诉{code}已答复")),
        "outbox.resend": ("center", lambda a, p, w: org.resend_dead(a, p.center)),
        "assessment.praise": ("center", lambda a, p, w: assessment.record_praise(
            a, p.center, p.person, "letter", NOW.date(), "群众来信表扬", now=NOW)),
        "assessment.close": ("center", lambda a, p, w: assessment.close_month(a, p.center, dt.date(2026, 8, 1), now=NOW)),
        # ASM-2: August is not closed, so an allowed request meets the rule (a RuleViolation, still allowed).
        "assessment.replace": ("center", lambda a, p, w: assessment.request_replacement(
            a, p.center, p.person, dt.date(2026, 8, 1), "考核不称职", now=NOW)),
        "assessment.replace_answer": ("department", lambda a, p, w: assessment.answer_replacement(
            a, _replacement(p), False, reason="该同志已整改", now=NOW)),
        "assessment.report": ("center", lambda a, p, w: assessment.generate_report(
            a, p.center, "weekly", dt.date(2026, 9, 7), now=NOW)),
        "inspection.record": ("department", lambda a, p, w: inspections.record_inspection(
            a, p.center, at=NOW - dt.timedelta(hours=1), kind="games", description="玩游戏", window=p.window,
            staff=p.person, now=NOW)),
        "inspection.answer": ("department", lambda a, p, w: inspections.answer_inspection(
            a, _inspection(p), "当时在查询系统", now=NOW)),
        "inspection.decide": ("center", lambda a, p, w: inspections.decide_inspection(
            a, _inspection(p), True, "属实", now=NOW)),
        "inquiry.register": ("center", lambda a, p, w: inquiries.register(
            a, p.center, channel="visit", asker="王", matter="咨询", now=NOW)),
        "assist.handle": ("center", lambda a, p, w: assist.register_assist(
            a, p.center, applicant_name="张老", phone="13812345678", group="elderly", place="家中",
            assignee=p.person, now=NOW)),
        "courier.handover": ("department", lambda a, p, w: courier.log_handover(
            a, p.center, [p.case], p.person, p.b, now=NOW)),
        "courier.schedule": ("center", lambda a, p, w: courier.set_schedule(a, p.department, p.person, ["10:00"])),
        "org.edit": ("center", lambda a, p, w: org.save_window(a, p.center, "MX", "新窗口", p.dept_code)),
        "catalog.edit": ("center", lambda a, p, w: catalog.save_item(a, p.center, "NEW-1", "新事项", p.dept_code,
                                                                    promised_days=1, statutory_days=2)),
        "policy.edit": ("center", lambda a, p, w: org.save_center(a, p.center.code, p.center.name,
                                                                 policy={"clock_in_grace": 5})),
        "calendar.edit": ("center", lambda a, p, w: org.save_calendar_day(a, p.center, dt.date(2026, 12, 31), False,
                                                                         "本地休息日")),
        "device.manage": ("center", lambda a, p, w: duty.register_device(a, p.center, "NEWDEV", "新考勤机")),
        "account.manage": ("department", lambda a, p, w: org.save_staff(
            a, p.center, p.b.code, p.b.name, p.dept_code, roles=["window", "approver"], qualified=[p.item])),
    }


ACTIONS = _actions()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the reports' .docx files an allowed attempt writes (ASM-5)


def expected(role: str, action: str, where: str, kind: str) -> bool:
    """What the table says for a person holding only ``role`` in SJ of ZX, serving no window, acting on
    someone else's record ``where``."""
    scope = TABLE[action].get(role)
    if scope is None or where == "other_center":  # QT is not under ZX: no county reaches it
        return False
    if kind == "center" or where == "other_department":
        return scope >= Scope.CENTER
    return scope >= Scope.DEPARTMENT


def test_every_write_action_of_the_table_is_in_the_matrix():
    """A new action in the table needs its row here (reads and device-only actions are tested elsewhere)."""
    reads = {a for a in TABLE if a.endswith(".read")} | {"case.receive_joint", "inquiry.settle", "ticket.rate",
                                                          "appointment.check_in"}
    assert set(TABLE) - reads == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_sec5_matrix_people(world, action):
    kind, call = ACTIONS[action]
    wrong = []
    for role, person in world["people"].items():
        actor = Actor(user=None, label=f"matrix {role}", staff=person)
        for where in WHERE:
            got = attempt(call, actor, world["places"][where], where)
            want = expected(role, action, where, kind) if role else False
            if got != want:
                wrong.append(f"{role or 'no role'} × {where}: {'allowed' if got else 'refused'}, "
                             f"the table says {'allowed' if want else 'refused'}")
    assert not wrong, "\n".join(wrong)


DEVICE_CALLS = {
    "device.clock": lambda a, p: duty.record_event(a, p.center, {"type": "clock_in", "staff": p.person, "at": NOW},
                                                   source="device", now=NOW),
    "window.pause": lambda a, p: duty.record_event(a, p.center, {"type": "pause", "staff": p.person,
                                                                 "window": p.window, "start": NOW},
                                                   source="device", now=NOW),
    "ticket.issue": lambda a, p: queue.issue_ticket(a, p.center, p.item, now=NOW),
    "ticket.serve": lambda a, p: queue.call_next(Actor(user=a.user, label=a.label, staff=p.person, device=a.device),
                                                 p.window, now=NOW),
    "ticket.rate": lambda a, p: queue.rate(a, p.bad.rating.ticket, 5, now=NOW),
}


@pytest.mark.parametrize("kind", DeviceKind.values)
def test_sec5_matrix_devices(world, kind):
    """Each device kind, bound (where it is window-bound) to the own department's window of ZX, against the
    own window, another window of its center, and another center."""
    own = world["places"]["own_department"]
    device, _token = duty.register_device(SETUP, world["center"], f"D-{kind}", kind,
                                          kind=kind, window=own.window if kind in ("caller", "pad", "workstation")
                                          else None)
    actor = duty.device_actor(device)
    wrong = []
    for action, call in DEVICE_CALLS.items():
        for where in WHERE:
            place = world["places"][where]
            got = attempt(call, actor, place)
            window_bound = kind in ("caller", "pad", "workstation")
            want = kind in DEVICE_TABLE[action] and where != "other_center" and not (
                window_bound and where == "other_department" and action != "device.clock")
            if action in ("ticket.issue", "device.clock"):
                want = kind in DEVICE_TABLE[action] and where != "other_center"
            if got != want:
                wrong.append(f"{kind} × {action} × {where}: {'allowed' if got else 'refused'}, "
                             f"the table says {'allowed' if want else 'refused'}")
    assert not wrong, "\n".join(wrong)


def test_sec5_an_inactive_person_and_an_anonymous_user_are_refused(world):
    from django.contrib.auth.models import AnonymousUser

    person = world["people"][Role.OFFICE]
    Staff.objects.filter(pk=person.pk).update(active=False)
    person.refresh_from_db()
    place = world["places"]["own_department"]
    assert attempt(feedback.intake, Actor(user=None, label="x", staff=person), place.complaint, "invalid") is False
    with pytest.raises(PermissionError):
        Actor.of(AnonymousUser())
