"""ASM-3, ATT-5: inspections (明察暗访) — recording a finding (every refusal names its field and writes nothing,
evidence checked by content), the person's answer, the office's decision; media exposure removing the person from
the post (B covers under the AB rules, vacancies charged per NV-6) and listed for the yearly award list; the
``inspection`` deduction of the scores (ASM-2), a late confirmation as an adjustment; the pages and SEC-5."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicehall.assessment import inspections
from servicehall.assessment import services as assessment
from servicehall.assessment.inspections import (
    answer_inspection,
    decide_inspection,
    media_exposures,
    record_inspection,
)
from servicehall.assessment.models import Inspection, InspectionEvidence
from servicehall.assessment.scores import month_scores
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor, system_actor
from servicehall.duty import engine
from servicehall.duty import services as duty
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Anomaly, Event, EventType, Vacancy
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Center, Staff, Window
from servicehall.org.permissions import Forbidden

from ..duty.test_scenarios import BASE

pytestmark = pytest.mark.django_db
PASSWORD = "inspection-2026-Pw"
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


def who(code: str) -> Actor:
    return Actor(user=None, label=code, staff=Staff.objects.get(code=code))


def image(fmt: str = "PNG", name: str = "photo.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def zx():
    boss = system_actor("setup")
    import_scenario(system_actor("import"), {**BASE, "events": []})
    center = Center.objects.get(code="ZX")
    org.save_department(boss, center, "SJ", "县市场监管局")
    org.save_department(boss, center, "ZX", "中心管理办公室")
    org.save_staff(boss, center, "S004", "赵六", "RS", roles=["dept_leader"])
    org.save_staff(boss, center, "S005", "钱七", "SJ", roles=["window"])
    org.save_staff(boss, center, "S800", "孙督查", "ZX", roles=["inspector"])
    org.save_staff(boss, center, "S900", "周主任", "ZX", roles=["office"])
    org.save_staff(boss, center, "S950", "吴管理", "ZX", roles=["sys_admin"])
    return center


def finding(center: Center, **kw) -> Inspection:
    args = {"at": at("2026-03-05", "10:00"), "kind": "games", "description": "窗口工作人员上班时间玩手机游戏",
            "window": Window.objects.get(center=center, code="W01"), "staff": Staff.objects.get(code="S001"),
            "now": at("2026-03-05", "11:00")}
    args.update(kw)
    return record_inspection(who("S800"), center, **args)


# -- services -------------------------------------------------------------------------------------------
def test_an_inspector_records_the_person_answers_once_the_office_decides_once(zx):
    insp = finding(zx, hidden=True, evidence=[image(), image("JPEG", "still.jpg"), image("WEBP", "s.webp")])
    assert insp.number == "JC20260305001" and insp.department.code == "RS" and insp.state == "open" and insp.hidden
    assert [e.content_type for e in insp.evidence.all()] == ["image/png", "image/jpeg", "image/webp"]
    assert AuditRecord.objects.filter(action="inspection.record").count() == 1
    assert finding(zx).number == "JC20260305002"

    with pytest.raises(Forbidden):  # only the person named answers (SEC-5)
        answer_inspection(who("S002"), insp, "不是我")
    answer_inspection(who("S001"), insp, "当时在等待系统响应", now=at("2026-03-05", "15:00"))
    insp.refresh_from_db()
    assert insp.state == "answered" and insp.answer == "当时在等待系统响应"
    with pytest.raises(RuleViolation) as e:
        answer_inspection(who("S001"), insp, "再补充一句")
    assert "state" in e.value.as_dict()

    with pytest.raises(Forbidden):  # a department leader does not decide (the office does)
        decide_inspection(who("S004"), insp, True, "属实")
    with pytest.raises(RuleViolation) as e:
        decide_inspection(who("S900"), insp, True, "  ")
    assert "decision_note" in e.value.as_dict()
    decide_inspection(who("S900"), insp, True, "经查看视频属实", now=at("2026-03-06", "09:00"))
    insp.refresh_from_db()
    assert insp.state == "confirmed" and insp.decided_at == at("2026-03-06", "09:00")
    with pytest.raises(RuleViolation) as e:
        decide_inspection(who("S900"), insp, False, "撤销")
    assert "state" in e.value.as_dict()
    with pytest.raises(RuleViolation):  # nor answered after the decision
        answer_inspection(who("S001"), insp, "申辩")


def test_a_window_only_or_a_person_of_another_department_is_fine(zx):
    only_window = finding(zx, staff=None)
    assert only_window.department.code == "RS" and only_window.staff is None
    other = finding(zx, staff=Staff.objects.get(code="S005"))  # SJ's clerk found at RS's window
    assert other.department.code == "SJ"
    with pytest.raises(RuleViolation) as e:
        answer_inspection(who("S001"), only_window, "无")
    assert "staff" in e.value.as_dict()


def test_a_clerk_or_a_department_leader_does_not_record_the_office_does(zx):
    args = {"at": at("2026-03-05", "10:00"), "kind": "chatting", "description": "闲聊",
            "window": Window.objects.get(center=zx, code="W01"), "now": at("2026-03-05", "11:00")}
    for code in ("S001", "S004", "S950"):
        with pytest.raises(Forbidden):
            record_inspection(who(code), zx, **args)
    assert not Inspection.objects.exists()
    assert record_inspection(who("S900"), zx, **args).number == "JC20260305001"


def _other_window() -> Window:
    other = org.save_center(system_actor("setup"), "QT", "另一个中心")
    org.save_department(system_actor("setup"), other, "RS", "人社")
    return org.save_window(system_actor("setup"), other, "Q01", "1号", "RS")


BAD = {
    "at": lambda: {"at": at("2026-03-05", "11:30")},  # after "now": in the future
    "at ": lambda: {"at": None},
    "window": lambda: {"window": None, "staff": None},
    "window ": lambda: {"window": _other_window()},
    "kind": lambda: {"kind": "sleeping"},
    "description": lambda: {"description": "   "},
    "description ": lambda: {"description": "很" * 2001},  # refused, never cut
    "evidence[0]": lambda: {"evidence": [SimpleUploadedFile("fake.jpg", b"not an image at all", "image/jpeg")]},
    "evidence[1]": lambda: {"evidence": [image(), SimpleUploadedFile("doc.pdf", b"%PDF-1.4\n%%EOF", "image/png")]},
    "evidence[0] ": lambda: {"evidence": [SimpleUploadedFile("empty.png", b"", "image/png")]},
    "evidence[0]  ": lambda: {"evidence": [SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * inspections.EVIDENCE_MAX_BYTES, "image/png")]},
    "evidence[0]   ": lambda: {"evidence": [SimpleUploadedFile(  # PNG magic, JPEG inside: not what it says
        "mixed.png", b"\x89PNG\r\n\x1a\n" + image("JPEG").read(), "image/png")]},
    "evidence": lambda: {"evidence": [image() for _ in range(inspections.EVIDENCE_MAX_FILES + 1)]},
}


@pytest.mark.parametrize("field", sorted(BAD))
def test_each_refusal_names_its_field_and_writes_nothing(zx, field):
    change = BAD[field]()
    counts = (Inspection.objects.count(), InspectionEvidence.objects.count(), AuditRecord.objects.count())
    with pytest.raises(RuleViolation) as e:
        finding(zx, **change)
    assert field.strip() in e.value.as_dict()
    assert (Inspection.objects.count(), InspectionEvidence.objects.count(), AuditRecord.objects.count()) == counts


def test_finding_types_are_the_centers_setting_with_checks(zx):
    boss = system_actor("setup")
    for bad in ([{"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}], [{"code": "b", "name": " "}],
                [{"code": "", "name": "丙"}], {"a": "甲"}):
        with pytest.raises(RuleViolation) as e:
            org.save_center(boss, "ZX", zx.name, policy={"inspection_kinds": bad})
        assert any(k.startswith("center.policy.inspection_kinds") for k in e.value.as_dict())
    org.save_center(boss, "ZX", zx.name, policy={"inspection_kinds": [{"code": "phone", "name": "玩手机"}]})
    zx = Center.objects.get(code="ZX")
    assert inspections.kinds_of(zx) == {"phone": "玩手机"}
    with pytest.raises(RuleViolation) as e:
        finding(zx, kind="games")
    assert "kind" in e.value.as_dict()
    assert finding(zx, kind="phone").kind == "phone"


# -- media exposure (ASM-3) ---------------------------------------------------------------------------
def _day(center: Center, day: str, present: list[str]) -> None:
    """A day's punches: those present all day, plus S010 (no post) so the day is judged (NV-1)."""
    office = who("S900")
    for code in [*present, "S010"]:
        staff = Staff.objects.get(code=code)
        duty.record_event(office, center, {"type": "clock_in", "staff": staff, "at": at(day, "08:20"),
                                           "reason": "补录"})
        duty.record_event(office, center, {"type": "clock_out", "staff": staff, "at": at(day, "17:40"),
                                           "reason": "补录"})


