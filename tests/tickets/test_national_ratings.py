"""EVAL-4: the national rating content on the pad — five levels, each level's reason checklist (data, the national
lists by default, the office edits them), a comment of limited length refused when longer, the four offline
indicators."""

from __future__ import annotations

import pytest
from django.test import Client

from servicehall.audit.services import Actor
from servicehall.errors import RuleViolation
from servicehall.org.models import Staff
from servicehall.tickets import services as q
from servicehall.tickets.models import RatingReason, Ticket

from .test_pages import _served_ticket

pytestmark = pytest.mark.django_db


def _pad(open_hall) -> Client:
    pad = Client()
    pad.get("/devices/activate/", {"token": open_hall["pad"]})
    return pad


def _reason(center, level: int, text: str) -> RatingReason:
    q.load_national_reasons(center)
    return RatingReason.objects.get(center=center, level=level, text=text)


def test_eval4_national_lists_are_loaded_once_per_center(center):
    assert q.load_national_reasons(center) == sum(len(v) for v in q.NATIONAL_REASONS.values())
    assert q.load_national_reasons(center) == 0
    offered = q.reasons_of(center)
    assert [r.text for r in offered[2]][:4] == ["窗口人员业务不熟练", "服务态度生硬", "未在承诺时间内办结",
                                                "需提供办事指南之外的申报材料"]
    assert "一次办好" in [r.text for r in offered[5]] and set(offered) == {5, 4, 3, 2, 1}


def test_eval4_pad_shows_the_reasons_and_records_them_with_the_indicators(center, office_client, open_hall):
    ticket = _served_ticket(office_client, open_hall)
    pad = _pad(open_hall)
    body = pad.get("/pad/").content.decode()
    assert "服务态度生硬" in body and "一次办好" in body and "rate-reasons-2" in body
    assert 'name="overall"' in body and 'name="attitude"' in body and "<script>" not in body and " style=" not in body
    slow, rude = _reason(center, 2, "多次往返"), _reason(center, 2, "服务态度生硬")
    r = pad.post("/pad/", {"ticket": ticket.pk, "level": "2", "reasons": [slow.pk, rude.pk], "comment": "跑了三趟",
                           "overall": "2", "efficiency": "1", "competence": "3", "attitude": "2"})
    assert r.status_code == 200
    rating = Ticket.objects.get(pk=ticket.pk).rating
    assert rating.level == 2 and rating.reasons == ["多次往返", "服务态度生硬"] and rating.comment == "跑了三趟"
    assert (rating.overall, rating.efficiency, rating.competence, rating.attitude) == (2, 1, 3, 2)
    assert rating.case.department.code == "RS"  # EVAL-2: the poor rating opened its case


def test_eval4_reasons_of_another_level_and_a_long_comment_are_refused(center, office_client, open_hall):
    ticket = _served_ticket(office_client, open_hall)
    pad = _pad(open_hall)
    good = _reason(center, 5, "服务热情")
    body = pad.post("/pad/", {"ticket": ticket.pk, "level": "1", "reasons": [good.pk], "comment": "本来想说"}).content.decode()
    assert 'class="errors"' in body
    assert not Ticket.objects.filter(rating__isnull=False).exists()
    assert "本来想说" in body  # the comment typed is kept
    long = "很" * 301
    body = pad.post("/pad/", {"ticket": ticket.pk, "level": "5", "comment": long}).content.decode()
    assert not Ticket.objects.filter(rating__isnull=False).exists()
    assert "300" in body
    for bad in ({"level": "9"}, {"level": "x"}, {"level": "5", "reasons": ["abc"]}, {"level": "5", "overall": "7"},
                {"level": "5", "overall": "x"}):
        r = pad.post("/pad/", {"ticket": ticket.pk, **bad})
        assert r.status_code == 200
    assert not Ticket.objects.filter(rating__isnull=False).exists()
    pad.post("/pad/", {"ticket": ticket.pk, "level": "5", "reasons": [good.pk], "comment": "很" * 300})
    assert Ticket.objects.get(pk=ticket.pk).rating.comment == "很" * 300  # at the limit: kept whole


def test_eval4_service_refuses_unknown_indicator(center, office_client, open_hall):
    ticket = _served_ticket(office_client, open_hall)
    from servicehall.core.models import Device
    from servicehall.duty.services import device_actor

    pad = Device.objects.get(kind="pad")
    with pytest.raises(RuleViolation) as refused:
        q.rate(device_actor(pad), ticket, 5, indicators={"speed": 5})
    assert refused.value.problems[0].field == "indicators"


def test_eval4_the_office_edits_the_reason_lists(center, office_client, login):
    page = office_client.get("/manage/ratings/reasons/")
    assert page.status_code == 200 and "窗口人员业务不熟练" in page.content.decode()
    office_client.post("/manage/ratings/reasons/", {"level": "2", "text": "窗口无人值守", "sort": "40"})
    added = RatingReason.objects.get(center=center, text="窗口无人值守")
    assert added.level == 2 and added.active
    assert "窗口无人值守" in [r.text for r in q.reasons_of(center)[2]]
    office_client.post("/manage/ratings/reasons/", {"reason": added.pk, "level": "2", "text": "窗口无人值守",
                                                    "sort": "40", "active": "0"})
    assert "窗口无人值守" not in [r.text for r in q.reasons_of(center)[2]]
    r = office_client.post("/manage/ratings/reasons/", {"level": "2", "text": "长" * 41}, follow=True)
    assert r.status_code == 200 and not RatingReason.objects.filter(text="长" * 41).exists()
    assert office_client.post("/manage/ratings/reasons/", {"level": "x", "text": ""}).status_code == 302
    # a window clerk may not (SEC-5)
    assert login("S001").get("/manage/ratings/reasons/").status_code == 403
    assert Staff.objects.filter(code="S001").exists()


def test_eval4_save_reason_refuses_a_duplicate(center, actor):
    q.load_national_reasons(center)
    with pytest.raises(RuleViolation):
        q.save_reason(Actor.of(actor), center, 2, "服务态度生硬")


def test_eval4_the_pad_api_takes_reasons_and_indicators(center, client, office_client, open_hall):
    import json

    ticket = _served_ticket(office_client, open_hall)
    hot, good = _reason(center, 5, "服务热情"), _reason(center, 2, "多次往返")

    def post(body):
        return client.post("/api/v1/devices/ratings", json.dumps({"request_id": "p1", "ticket_id": ticket.pk, **body}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {open_hall['pad']}")

    assert post({"level": 5, "reasons": [good.pk]}).status_code == 422  # a reason of another level
    assert post({"level": 5, "attitude": 6}).status_code == 422
    assert not Ticket.objects.filter(rating__isnull=False).exists()
    assert post({"level": 5, "reasons": [hot.pk], "overall": 5, "attitude": 4}).status_code == 200
    rating = Ticket.objects.get(pk=ticket.pk).rating
    assert rating.reasons == ["服务热情"] and rating.attitude == 4 and rating.efficiency is None
