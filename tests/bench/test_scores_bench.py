"""Issue 15 speed: a month's scores (ASM-2) for a center of about 900 staff, derived in ≤ 2 s.

Synthetic derived records written in bulk (not ``demo --scale 10``): 900 staff in 30 departments, 300 posts,
about 2,700 attendance anomalies, 600 A-answerable vacancies and 300 praise rows in March 2026. The baseline is
the straightforward way: one person at a time (``month_scores(center, month, [person])``) for a sample, scaled.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from django.urls import reverse

from servicehall.assessment.models import Praise
from servicehall.assessment.scores import month_scores
from servicehall.audit.services import system_actor
from servicehall.duty.models import Anomaly, Vacancy
from servicehall.org import services as org
from servicehall.org.models import Department, Post, Staff, Window

pytestmark = [pytest.mark.bench, pytest.mark.django_db, pytest.mark.postgres]
TZ = dt.timezone(dt.timedelta(hours=8))
MARCH = dt.date(2026, 3, 1)


def _world():
    rng = random.Random(15)
    center = org.save_center(system_actor("bench"), "BZ", "基准中心")
    depts = Department.objects.bulk_create(Department(center=center, code=f"D{i:02d}", name=f"部门{i}")
                                           for i in range(30))
    windows = Window.objects.bulk_create(Window(center=center, department=depts[i % 30], code=f"W{i:03d}",
                                                name=f"{i}号窗口") for i in range(150))
    staff = Staff.objects.bulk_create(Staff(center=center, department=depts[i % 30], code=f"S{i:04d}",
                                            name=f"人员{i}") for i in range(900))
    posts = Post.objects.bulk_create(Post(center=center, window=windows[i % 150], department=depts[i % 30],
                                          code=f"P{i:03d}", a=staff[i], b=staff[i + 300]) for i in range(300))
    days = [MARCH + dt.timedelta(days=d) for d in range(31) if (MARCH + dt.timedelta(days=d)).weekday() < 5]
    anomalies, vacancies = [], []
    for _ in range(2700):
        s, day = rng.choice(staff), rng.choice(days)
        start = dt.datetime.combine(day, dt.time(8, 30), TZ)
        anomalies.append(Anomaly(center=center, staff=s, date=day, kind=rng.choice(["late", "early_leave", "absent"]),
                                 minutes=rng.randint(1, 60), start=start))
    for _ in range(600):
        p, day = rng.choice(posts), rng.choice(days)
        start = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 15])), TZ)
        vacancies.append(Vacancy(center=center, post=p, date=day, start=start, end=start + dt.timedelta(minutes=30),
                                 minutes=30, answerable_kind="a", staff=p.a, department=p.department,
                                 answerable=p.a.code, reason="基准"))
    Anomaly.objects.bulk_create(anomalies)
    Vacancy.objects.bulk_create(vacancies)
    Praise.objects.bulk_create(Praise(center=center, staff=rng.choice(staff), kind="letter", date=rng.choice(days))
                               for _ in range(300))
    return center


def test_bench_month_scores_of_900_staff(bench, django_assert_max_num_queries):
    center = _world()
    reverse("assessment:scores")  # the URL conf loaded, as in a running server (about 1.5 s once per process)
    t0 = time.perf_counter()
    with django_assert_max_num_queries(40):
        rows = month_scores(center, MARCH)
    took = time.perf_counter() - t0
    assert len(rows) == 900
    assert sum(len(r.score.deductions) for r in rows) >= 3000
    assert all(r.score.points == 100 + sum(d.points for d in r.score.deductions) for r in rows)
    sample = Staff.objects.filter(center=center).order_by("code")[:30]
    t1 = time.perf_counter()
    for person in sample:
        month_scores(center, MARCH, [person])
    per_person = (time.perf_counter() - t1) / len(sample)
    bench.row("scores: a month of 900 staff (3,600 records)", f"{took:.2f} s", target="≤ 2 s", ok=took <= 2.0,
              baseline=f"{per_person * 900:.1f} s one person at a time", ratio=per_person * 900 / took,
              note="synthetic derived rows, not demo --scale 10; URL conf warm")