def test_media_exposure_removes_the_person_from_the_post_and_the_department_from_the_awards(zx):
    insp = finding(zx, media=True)
    assert media_exposures(zx, 2026) == []  # not yet confirmed
    decide_inspection(who("S900"), insp, True, "已被媒体曝光，情况属实", now=at("2026-03-05", "16:00"))
    removal = Event.objects.get(type=EventType.REMOVAL)
    assert (removal.staff.code, removal.post.code, removal.date) == ("S001", "P01", dt.date(2026, 3, 6))
    # 03-06: A (S001) removed, B (S002) absent without leave → B answers, never the removed A (NV-2, NV-6);
    # S001 is no longer expected at the window (no 旷工).
    _day(zx, "2026-03-06", [])
    rows = Vacancy.objects.filter(date=dt.date(2026, 3, 6))
    assert rows and {(v.answerable_kind, v.answerable) for v in rows} == {("b", "S002")}
    absent = set(Anomaly.objects.filter(date=dt.date(2026, 3, 6), kind="absent").values_list("staff__code", flat=True))
    assert "S002" in absent and "S001" not in absent
    # the array engine (a whole day, an import's days) and the per-post engine judge it alike
    day6 = dt.date(2026, 3, 6)

    def judged():
        return (sorted(Vacancy.objects.filter(date=day6).values_list("start", "end", "answerable_kind", "answerable")),
                sorted(Anomaly.objects.filter(date=day6).values_list("staff__code", "kind", "minutes")))

    first = judged()
    engine.recompute_days(zx, day6, day6)
    assert judged() == first
    engine.recompute_day_per_post(zx, day6)
    assert judged() == first
    # 03-09: B there covers the post all day: no vacancy.
    _day(zx, "2026-03-09", ["S002"])
    assert not Vacancy.objects.filter(date=dt.date(2026, 3, 9)).exists()
    # The office assigns a new A from 03-10 (org.save_post): the new A answers as usual.
    org.save_post(system_actor("setup"), zx, "P01", window="W01", a="S009", b="S002", items=["RS-001"],
                  valid_from=dt.date(2026, 3, 10))
    _day(zx, "2026-03-10", [])
    rows = Vacancy.objects.filter(date=dt.date(2026, 3, 10))
    assert rows and {(v.answerable_kind, v.answerable) for v in rows} == {("a", "S009")}
    # ASM-3: the department loses the year's award eligibility; the list names it with the finding.
    listed = media_exposures(zx, 2026)
    assert [(m.department.code, m.inspection.number) for m in listed] == [("RS", insp.number)]
    assert media_exposures(zx, 2025) == []


