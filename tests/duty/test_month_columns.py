"""The column pipeline of a month (``duty.month``, issue 14 item 7) against the per-day objects, on random days
with the rarer rules too: bulk waivers of a day with the attendance waived (NV-6), removals from a post (ASM-3),
extended sessions (ATT-4), requests for days already judged and their approval route (ATT-2, issue 17),
early returns (销假), stand-ins (NV-7, more than one on a post-day), pauses (NV-5), late openings (NV-11),
corrections. The reference is the per-post-day engine and the day's attendance (``recompute_day_per_post``,
``recompute_anomalies``); the record is spoilt before the range is re-derived."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import engine
from servicehall.duty import services as duty
from servicehall.duty.models import Anomaly, Event, EventType, Vacancy
from servicehall.errors import RuleViolation
from servicehall.org.models import Post, Staff

from .test_targeted_rederive import DAYS, STAFF, TZ, derived, hall, random_event  # noqa: F401  (hall: a fixture)

pytestmark = pytest.mark.django_db


def _rare(rng: random.Random, center, actor, n: int, now: dt.datetime) -> None:
    day = rng.choice(DAYS)
    who = Staff.objects.get(center=center, code=rng.choice(STAFF))
    roll = rng.random()
    try:
        if roll < 0.2:
            duty.waive_day(actor, center, day, "考勤机故障")
        elif roll < 0.35:
            duty.remove_from_post(actor, center, who, day, "调离窗口", key=f"r{n}", now=now)
        elif roll < 0.5:
            windows = rng.sample(["W01", "W02", "W03", "W04"], rng.randint(1, 2))
            start = rng.choice([dt.time(12, 0), dt.time(17, 0)])
            duty.save_extended_session(actor, center, day, start, dt.time(start.hour + 1, 30), windows)
        elif roll < 0.75:
            m = rng.randint(8 * 60, 16 * 60)
            start = dt.datetime.combine(day, dt.time(m // 60, m % 60), tzinfo=TZ)
            req = duty.request_absence(actor, center, who, rng.choice(["leave", "away"]), start,
                                       start + dt.timedelta(minutes=rng.choice([60, 180, 60 * 24])), kind="meeting",
                                       reason="事务", now=now)  # filed after the day began: retroactive
            for level in ["department", "office"][:rng.randint(0, 2)]:
                duty.approve_absence(actor, req, level, approved=rng.random() < 0.8, now=now)
            if rng.random() < 0.3:
                duty.return_from_leave(actor, req, start + dt.timedelta(minutes=30), now=now)
        else:
            post = rng.choice(list(Post.objects.filter(center=center)))
            m = rng.randint(8 * 60, 15 * 60)
            start = dt.datetime.combine(day, dt.time(m // 60, m % 60), tzinfo=TZ)
            duty.assign_stand_in(actor, center, post, who, start, start + dt.timedelta(minutes=90))
    except RuleViolation:
        pass  # refused (a rule of the service): nothing recorded


@pytest.mark.parametrize("seed", range(8))
def test_the_month_columns_equal_the_per_day_objects(hall, seed, monkeypatch):  # noqa: F811
    rng = random.Random(700 + seed)
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    monkeypatch.setattr(timezone, "now", lambda: now)
    actor = system_actor("office")
    for n in range(60):
        random_event(rng, hall, actor, n, now)
        if rng.random() < 0.3:
            _rare(rng, hall, actor, n, now)
    for d in DAYS:
        engine.recompute_day_per_post(hall, d, now=now)
        engine.recompute_anomalies(engine.gather(hall, d, now))
    reference = derived(hall)
    vacancies = list(Vacancy.objects.filter(center=hall).order_by("id").values_list("id", flat=True))
    Vacancy.objects.filter(pk__in=vacancies[::3]).delete()
    Vacancy.objects.filter(pk__in=vacancies[1::3]).update(reason="x")
    anomalies = list(Anomaly.objects.filter(center=hall).order_by("id").values_list("id", flat=True))
    Anomaly.objects.filter(pk__in=anomalies[::3]).delete()
    Anomaly.objects.filter(pk__in=anomalies[1::3]).update(minutes=7)
    engine.recompute_days(hall, DAYS[0], DAYS[-1], now=now)
    assert derived(hall) == reference
    engine.recompute_days(hall, DAYS[0], DAYS[-1], now=now)  # again: nothing changes
    assert derived(hall) == reference
    assert reference[0] and reference[1]


def test_only_the_changed_rows_are_written(hall):  # noqa: F811
    """Re-deriving an unchanged month keeps every row (same ids); a new late punch replaces only its post-day."""
    actor = system_actor("office")
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    for code, minute in (("S001", 8 * 60 + 20), ("S004", 9 * 60 + 40)):
        duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code=code),
                                        "at": dt.datetime.combine(DAYS[0], dt.time(minute // 60, minute % 60),
                                                                  tzinfo=TZ)}, source="import", now=now)
    engine.recompute_days(hall, DAYS[0], DAYS[-1], now=now)
    before = set(Vacancy.objects.values_list("id", flat=True)), set(Anomaly.objects.values_list("id", flat=True))
    assert before[0] and before[1]
    engine.recompute_days(hall, DAYS[0], DAYS[-1], now=now)
    assert (set(Vacancy.objects.values_list("id", flat=True)), set(Anomaly.objects.values_list("id", flat=True))) \
        == before
    assert Event.objects.filter(type=EventType.CLOCK_IN).count() == 2
