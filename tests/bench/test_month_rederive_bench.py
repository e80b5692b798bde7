"""Benchmark (issue 14 item 7; NV-1..7, NV-11, ATT-1): re-deriving a month on the production path, database
reads and writes included — ``engine.recompute_days``, which ``duty.services.rederive`` (an import's days),
``rederive_from`` (a post change back-dated) and a whole day's ``recompute_day`` use.

A center of 2,000 posts (4,000 people) with every working day of March 2026 (22) punched: clock-ins and outs
around both sessions, pauses closed at once or by a later pause-end, approved meetings, stand-ins — about 24
events per post-day, written straight into the table (generating them through the services would take hours).
Target: the month in ≤ 5 s. Beside it the same for 10,000 posts over 3 days with the month extrapolated linearly
(22/3 of the measured time: the reads, the array engine and the writes grow with the post-days), and the
baseline: the per-post-day engine (``engine.recompute_day_per_post``, the path before) on two days (one for
10,000 posts), extrapolated the same way. The days are over at ``NOW``, so the whole range goes through the
column pipeline (``duty.month``): punches and pauses read as integers, the array engine's batch built from
them, attendance as arrays, only the differences written. Runs on SQLite and again on PostgreSQL
(``make bench``); "again unchanged" is the same call a second time, when every row is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

import pytest
from django.db import connection

from servicehall.audit.services import system_actor
from servicehall.duty import engine
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Event, EventType, Vacancy
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Department, Post, PostAssignment, Staff, Window

from ..duty.test_scenarios import BASE

pytestmark = [pytest.mark.bench, pytest.mark.postgres, pytest.mark.django_db]
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
COLUMNS = ("id", "center_id", "ext_id", "type", "staff_id", "post_id", "at", "start", "end", "approved", "kind",
           "emergency", "reason", "target_id", "source", "recorded_at")


def _hall(n_posts: int) -> tuple[Center, list[tuple[int, int, int]]]:
    """A center of ``n_posts`` posts, each with its own A and B, built in bulk: (post id, A id, B id)."""
    import_scenario(system_actor("import"), {**BASE, "events": []})
    center = Center.objects.get(code="ZX")
    dept = Department.objects.get(center=center, code="RS")
    Window.objects.bulk_create(Window(center=center, department=dept, code=f"X{i:05d}", name=f"窗口{i}")
                               for i in range(n_posts))
    windows = list(Window.objects.filter(center=center, code__startswith="X").order_by("code"))
    Staff.objects.bulk_create(Staff(center=center, department=dept, code=f"X{i:05d}", name=f"员工{i}")
                              for i in range(2 * n_posts))
    people = list(Staff.objects.filter(center=center, code__startswith="X").order_by("code"))
    Post.objects.bulk_create(Post(center=center, window=w, department=dept, code=f"X{i:05d}", a=people[2 * i],
                                  b=people[2 * i + 1]) for i, w in enumerate(windows))
    posts = list(Post.objects.filter(center=center, code__startswith="X").order_by("code"))
    PostAssignment.objects.bulk_create(PostAssignment(post=p, a_id=p.a_id, b_id=p.b_id) for p in posts)
    return center, [(p.pk, p.a_id, p.b_id) for p in posts]


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=TZ)


def _events(center: Center, hall: list[tuple[int, int, int]], days: list[dt.date], rng: random.Random) -> int:
    """About 24 events per post-day, inserted with one executemany per batch; returns how many."""
    adapt = connection.ops.adapt_datetimefield_value
    next_id = (Event.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = adapt(NOW)
    rows: list[tuple] = []
    total = 0

    def add(type_: str, staff: int | None, post: int | None = None, at=None, start=None, end=None,
            approved=None, kind="", target=None) -> int:
        nonlocal next_id
        pk = next_id
        next_id += 1
        rows.append((pk, center.pk, f"b{pk}", type_, staff, post, adapt(at) if at else None,
                     adapt(start) if start else None, adapt(end) if end else None, approved, kind, False, "",
                     target, "import", now))
        return pk

    sql = (f"INSERT INTO duty_event ({', '.join(connection.ops.quote_name(c) for c in COLUMNS)}) "
           f"VALUES ({', '.join(['%s'] * len(COLUMNS))})")

    def flush() -> None:
        nonlocal total
        with connection.cursor() as cur:
            cur.executemany(sql, rows)
        total += len(rows)
        rows.clear()

    for day in days:
        for i, (post, a, b) in enumerate(hall):
            for staff in (a, b):
                for lo, hi in ((490, 520), (715, 730), (860, 885), (1045, 1070)):  # in, out, in, out
                    add(EventType.CLOCK_IN if lo in (490, 860) else EventType.CLOCK_OUT, staff,
                        at=_at(day, rng.randint(lo, hi)))
                for lo in (540, 600, 900, 960):  # pauses closed at once (NV-5)
                    s = rng.randint(lo, lo + 40)
                    add(EventType.PAUSE, staff, start=_at(day, s), end=_at(day, s + rng.choice([3, 8, 20])))
                for lo in (660, 1000):  # pauses closed by the workstation later
                    s = rng.randint(lo, lo + 20)
                    pause = add(EventType.PAUSE, staff, start=_at(day, s))
                    add(EventType.PAUSE_END, staff, at=_at(day, s + rng.choice([5, 12, 25])), target=pause)
                if rng.random() < 0.15:
                    s = rng.randint(540, 960)
                    add(EventType.AWAY, staff, start=_at(day, s), end=_at(day, s + 60), approved=True,
                        kind="meeting")
            if rng.random() < 0.05:  # the next post's B stands in for an hour (NV-7)
                s = rng.randint(540, 960)
                add(EventType.STAND_IN, hall[(i + 1) % len(hall)][2], post=post, start=_at(day, s),
                    end=_at(day, s + 60))
            if len(rows) > 20_000:
                flush()
    flush()
    return total


def _vacancies(center: Center, days: list[dt.date]) -> list[tuple]:
    return sorted(Vacancy.objects.filter(center=center, date__in=days).values_list(
        "post_id", "date", "start", "end", "minutes", "answerable_kind", "staff_id", "answerable", "reason", "open"))


# SERVICEHALL_BENCH_MONTH_POSTS (e.g. 200) makes the first case smaller while working on the engine.
SIZES = [(int(os.environ.get("SERVICEHALL_BENCH_MONTH_POSTS", "2000")), 22), (10_000, 3)]


@pytest.mark.parametrize("n_posts, n_days", SIZES)
def test_bench_month_rederive(bench, n_posts, n_days):
    rng = random.Random(n_posts)
    t0 = time.perf_counter()
    center, hall = _hall(n_posts)
    cal = get_calendar(center)
    days = [d for d in (dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(31)) if cal.is_workday(d)][:n_days]
    n_events = _events(center, hall, days, rng)
    if connection.vendor == "postgresql":
        # the planner's statistics of the loaded tables, as autovacuum keeps them in production (the rows are this
        # transaction's own, which ANALYZE counts): without them the per-post-day path's day query ran for over
        # 25 minutes on 10,000 posts with a plan made for an empty table
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    built = time.perf_counter() - t0
    judged_posts = len(hall) + 1  # and the base scenario's P01

    # The baseline: the per-post-day engine, the whole-day path before (one or two days, extrapolated).
    sample = days[:2] if n_posts <= 2_000 else days[:1]
    t0 = time.perf_counter()
    for d in sample:
        engine.recompute_day_per_post(center, d, now=NOW)
    base = (time.perf_counter() - t0) / len(sample)
    reference = _vacancies(center, sample)
    Vacancy.objects.filter(center=center).delete()

    t0 = time.perf_counter()
    engine.recompute_days(center, days[0], days[-1], now=NOW)
    seconds = time.perf_counter() - t0
    assert _vacancies(center, sample) == reference  # the array engine's record is the per-post-day engine's
    t0 = time.perf_counter()
    engine.recompute_days(center, days[0], days[-1], now=NOW)  # again: nothing changed, the rows are kept
    again = time.perf_counter() - t0

    per_day = seconds / len(days)
    load = os.getloadavg()[0]
    note = (f"{n_events / (judged_posts * len(days)):.0f} events per post-day, {n_events:,} events, "
            f"again unchanged {again:.1f} s, data built in {built:.0f} s, load {load:.1f} on {os.cpu_count()} cores")
    if n_days >= 22:
        bench.row(f"month re-derived, array engine + DB ({n_posts:,} posts x {len(days)} days)",
                  f"{seconds:.1f} s", baseline=f"{base * len(days):.1f} s (per post-day engine, from 2 days)",
                  ratio=base / per_day, target="≤ 5 s", ok=seconds <= 5, note=note)
    else:
        bench.row(f"month re-derived, array engine + DB ({n_posts:,} posts)",
                  f"{per_day * 22:.1f} s for 22 days (measured {seconds:.1f} s for {len(days)})",
                  baseline=f"{base * 22:.1f} s (per post-day engine, from 1 day)", ratio=base / per_day,
                  ok=None, note=note)