def test_a_removed_person_may_not_call_at_the_window_any_more(zx):
    """ASM-3 with ORG-5: the queue's check before every call (``standing_at``) follows the removal as the duty
    engines do — the removed A may not call from the removal's day on; the day before they still may; a new A
    assigned by the office may."""
    from servicehall.duty.presence import standing_at
    from servicehall.org.models import Window

    decide_inspection(who("S900"), finding(zx, media=True), True, "已被媒体曝光，情况属实", now=at("2026-03-05", "16:00"))
    window = Window.objects.get(center=zx, code="W01")
    s001 = Staff.objects.get(code="S001")
    assert standing_at(s001, window, at("2026-03-05", "16:30")).role == "a"
    assert not standing_at(s001, window, at("2026-03-06", "10:00"))
    org.save_post(system_actor("setup"), zx, "P01", window="W01", a="S009", b="S002", items=["RS-001"],
                  valid_from=dt.date(2026, 3, 10))
    assert standing_at(Staff.objects.get(code="S009"), window, at("2026-03-10", "10:00")).role == "a"
    assert not standing_at(s001, window, at("2026-03-10", "10:00"))


def test_a_dismissed_media_finding_removes_nobody(zx):
    decide_inspection(who("S900"), finding(zx, media=True), False, "视频系摆拍", now=at("2026-03-05", "16:00"))
    assert not Event.objects.filter(type=EventType.REMOVAL).exists() and media_exposures(zx, 2026) == []


