"""Q-6, EVAL-2, EVAL-3: statistics with the 90th percentile, xlsx export, the bad-rating loop, published satisfaction."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from servicehall.errors import RuleViolation
from servicehall.org.models import Window
from servicehall.tickets import services as q
from servicehall.tickets import stats

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def served(actor, center, minute: int, wait: int, level: int):
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ) + dt.timedelta(minutes=minute)
    t = q.issue_ticket(actor, center, "RS-001", now=t0)
    t = q.call_next(actor, Window.objects.get(code="W01"), now=t0 + dt.timedelta(minutes=wait))
    q.start(actor, t, now=t0 + dt.timedelta(minutes=wait))
    q.finish(actor, t, now=t0 + dt.timedelta(minutes=wait + 6))
    return q.rate(actor, t, level, now=t0 + dt.timedelta(minutes=wait + 7))


def test_percentile():
    assert stats.percentile([], 90) == 0.0
    assert stats.percentile(list(range(1, 11)), 90) == 9
    assert stats.percentile([5.0], 90) == 5.0


@pytest.fixture
def day(actor, center):
    from servicehall.org import services as org

    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001"])
    for i, (wait, level) in enumerate([(2, 5), (4, 5), (10, 4), (20, 2)]):
        served(actor, center, 30 * i, wait, level)
    return center


def test_q6_times_and_satisfaction(day):
    t = stats.times(day, dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    (item,) = t["item"]
    assert item["count"] == 4 and item["wait_avg"] == 9.0 and item["wait_p90"] == 20 and item["service_avg"] == 6.0
    sat = stats.satisfaction_table(day, dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    assert sat["window"][0] == {"key": "1号窗口", "count": 4, "satisfied": 75.0, "bad": 1}


def test_xlsx_export(day):
    wb = load_workbook(io.BytesIO(stats.xlsx(day, dt.date(2026, 3, 1), dt.date(2026, 3, 31))))
    assert "按事项" in wb.sheetnames and wb["按事项"]["B2"].value == 4


def test_eval2_bad_rating_loop(actor, day):
    from servicehall.tickets.models import BadRatingCase

    case = BadRatingCase.objects.get()
    with pytest.raises(RuleViolation):
        q.handle_bad_rating(actor, case, verified=True)  # holds but no rectification
    with pytest.raises(RuleViolation):
        q.handle_bad_rating(actor, case, verified=False, visited=True)  # visited before answering
    case = q.handle_bad_rating(actor, case, verified=True, rectification="加强业务培训", answer="已电话致歉并说明",
                               visited=True)
    assert case.closed_at is not None


def test_pages(office_client, day, client):
    assert office_client.get("/manage/queue/stats/", {"from": "2026-03-01", "to": "2026-03-31"}).status_code == 200
    r = office_client.get("/manage/queue/stats.xlsx", {"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "不满意" in office_client.get("/manage/ratings/").content.decode()
    body = client.get("/satisfaction/").content.decode()
    assert "满意" in body
