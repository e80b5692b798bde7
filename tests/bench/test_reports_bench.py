"""Issue 15 speed: the monthly bulletin (月度通报, ASM-5) of a center at ``demo --scale 10`` renders in ≤ 5 s.

The ×10 demo center (its org chart: about 900 staff, 430 posts) with a month of derived records written in bulk
for March 2026, as the scores benchmark writes them: about 2,700 attendance anomalies, 600 A-answerable
vacancies (also the NV-8 ladder's entries), 300 praise rows, 200 complaints (half upheld against a person) and
60 inspection findings. The figure is the office's "prepare the bulletin" end to end
(``services.generate_report``: the month's scores, the groups, the ladder, the complaint summary, the .docx,
stored), then the bulletin's page rendered from the stored figures.

No ratio: there is no natural slower way of writing the same bulletin to compare with; the share the month's
scores take (``month_scores``, the scores benchmark's figure) is given in the note.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from django.urls import reverse

from servicehall.assessment import services as assessment
from servicehall.assessment.models import Inspection, Praise
from servicehall.assessment.scores import month_scores
from servicehall.audit.services import system_actor
from servicehall.demo.load import load_demo
from servicehall.duty.models import Anomaly, Vacancy
from servicehall.feedback.models import Complaint
from servicehall.org import services as org
from servicehall.org.models import Post, Staff

pytestmark = [pytest.mark.bench, pytest.mark.django_db, pytest.mark.postgres]
TZ = dt.timezone(dt.timedelta(hours=8))
MARCH = dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 4, 1, 9, 0, tzinfo=TZ)


def _month(center) -> dict[str, int]:
    rng = random.Random(15)
    staff = list(Staff.objects.filter(center=center, active=True))
    posts = list(Post.objects.filter(center=center).select_related("a", "department", "window"))
    days = [MARCH + dt.timedelta(days=d) for d in range(31) if (MARCH + dt.timedelta(days=d)).weekday() < 5]
    anomalies, vacancies, complaints, inspections = [], [], [], []
    for _ in range(2700):
        s, day = rng.choice(staff), rng.choice(days)
        anomalies.append(Anomaly(center=center, staff=s, date=day, kind=rng.choice(["late", "early_leave", "absent"]),
                                 minutes=rng.randint(1, 60), start=dt.datetime.combine(day, dt.time(8, 30), TZ)))
    for _ in range(600):
        p, day = rng.choice(posts), rng.choice(days)
        start = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 15])), TZ)
        vacancies.append(Vacancy(center=center, post=p, date=day, start=start, end=start + dt.timedelta(minutes=30),
                                 minutes=30, answerable_kind="a", staff=p.a, department=p.department,
                                 answerable=p.a.code, reason="基准"))
    for i in range(200):
        p, day = rng.choice(posts), rng.choice(days)
        complaints.append(Complaint(center=center, code=f"BZ{i:06d}", channel="phone", ground="attitude",
                                    matter="基准投诉", department=p.department, window=p.window, staff=p.a,
                                    received_at=dt.datetime.combine(day, dt.time(10), TZ),
                                    status="answered" if i % 2 else "registered", upheld=bool(i % 2)))
    for i in range(60):
        p, day = rng.choice(posts), rng.choice(days)
        inspections.append(Inspection(center=center, number=f"DC-{i}", at=dt.datetime.combine(day, dt.time(11), TZ),
                                      window=p.window, staff=p.a, department=p.department, kind="games",
                                      description="基准", state=rng.choice(["open", "confirmed", "dismissed"])))
    Anomaly.objects.bulk_create(anomalies)
    Vacancy.objects.bulk_create(vacancies)
    Complaint.objects.bulk_create(complaints)
    Inspection.objects.bulk_create(inspections)
    Praise.objects.bulk_create(Praise(center=center, staff=rng.choice(staff), kind="letter", date=rng.choice(days))
                               for _ in range(300))
    return {"staff": len(staff), "posts": len(posts), "records": 2700 + 600 + 200 + 60 + 300}


def test_bench_monthly_bulletin_at_demo_scale_10(bench, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    actor = system_actor("bench")
    center = load_demo(actor, scale=10).center
    counts = _month(center)
    reverse("assessment:scores")  # the URL conf loaded, as in a running server
    t0 = time.perf_counter()
    report = assessment.generate_report(actor, center, "monthly", MARCH, now=NOW)
    took = time.perf_counter() - t0
    assert report.docx and report.data["people"] == counts["staff"]
    assert report.data["ladder"] and report.data["complaints"]["received"] == 200
    shown = Inspection.objects.filter(center=center).exclude(state="dismissed").count()
    assert len(report.data["inspections"]) == shown and report.data["best_departments"]
    t1 = time.perf_counter()
    rows = month_scores(center, MARCH)
    scores_took = time.perf_counter() - t1
    assert [p["points"] for p in report.data["low"]] == sorted(
        pm.score.points for pm in rows if pm.score.grade in ("基本称职", "不称职"))  # the same numbers
    office = Staff.objects.filter(center=center, roles__role="office").first()
    client.force_login(org.create_account(actor, office, "u-bench", "Kq7-Tongbao-2026"))
    settings.DEFAULT_CENTER = center.code
    t2 = time.perf_counter()
    page = client.get(f"/assessment/reports/{report.pk}/")
    page_took = time.perf_counter() - t2
    assert page.status_code == 200
    total = took + page_took
    bench.row(f"bulletin: a month of {counts['staff']} staff, {counts['posts']} posts ({counts['records']:,} records)",
              f"{took:.2f} s prepared + {page_took:.2f} s page", target="≤ 5 s", ok=total <= 5.0,
              note=f"demo --scale 10 + a synthetic month; month_scores alone {scores_took:.2f} s; no natural baseline")
    # For information: the Monday report of a week of the same month (every window a page; no tickets here).
    t3 = time.perf_counter()
    weekly = assessment.generate_report(actor, center, "weekly", dt.date(2026, 3, 16), now=NOW)
    weekly_took = time.perf_counter() - t3
    t4 = time.perf_counter()
    assert client.get(f"/assessment/reports/{weekly.pk}/").status_code == 200
    weekly_page = time.perf_counter() - t4
    n_windows = len(weekly.data["windows"])
    assert weekly.data["hall"]["vacancies"] > 0 and n_windows > 100
    bench.row(f"Monday report: {n_windows} windows, one page each", f"{weekly_took:.2f} s prepared + "
              f"{weekly_page:.2f} s page", note="demo --scale 10 + a synthetic month, without tickets; information")