# -- scores (ASM-2) -------------------------------------------------------------------------------------
def _entries(center: Center, month: dt.date, code: str = "S001"):
    pm = month_scores(center, month, [Staff.objects.get(code=code)])[0]
    return [d for d in pm.score.deductions if d.kind == "inspection"]


def test_confirmed_findings_deduct_on_their_date_dismissed_and_open_ones_do_not(zx):
    march = dt.date(2026, 3, 1)
    plain = finding(zx)
    media = finding(zx, media=True, at=at("2026-03-05", "10:30"))
    dismissed = finding(zx, at=at("2026-03-05", "10:40"))
    finding(zx, at=at("2026-03-05", "10:50"))  # stays open
    assert _entries(zx, march) == []
    decide_inspection(who("S900"), plain, True, "属实", now=at("2026-03-06", "09:00"))
    decide_inspection(who("S900"), dismissed, False, "不属实", now=at("2026-03-06", "09:00"))
    decide_inspection(who("S900"), media, True, "媒体曝光属实", now=at("2026-03-06", "09:00"))
    got = sorted((d.date, d.points, d.url) for d in _entries(zx, march))
    assert got == [(dt.date(2026, 3, 5), -10, f"/assessment/inspections/{media.number}/"),
                   (dt.date(2026, 3, 5), -2, f"/assessment/inspections/{plain.number}/")]
    assert all(plain.number in d.source or media.number in d.source for d in _entries(zx, march))


def test_a_late_confirmation_of_a_closed_month_is_an_adjustment_of_the_next(zx):
    insp = finding(zx)
    assessment.close_month(system_actor("office"), zx, dt.date(2026, 3, 1), now=at("2026-04-02", "09:00"))
    decide_inspection(who("S900"), insp, True, "复核属实", now=at("2026-04-03", "09:00"))
    assert _entries(zx, dt.date(2026, 3, 1)) == []  # the closed month shows what it showed
    adj = _entries(zx, dt.date(2026, 4, 1))
    assert [(d.points, d.adjustment) for d in adj] == [(-2, True)] and "2026-03" in adj[0].source


# -- pages (SEC-5) ----------------------------------------------------------------------------------------
def login(client, code: str):
    staff = Staff.objects.get(code=code)
    if staff.user_id is None:
        org.create_account(system_actor("setup"), staff, f"u-{code.lower()}", PASSWORD)
    client.logout()
    assert client.login(username=f"u-{code.lower()}", password=PASSWORD)
    return client


@pytest.fixture
def pages(zx, settings):
    settings.DEFAULT_CENTER = "ZX"
    return zx


