"""A range of days re-derived by the array engine (issue 14 item 7; NV-1..7, NV-11, ATT-1): the same vacancies,
late openings and anomalies as the per-post-day engine, day by day, on a random small month."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import engine
from servicehall.duty.models import Anomaly, Vacancy
from servicehall.org.models import Staff

from .test_targeted_rederive import DAYS, TZ, derived, hall, random_event  # noqa: F401  (hall: a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", range(3))
def test_the_array_engine_month_equals_the_per_post_day_engine(hall, seed, monkeypatch):  # noqa: F811
    rng = random.Random(100 + seed)
    now = dt.datetime(2026, 3, 6, 15, 2, tzinfo=TZ) if seed == 2 else dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    monkeypatch.setattr(timezone, "now", lambda: now)
    actor = system_actor("office")
    for n in range(70):
        random_event(rng, hall, actor, n, now)
    for d in DAYS:
        engine.recompute_day_per_post(hall, d, now=now)
        facts = engine.gather(hall, d, now)
        engine.recompute_anomalies(facts)
    reference = derived(hall)
    # The record spoilt before the range is re-derived — rows missing, rows wrong, a row too many — so the array
    # engine must rebuild it rather than find it already right.
    vacancies = list(Vacancy.objects.filter(center=hall).order_by("id").values_list("id", flat=True))
    Vacancy.objects.filter(pk__in=vacancies[::2]).delete()
    Vacancy.objects.filter(pk__in=vacancies[1::4]).update(minutes=999)
    anomalies = list(Anomaly.objects.filter(center=hall).order_by("id").values_list("id", flat=True))
    Anomaly.objects.filter(pk__in=anomalies[::2]).delete()
    Anomaly.objects.filter(pk__in=anomalies[1::4]).update(kind="absent", minutes=1)
    staff = Staff.objects.filter(center=hall).first()
    Anomaly.objects.create(center=hall, staff=staff, date=DAYS[1], kind="late", minutes=3)
    engine.recompute_days(hall, DAYS[0], DAYS[-1], now=now)
    assert derived(hall) == reference
    assert reference[0]  # vacancies to compare
