"""EVAL-4 一事一评: a case is rated once after it is finished, on a phone, without logging in, from the link and
QR code on its receipt and result notice and in the result SMS; EVAL-5: the rater scores the rectification of a
poor rating from the same link, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from servicehall.cases import services as cases
from servicehall.errors import RuleViolation
from servicehall.tickets import services as q
from servicehall.tickets.models import BadRatingCase, Rating, RatingReason

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"
NOW = dt.datetime(2026, 9, 29, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _applicant():
    return cases.Applicant(kind="person", name="王小明", phone="13812345678", id_number=ID)


@pytest.fixture
def finished(actor, center):
    """RS-001 is finished on the spot (CASE-2)."""
    return cases.receive_case(actor, center, "RS-001", _applicant(), [{"name": "身份证"}, {"name": "申请表"}], now=NOW)


@pytest.fixture
def open_case(actor, center):
    return cases.receive_case(actor, center, "RS-002", _applicant(), [], now=NOW)


def _token(case) -> str:
    return q.case_link(case).token


def test_eval4_the_token_is_unguessable_and_not_the_case_number(finished, open_case):
    token = _token(finished)
    assert len(token) >= 20 and finished.number not in token and token != _token(open_case)
    assert _token(finished) == token  # made once
    assert q.case_of_token(token) == finished and q.case_of_token("nope") is None


def test_eval4_receipt_and_result_notice_carry_the_link_and_qr(office_client, finished):
    token = _token(finished)
    for url in (f"/cases/{finished.number}/receipt/", f"/cases/{finished.number}/result/"):
        body = office_client.get(url).content.decode()
        assert f"/rate/{token}/" in body and "<svg" in body and " style=" not in body.split("<svg", 1)[1][:2000]
    qr = Client().get(f"/rate/{token}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


def test_eval4_result_notice_only_for_a_finished_case(office_client, open_case):
    assert office_client.get(f"/cases/{open_case.number}/result/").status_code == 403


def test_eval4_rate_a_case_once_on_a_phone_without_logging_in(center, finished):
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile")
    url = f"/rate/{_token(finished)}/"
    page = phone.get(url).content.decode()
    assert 'name="viewport"' in page and 'name="level"' in page and "一次办好" in page and 'name="efficiency"' in page
    fast = RatingReason.objects.get(center=center, level=5, text="办事快捷")
    r = phone.post(url, {"level": "5", "reasons": [fast.pk], "comment": "当场办结", "overall": "5",
                         "efficiency": "5", "competence": "4", "attitude": "5"})
    assert r.status_code == 200
    rating = Rating.objects.get(rated_case=finished)
    assert rating.ticket is None and rating.staff == finished.clerk and rating.reasons == ["办事快捷"]
    assert (rating.overall, rating.efficiency, rating.competence, rating.attitude) == (5, 5, 4, 5)
    again = phone.post(url, {"level": "1"}).content.decode()
    assert Rating.objects.filter(rated_case=finished).count() == 1 and Rating.objects.get(rated_case=finished).level == 5
    assert "EVAL-4" not in again  # a public page: no rule ids, but the plain refusal
    assert 'class="errors"' in again
    with pytest.raises(RuleViolation):
        q.rate_case(finished, 1)


def test_eval4_a_case_not_finished_is_refused(open_case):
    url = f"/rate/{_token(open_case)}/"
    page = Client().get(url).content.decode()
    assert 'name="level"' not in page
    assert Client().post(url, {"level": "5"}).status_code == 200
    assert not Rating.objects.exists()
    with pytest.raises(RuleViolation) as refused:
        q.rate_case(open_case, 5)
    assert refused.value.problems[0].field == "case"


def test_eval4_bad_token_is_404_and_bad_input_no_500(finished):
    assert Client().get("/rate/not-a-token/").status_code == 404
    assert Client().post("/rate/" + "x" * 60 + "/", {"level": "5"}).status_code == 404
    url = f"/rate/{_token(finished)}/"
    for bad in ({"level": "x"}, {"level": "5", "reasons": ["1' OR 1=1"]}, {"level": "5", "comment": "长" * 301},
                {"level": "5", "attitude": "9"}, {"action": "rectification", "rectification_score": "x"}, {}):
        # a line longer than a form line is refused by the pages' guard (400, naming the field), never cut
        assert Client().post(url, bad).status_code == (400 if "comment" in bad else 200)
    assert not Rating.objects.exists()
    with pytest.raises(RuleViolation) as refused:
        q.rate_case(finished, 5, "长" * 301)
    assert [p.field for p in refused.value.problems] == ["comment"]
    assert not Rating.objects.exists()


def test_eval4_the_result_sms_carries_the_link(actor, center, open_case, settings):
    """The result SMS (the center's template "case-result", issue 16 item 8) ends with the link to rate the case."""
    from servicehall.core.models import OutboxMessage

    settings.SERVICEHALL_PUBLIC_URL = "https://hall.example.gov.cn"
    settings.SERVICEHALL_SMS_BACKEND = "servicehall.core.sms.FileBackend"
    cases.decide(actor, open_case, True, now=NOW + dt.timedelta(days=1))
    texts = [m.text for m in OutboxMessage.objects.all()]
    assert any(f"欢迎评价：https://hall.example.gov.cn/rate/{_token(open_case)}/" in t for t in texts), texts


def test_eval5_rater_scores_the_rectification_once(actor, center, finished):
    url = f"/rate/{_token(finished)}/"
    rude = RatingReason.objects.filter(center=center, level=1, text="服务态度生硬").first() or (
        q.load_national_reasons(center) and RatingReason.objects.get(center=center, level=1, text="服务态度生硬"))
    Client().post(url, {"level": "1", "reasons": [rude.pk], "comment": "态度很差"})
    rating = Rating.objects.get(rated_case=finished)
    bad = BadRatingCase.objects.get(rating=rating)
    assert bad.department == finished.department
    assert 'name="rectification_score"' not in Client().get(url).content.decode()  # not yet rectified
    q.handle_bad_rating(actor, bad, verified=True, rectification="已对窗口人员批评教育", answer="已致电说明")
    page = Client().get(url).content.decode()
    assert 'name="rectification_score"' in page and "已对窗口人员批评教育" in page
    Client().post(url, {"action": "rectification", "rectification_score": "3"})
    bad.refresh_from_db()
    assert bad.rectification_score == 3 and bad.rectification_scored_at is not None
    Client().post(url, {"action": "rectification", "rectification_score": "2"})
    bad.refresh_from_db()
    assert bad.rectification_score == 3  # once
    assert 'name="rectification_score"' not in Client().get(url).content.decode()


def test_eval4_a_signed_in_clerk_cannot_rate_a_case_in_the_applicants_place(finished, clerk_client):
    """The receipt shows the link to the clerk too: a rating (or a rectification score) posted by signed-in
    staff is refused in Chinese, and nothing is written; the applicant's own phone (no login) still rates."""
    url = f"/rate/{_token(finished)}/"
    page = clerk_client.post(url, {"level": "5", "comment": "很好"}).content.decode()
    assert "工作人员" in page and not Rating.objects.filter(rated_case=finished).exists()
    assert Client().post(url, {"level": "5"}).status_code == 200
    assert Rating.objects.filter(rated_case=finished).count() == 1


def test_eval3_eval4_case_ratings_count_in_satisfaction_and_the_directors_figures(center, finished):
    """A finished case's rating (一事一评) counts beside the window services' ratings (一次一评): per clerk and
    department in the published satisfaction table, on its day in the hall's zone (a case rated without a ticket
    names no window), and in the director's daily ratings and poor ratings."""
    from servicehall.assessment import director
    from servicehall.tickets import stats

    at = dt.datetime(2026, 9, 29, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # 15:30 UTC: still the 29th
    q.rate_case(finished, 1, now=at)
    day = dt.date(2026, 9, 29)
    table = stats.satisfaction_table(center, day, day)
    assert [(r["key"], r["count"], r["bad"]) for r in table["staff"]] == [(finished.clerk.name, 1, 1)]
    assert [(r["key"], r["count"]) for r in table["department"]] == [(finished.department.name, 1)]
    assert table["window"] == []
    assert stats.satisfaction_table(center, day + dt.timedelta(days=1), day + dt.timedelta(days=1))["staff"] == []
    series = {d.day: d for d in director.days(center, day - dt.timedelta(days=1), day + dt.timedelta(days=1))}
    assert (series[day].ratings, series[day].poor) == (1, 1)
    assert series[day + dt.timedelta(days=1)].ratings == 0