def test_the_inspector_records_through_the_form_bad_input_is_refused_without_a_500(pages, client):
    login(client, "S800")
    assert client.get("/assessment/inspections/new/").status_code == 200
    now = dt.datetime.now(TZ).replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    form = {"at": now.strftime("%Y-%m-%dT%H:%M"), "window": "W01", "staff": "S001", "kind": "chatting",
            "description": "两名工作人员闲聊，群众等候", "hidden": "on"}
    r = client.post("/assessment/inspections/new/", {**form, "evidence": image()})
    assert r.status_code == 302
    insp = Inspection.objects.get()
    assert insp.hidden and not insp.media and insp.evidence.count() == 1 and r["Location"].endswith(f"/{insp.number}/")
    for bad in ({"at": "昨天"}, {"at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
                {"window": "NOPE"}, {"staff": "NOBODY"}, {"kind": ""}, {"description": ""},
                {"evidence": SimpleUploadedFile("x.png", b"GIF89a....", "image/png")}):
        r = client.post("/assessment/inspections/new/", {**form, **bad})
        assert r.status_code == 400, bad
        assert "errors" in r.content.decode()
    assert Inspection.objects.count() == 1
    login(client, "S001")
    assert client.get("/assessment/inspections/new/").status_code == 403


def test_scope_answer_decide_and_evidence_on_the_pages(pages, client):
    mine = finding(pages, evidence=[image()])
    theirs = finding(pages, staff=Staff.objects.get(code="S005"), description="未佩戴工作牌", kind="no_badge")
    # the office all; a department leader their department's; a clerk their own
    page = login(client, "S900").get("/assessment/inspections/").content.decode()
    assert mine.number in page and theirs.number in page
    page = client.get("/assessment/inspections/?state=open&month=2026-03&department=SJ").content.decode()
    assert theirs.number in page and mine.number not in page
    assert client.get("/assessment/inspections/?month=2026-13&state=nonsense").status_code in (200, 400)
    page = login(client, "S004").get("/assessment/inspections/").content.decode()
    assert mine.number in page and theirs.number not in page
    page = login(client, "S005").get("/assessment/inspections/").content.decode()
    assert theirs.number in page and mine.number not in page
    assert client.get(f"/assessment/inspections/{mine.number}/").status_code == 403
    ev = mine.evidence.get()
    assert client.get(f"/assessment/inspections/{mine.number}/evidence/{ev.pk}/").status_code == 403
    # the person answers on the page
    login(client, "S001")
    page = client.get(f"/assessment/inspections/{mine.number}/").content.decode()
    assert 'name="answer"' in page and 'value="confirm"' not in page
    r = client.get(f"/assessment/inspections/{mine.number}/evidence/{ev.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert client.post(f"/assessment/inspections/{mine.number}/", {"action": "answer", "answer": ""}).status_code == 400
    assert client.post(f"/assessment/inspections/{mine.number}/",
                       {"action": "answer", "answer": "已整改"}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == "answered"
    assert client.post(f"/assessment/inspections/{mine.number}/", {"action": "confirm", "note": "x"}).status_code == 403
    # the office decides
    login(client, "S900")
    assert client.post(f"/assessment/inspections/{mine.number}/", {"action": "confirm", "note": ""}).status_code == 400
    assert client.post(f"/assessment/inspections/{mine.number}/", {"action": "bogus", "note": "x"}).status_code == 400
    assert client.post(f"/assessment/inspections/{mine.number}/",
                       {"action": "confirm", "note": "属实"}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == "confirmed"
    assert client.get("/assessment/inspections/NOPE/").status_code == 404


def test_the_finding_types_form(pages, client):
    login(client, "S900")
    assert client.get("/assessment/inspections/kinds/").status_code == 403  # the system administrator's setting
    login(client, "S950")
    page = client.get("/assessment/inspections/kinds/").content.decode()
    assert "games 玩游戏" in page
    r = client.post("/assessment/inspections/kinds/", {"kinds": "phone 玩手机\nphone 又一个\nnoname"})
    assert r.status_code == 400
    assert Center.objects.get(code="ZX").policy.inspection_kinds == []
    r = client.post("/assessment/inspections/kinds/", {"kinds": "phone 玩手机\nsmoke 吸烟\n"})
    assert r.status_code == 302
    assert inspections.kinds_of(Center.objects.get(code="ZX")) == {"phone": "玩手机", "smoke": "吸烟"}
    assert client.post("/assessment/inspections/kinds/", {"kinds": ""}).status_code == 302
    assert inspections.kinds_of(Center.objects.get(code="ZX"))["games"] == "玩游戏"
