"""ATT-2 approval route, NV-10 prediction, corrections and appeals as events, alerts, the worker tick."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from servicehall.audit.services import system_actor
from servicehall.core.models import Notification
from servicehall.duty import services as duty
from servicehall.duty.engine import leave_approved
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Anomaly, Event, Vacancy
from servicehall.duty.ticks import tick
from servicehall.errors import RuleViolation
from servicehall.org.models import Center, Staff

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
# Requests are filed before the days they ask for (a later one is retroactive: issue 17 item 2).
FILED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


@pytest.fixture
def zx():
    import_scenario(system_actor("import"), {**BASE, "events": []})
    return Center.objects.get(code="ZX")


@pytest.fixture
def boss():
    return system_actor("office")


def staff(code):
    return Staff.objects.get(code=code)


def test_att2_one_day_needs_the_department_leader_only(zx, boss):
    req = duty.request_absence(boss, zx, staff("S002"), "leave", at("2026-03-10", "08:30"), at("2026-03-10", "17:30"), now=FILED)
    assert leave_approved(req, []) is None  # pending: not in order yet
    duty.approve_absence(boss, req, "department")
    approvals = list(req.followups.filter(type="approval"))
    assert leave_approved(req, approvals) is True


def test_att2_two_days_also_filed_with_the_office(zx, boss):
    req = duty.request_absence(boss, zx, staff("S002"), "leave", at("2026-03-10", "08:30"), at("2026-03-11", "17:30"), now=FILED)
    duty.approve_absence(boss, req, "department")
    assert leave_approved(req, list(req.followups.filter(type="approval"))) is None
    duty.approve_absence(boss, req, "office")
    assert leave_approved(req, list(req.followups.filter(type="approval"))) is True
    with pytest.raises(RuleViolation):
        duty.approve_absence(boss, req, "office")  # one decision per level


def test_nv10_approval_that_empties_a_post_needs_an_override(zx, boss):
    b_leave = duty.request_absence(boss, zx, staff("S002"), "leave", at("2026-03-10", "08:30"),
                                   at("2026-03-10", "17:30"), now=FILED)
    duty.approve_absence(boss, b_leave, "department")
    a_meeting = duty.request_absence(boss, zx, staff("S001"), "away", at("2026-03-10", "09:00"),
                                     at("2026-03-10", "10:00"), kind="meeting", now=FILED)
    gaps = duty.predict(zx, staff("S001"), a_meeting.start, a_meeting.end, ignore=a_meeting)
    assert [(g.post.code, g.date, g.minutes) for g in gaps] == [("P01", dt.date(2026, 3, 10), 60)]
    assert [c.code for c in gaps[0].candidates] == ["S009"]  # qualified, free; S010 is not qualified
    with pytest.raises(RuleViolation) as e:
        duty.approve_absence(boss, a_meeting, "department")
    assert "P01" in str(e.value) and "60 minutes" in str(e.value) and "王九" in str(e.value) and "S009" not in str(e.value)  # names, not codes (issue 17)
    assert not a_meeting.followups.exists()
    duty.approve_absence(boss, a_meeting, "department", override_reason="县政府紧急会议，已安排S009顶岗")
    assert a_meeting.followups.get().reason.startswith("县政府")


def test_nv10_a_stand_in_removes_the_gap(zx, boss):
    b_leave = duty.request_absence(boss, zx, staff("S002"), "leave", at("2026-03-10", "08:30"),
                                   at("2026-03-10", "17:30"), now=FILED)
    duty.approve_absence(boss, b_leave, "department")
    duty.record_event(boss, zx, {"type": "stand_in", "post": "P01", "staff": "S009",
                                 "start": at("2026-03-10", "08:30"), "end": at("2026-03-10", "12:00")})
    assert duty.predict(zx, staff("S001"), at("2026-03-10", "09:00"), at("2026-03-10", "10:00")) == []


def test_nv7_stand_in_must_be_qualified(zx, boss):
    with pytest.raises(RuleViolation) as e:
        duty.record_event(boss, zx, {"type": "stand_in", "post": "P01", "staff": "S010",
                                     "start": at("2026-03-10", "08:30"), "end": at("2026-03-10", "12:00")})
    assert "NV-7" in str(e.value) and "失业登记" in str(e.value)  # the item by its name (issue 17)
    assert not Event.objects.filter(type="stand_in").exists()


def test_corrections_and_appeals_are_events_that_rederive(zx, boss):
    data = json.loads((Path(__file__).parent / "scenarios/nv6_a_absent_b_away.json").read_text())
    import_scenario(system_actor("import"), {**BASE, "events": data["events"]})
    v = Vacancy.objects.get()
    with pytest.raises(RuleViolation):
        duty.waive_vacancy(boss, v, "  ")
    duty.waive_vacancy(boss, v, "考勤机故障，经核实A岗在岗")
    assert not Vacancy.objects.exists()
    waiver = Event.objects.get(type="waiver")
    assert waiver.actor.username == "_office" and "考勤机" in waiver.reason
    duty.void_event(boss, waiver, "裁定有误，撤销")
    assert Vacancy.objects.count() == 1
    away = Event.objects.get(ext_id="b-away")
    duty.void_event(boss, away, "会议取消，录入错误")
    # B was present all day after all: no vacancy, A's absence is covered by B (NV-2).
    assert not Vacancy.objects.exists()


def test_alerts_go_to_the_window_head_and_the_office(zx, boss, django_capture_on_commit_callbacks):
    import_scenario(system_actor("import"), {**BASE, "staff": BASE["staff"] + [
        {"code": "S050", "name": "周科长", "department": "RS", "roles": ["window_head"]}], "events": []})
    with django_capture_on_commit_callbacks(execute=True):  # alerts leave once the write has committed
        duty.record_event(boss, zx, {"type": "clock_in", "staff": "S002", "at": at("2026-03-03", "08:20"),
                                     "reason": "补录"})
        duty.record_event(boss, zx, {"type": "away", "staff": "S002", "kind": "business", "approved": True,
                                     "start": at("2026-03-03", "09:00"), "end": at("2026-03-03", "10:00")})
    to = set(Notification.objects.values_list("recipient__code", flat=True))
    assert to == {"S050", "S099"}
    assert "09:00" in Notification.objects.first().text


def test_worker_tick_turns_today_red_within_the_minute(zx, boss):
    now = at("2026-03-03", "09:05")
    duty.record_event(boss, zx, {"type": "clock_in", "staff": "S002", "at": at("2026-03-03", "08:20"),
                                 "reason": "补录"}, now=now)
    duty.record_event(boss, zx, {"type": "away", "staff": "S002", "kind": "business", "approved": True,
                                 "start": at("2026-03-03", "09:00"), "end": at("2026-03-03", "11:00")}, now=now)
    v = Vacancy.objects.get()
    assert v.open and v.minutes == 6  # 09:00 through the minute in progress
    tick(at("2026-03-03", "09:20"))
    v = Vacancy.objects.get()
    assert v.open and v.minutes == 21
    tick(at("2026-03-03", "11:30"))
    v = Vacancy.objects.get()
    assert not v.open and v.minutes == 120


def test_nv3_handover_filed_a_day_ahead_keeps_a_leave_in_order(zx, boss):
    from servicehall.org.models import Post

    post = Post.objects.get(code="P01")
    duty.file_handover(boss, zx, post, staff("S002"), dt.date(2026, 3, 10), now=at("2026-03-09", "16:00"))
    duty.record_event(boss, zx, {"type": "leave", "staff": "S001", "approved": True,
                                 "start": at("2026-03-10", "08:30"), "end": at("2026-03-10", "17:30")})
    duty.record_event(boss, zx, {"type": "leave", "staff": "S002", "approved": True,
                                 "start": at("2026-03-10", "14:30"), "end": at("2026-03-10", "17:30")})
    duty.record_event(boss, zx, {"type": "clock_in", "staff": "S002", "at": at("2026-03-10", "08:20"),
                                 "reason": "补录"})
    assert [v.answerable_kind for v in Vacancy.objects.all()] == ["department"]
    with pytest.raises(RuleViolation):
        duty.file_handover(boss, zx, post, staff("S001"), dt.date(2026, 3, 11))  # to oneself


def test_att2_return_from_leave_ends_it(zx, boss):
    leave = duty.request_absence(boss, zx, staff("S002"), "leave", at("2026-03-10", "08:30"),
                                 at("2026-03-10", "17:30"), now=FILED)
    duty.approve_absence(boss, leave, "department")
    duty.return_from_leave(boss, leave, at("2026-03-10", "13:00"))
    with pytest.raises(RuleViolation):
        duty.return_from_leave(boss, leave, at("2026-03-10", "14:00"))
    # A is not there and B's leave ended at 13:00: the afternoon is B's presence question, not a leave.
    duty.record_event(boss, zx, {"type": "clock_in", "staff": "S009", "at": at("2026-03-10", "08:20"),
                                 "reason": "补录"})
    kinds = {(v.start.astimezone(TZ).strftime("%H:%M"), v.answerable_kind) for v in Vacancy.objects.all()}
    assert ("14:30", "a") in kinds
    assert not any(k == "department" for _t, k in kinds)


def test_nv7_assign_stand_in_service(zx, boss):
    from servicehall.org.models import Post

    ev = duty.assign_stand_in(boss, zx, Post.objects.get(code="P01"), staff("S009"), at("2026-03-10", "08:30"),
                              at("2026-03-10", "12:00"))
    assert ev.type == "stand_in" and ev.actor.username == "_office"


def test_nv10_candidates_exclude_people_already_standing_in(zx, boss):
    import_scenario(system_actor("import"), {**BASE, "posts": BASE["posts"] + [
        {"code": "P02", "window": "W02", "department": "RS", "a": "S009", "b": "S002", "items": ["RS-001"]}],
        "events": []})
    from servicehall.org.models import Post

    b_leave = duty.request_absence(boss, zx, staff("S002"), "leave", at("2026-03-10", "08:30"),
                                   at("2026-03-10", "17:30"), now=FILED)
    duty.approve_absence(boss, b_leave, "department", override_reason="test")
    p2 = Post.objects.get(code="P02")
    duty.assign_stand_in(boss, zx, p2, staff("S009"), at("2026-03-10", "08:30"), at("2026-03-10", "12:00"))
    gaps = duty.predict(zx, staff("S001"), at("2026-03-10", "09:00"), at("2026-03-10", "10:00"))
    assert [g.post.code for g in gaps] == ["P01"]
    assert "S009" not in [c.code for c in gaps[0].candidates]


def test_one_persons_ladder_equals_their_rows_of_the_whole_ladder(actor, center):
    """NV-8 ranks are per person: reading one person's ladder gives exactly their rows of everyone's."""
    import datetime as dt

    from servicehall.duty.models import Vacancy
    from servicehall.duty.queries import sanctions
    from servicehall.org import services as org
    from servicehall.org.models import Department

    tz = dt.timezone(dt.timedelta(hours=8))
    p1 = org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    p2 = org.save_post(actor, center, "P02", window="W02", a="S004", b="S005", items=["SJ-001"])
    days = {p1: ["2026-03-02", "2026-03-09", "2026-05-11"], p2: ["2026-03-03", "2026-03-04"]}
    for post, dates in days.items():
        for d in dates:
            start = dt.datetime.fromisoformat(d).replace(hour=9, tzinfo=tz)
            Vacancy.objects.create(center=center, post=post, date=start.date(), start=start,
                                   end=start + dt.timedelta(minutes=30), minutes=30, answerable_kind="a",
                                   staff=post.a, department=Department.objects.get(pk=post.department_id),
                                   answerable=post.a.code, reason="test")
    everyone = sanctions(center, 2026)
    for code in ("S001", "S004", "S002"):
        assert sanctions(center, 2026, code) == [s for s in everyone if s.staff == code]
    assert [s.level for s in sanctions(center, 2026, "S001")] == [
        "criticism", "public_criticism_transfer", "public_criticism_admonition"]


def test_a_rolled_back_write_alerts_nobody(zx, boss, django_capture_on_commit_callbacks):
    """ARCHITECTURE: side effects after commit — the vacancy's alert is scheduled, and dropped with the write."""
    from django.db import transaction

    import_scenario(system_actor("import"), {**BASE, "staff": BASE["staff"] + [
        {"code": "S050", "name": "周科长", "department": "RS", "roles": ["window_head"]}], "events": []})
    duty.record_event(boss, zx, {"type": "clock_in", "staff": "S002", "at": at("2026-03-03", "08:20"),
                                 "reason": "补录"})

    class Undo(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Undo), transaction.atomic():
            duty.record_event(boss, zx, {"type": "away", "staff": "S002", "kind": "business", "approved": True,
                                         "start": at("2026-03-03", "09:00"), "end": at("2026-03-03", "10:00")})
            raise Undo
    assert callbacks == [] and not Notification.objects.exists()


