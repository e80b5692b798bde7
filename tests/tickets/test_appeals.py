"""EVAL-5 申诉复核: the rated clerk appeals a rating once, with a reason; the office upholds or rejects with a note
(audited); an upheld appeal takes the rating out of the month's assessment but keeps it on record; pages as roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from servicehall.assessment.scores import month_scores
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor, system_actor
from servicehall.duty import services as duty
from servicehall.errors import RuleViolation
from servicehall.org.models import Staff, Window
from servicehall.org.permissions import Forbidden
from servicehall.tickets import services as queue
from servicehall.tickets.models import BadRatingCase, Rating, RatingAppeal

from ..assessment.test_scores import MARCH, at, clerk, zx  # noqa: F401  (the March 2026 center fixture)
from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _poor_rating(center) -> Rating:
    """S001 served on 03-17 and was rated 非常不满意 with a reason; the poor rating held after verification."""
    boss = system_actor("office")
    window = Window.objects.get(center=center, code="W01")
    pad = duty.register_device(boss, center, "PAD1", "评价器", kind="pad", window=window)[0]
    t = queue.issue_ticket(boss, center, "RS-001", now=at("2026-03-17", "10:00"))
    queue.call_next(clerk("S001"), window, now=at("2026-03-17", "10:01"))
    queue.start(boss, t, now=at("2026-03-17", "10:02"))
    queue.finish(boss, t, now=at("2026-03-17", "10:10"))
    rude = next(r for r in queue.reasons_of(center)[1] if r.text == "服务态度生硬")
    rating = queue.rate(duty.device_actor(pad), t, 1, now=at("2026-03-17", "10:11"), reasons=[rude.pk],
                        indicators={"attitude": 1})
    queue.handle_bad_rating(boss, BadRatingCase.objects.get(rating=rating), verified=True,
                            rectification="已批评教育", now=at("2026-03-18", "09:00"))
    return rating


def person(code: str) -> Actor:
    """A staff member acting as themselves, limited by their roles (SEC-5)."""
    return Actor(user=None, label=code, staff=Staff.objects.get(code=code))


def _poor_kinds(center) -> list[str]:
    s001 = Staff.objects.get(code="S001")
    [pm] = month_scores(center, MARCH, [s001])
    return [d.kind for d in pm.score.deductions if d.kind == "poor_rating"]


def test_eval5_upheld_appeal_takes_the_rating_out_of_assessment_and_keeps_it(zx):  # noqa: F811
    rating = _poor_rating(zx)
    assert _poor_kinds(zx) == ["poor_rating"]
    appeal = queue.appeal_rating(person("S001"), rating, "malicious", "该群众因不符合条件未办成，恶意差评")
    with pytest.raises(RuleViolation):  # once
        queue.appeal_rating(person("S001"), rating, "mistaken", "再次申诉")
    assert _poor_kinds(zx) == ["poor_rating"]  # filed, not decided: still counts
    queue.decide_rating_appeal(person("S900"), appeal, True, "调取录像核实，属恶意差评")
    assert _poor_kinds(zx) == []
    assert Rating.objects.filter(pk=rating.pk).exists()  # on record
    appeal.refresh_from_db()
    assert appeal.upheld is True and appeal.decided_by.code == "S900"
    assert AuditRecord.objects.filter(action="rating.appeal.decide").exists()
    assert AuditRecord.objects.filter(action="rating.appeal").exists()
    with pytest.raises(RuleViolation):  # decided once
        queue.decide_rating_appeal(person("S900"), appeal, False, "改判")


def test_eval5_rejected_appeal_keeps_the_deduction(zx):  # noqa: F811
    rating = _poor_rating(zx)
    appeal = queue.appeal_rating(person("S001"), rating, "mistaken", "评价的不是本人")
    queue.decide_rating_appeal(person("S900"), appeal, False, "核实为本人办理")
    assert _poor_kinds(zx) == ["poor_rating"]


def test_eval5_who_may_appeal_and_decide_and_bad_input(zx):  # noqa: F811
    rating = _poor_rating(zx)
    with pytest.raises(Forbidden):  # only the rated clerk
        queue.appeal_rating(person("S002"), rating, "mistaken", "替同事申诉")
    with pytest.raises(RuleViolation) as refused:
        queue.appeal_rating(person("S001"), rating, "angry", "")
    assert {p.field for p in refused.value.problems} == {"ground", "reason"}
    assert not RatingAppeal.objects.exists()
    appeal = queue.appeal_rating(person("S001"), rating, "mistaken", "误评")
    with pytest.raises(Forbidden):  # a window clerk does not decide
        queue.decide_rating_appeal(person("S002"), appeal, True, "同意")
    with pytest.raises(RuleViolation):  # a decision gives its note
        queue.decide_rating_appeal(person("S900"), appeal, True, " ")
    assert RatingAppeal.objects.get().decided_at is None


def _client(center, code: str) -> Client:
    from servicehall.org import services as org

    staff = Staff.objects.get(center=center, code=code)
    if staff.user_id is None:
        org.create_account(system_actor("setup"), staff, f"user-{code.lower()}", PASSWORD)
        staff.refresh_from_db()
    c = Client()
    assert c.login(username=staff.user.username, password=PASSWORD)
    return c


def test_eval5_pages_as_roles(zx, settings):  # noqa: F811
    settings.DEFAULT_CENTER = "ZX"
    rating = _poor_rating(zx)
    mine = _client(zx, "S001")
    page = mine.get("/ratings/mine/").content.decode()
    assert "服务态度生硬" in page and 'name="ground"' in page
    assert mine.get("/manage/ratings/appeals/").status_code == 403
    mine.post("/ratings/mine/", {"rating": rating.pk, "ground": "malicious", "reason": "恶意差评"})
    appeal = RatingAppeal.objects.get(rating=rating)
    assert appeal.staff.code == "S001"
    assert 'name="ground"' not in mine.get("/ratings/mine/").content.decode()  # appealed once
    # another clerk sees none of it and cannot appeal it
    other = _client(zx, "S002")
    assert "服务态度生硬" not in other.get("/ratings/mine/").content.decode()
    assert other.post("/ratings/mine/", {"rating": rating.pk, "ground": "mistaken", "reason": "x"}).status_code == 403
    office = _client(zx, "S900")
    queue_page = office.get("/manage/ratings/appeals/").content.decode()
    assert "恶意差评" in queue_page and 'name="note"' in queue_page
    for bad in ({"appeal": "x"}, {"appeal": appeal.pk, "upheld": "1", "note": ""}, {}):
        assert office.post("/manage/ratings/appeals/", bad).status_code in (302, 404)
    assert RatingAppeal.objects.get().decided_at is None
    office.post("/manage/ratings/appeals/", {"appeal": appeal.pk, "upheld": "1", "note": "属恶意差评"})
    assert RatingAppeal.objects.get().upheld is True
    assert "属恶意差评" in office.get("/manage/ratings/appeals/").content.decode()
    assert "申诉成立" in mine.get("/ratings/mine/").content.decode() or "Appeal upheld" in mine.get(
        "/ratings/mine/").content.decode()
    assert mine.post("/ratings/mine/", {"rating": "abc"}).status_code == 404
    assert dt.date(2026, 3, 1) == MARCH