def test_a_retroactive_leave_needs_a_reason_the_offices_approval_and_shows_its_effect_first(zx, boss):
    """Issue 17 item 2 (ATT-2, NV-6): a leave filed after the day it covers is flagged retroactive; it needs its
    reason, the office approves it after the department, and before approval the vacancy minutes it would
    change are shown — computed without keeping anything."""
    data = json.loads((Path(__file__).parent / "scenarios/nv6_a_absent_b_away.json").read_text())
    import_scenario(system_actor("import"), {**BASE, "events": data["events"]})
    a = staff("S001")
    later = at("2026-03-05", "10:00")
    with pytest.raises(RuleViolation) as e:
        duty.request_absence(boss, zx, a, "leave", at("2026-03-03", "08:30"), at("2026-03-03", "17:30"), now=later)
    assert "reason" in e.value.as_dict()
    leave = duty.request_absence(boss, zx, a, "leave", at("2026-03-03", "08:30"), at("2026-03-03", "17:30"),
                                 reason="突发急病，补请病假", now=later)
    assert leave.filed_at == later
    from servicehall.duty.engine import retroactive

    assert retroactive(leave)
    before = list(Vacancy.objects.values_list("answerable", "minutes"))
    effect = duty.retroactive_effect(leave)
    # Without a handover A still answers for the hour B was away (NV-3), but the day's 旷工 goes (ATT-1, ATT-2).
    assert [(x.date.isoformat(), x.who, x.kind, x.before, x.after) for x in effect] == [
        ("2026-03-03", a.name, "absent", 1, 0)]
    assert effect[0].kind_label == "旷工" or effect[0].kind_label
    assert list(Vacancy.objects.values_list("answerable", "minutes")) == before  # nothing kept
    assert Event.objects.filter(pk=leave.pk, approved__isnull=True).exists()
    why = "事后补假：B岗当时在会，已核实"  # the hour was empty then (NV-10)
    duty.approve_absence(boss, leave, "department", override_reason=why)
    leave.refresh_from_db()
    approvals = list(leave.followups.filter(type="approval"))
    assert leave_approved(leave, approvals) is None  # the office still approves a retroactive request
    duty.approve_absence(boss, leave, "office", override_reason=why)
    assert not Anomaly.objects.filter(staff=a, kind="absent").exists()
    on_time = duty.request_absence(boss, zx, a, "leave", at("2026-03-10", "08:30"), at("2026-03-10", "17:30"),
                                   now=later)
    assert not retroactive(on_time) and duty.retroactive_effect(on_time) == []
