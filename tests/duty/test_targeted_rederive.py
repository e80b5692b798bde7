"""A punch re-derives only that person's posts of the day (issue 14 item 7; NV-1, NV-2, NV-6, NV-7, NV-8, NV-11, ATT-1).

Random events go in through the service (clock punches, leave and away with and without approval, pauses,
stand-ins, handovers, corrections) on a center whose people are A of one post and B of another, with a
post whose A and B change mid-week (ORG-3). After every event the derived record — vacancies, late
openings, attendance anomalies and the ladder read from them — must equal what a recomputation of the
whole day gives.
"""

from __future__ import annotations

import copy
import datetime as dt
import random

import pytest
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import engine, queries
from servicehall.duty import services as duty
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Anomaly, Event, EventType, Vacancy
from servicehall.org.models import Center, Post, Staff

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
DAYS = [dt.date(2026, 3, 3), dt.date(2026, 3, 4), dt.date(2026, 3, 5), dt.date(2026, 3, 6)]
STAFF = [f"S00{i}" for i in range(1, 9)]


def _scenario() -> dict:
    sc = copy.deepcopy(BASE)
    sc["staff"] = [{"code": c, "name": f"员工{c}", "department": "RS", "roles": ["window"], "qualified": ["RS-001"]}
                   for c in STAFF] + [{"code": "S099", "name": "钱主任", "department": "RS", "roles": ["office"]}]
    post = {"window": "W01", "department": "RS", "items": ["RS-001"]}
    sc["posts"] = [
        {**post, "code": "P01", "window": "W01", "a": "S001", "b": "S002"},
        {**post, "code": "P02", "window": "W02", "a": "S002", "b": "S003"},  # S002: B of P01, A of P02
        {**post, "code": "P03", "window": "W03", "a": "S004", "b": "S005"},
        {**post, "code": "P04", "window": "W04", "a": "S006", "b": "S001"},
        {**post, "code": "P04", "window": "W04", "a": "S007", "b": "S006", "from": "2026-03-05"},  # ORG-3
    ]
    sc["events"] = []
    return sc


@pytest.fixture
def hall(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # committed: punches keep the day's assignments
        import_scenario(system_actor("import"), _scenario())
    return Center.objects.get(code="ZX")


def derived(center: Center) -> tuple[list, list, list]:
    vac = sorted(Vacancy.objects.filter(center=center).values_list(
        "post_id", "date", "start", "end", "minutes", "answerable_kind", "staff_id", "answerable", "reason", "open"))
    ano = sorted(Anomaly.objects.filter(center=center).values_list(
        "staff_id", "date", "kind", "minutes", "start", "post_id", "detail"), key=repr)
    ladder = [queries.sanction_json(s) for s in queries.sanctions(center, 2026)]
    return vac, ano, ladder


def whole(center: Center, now: dt.datetime) -> tuple[list, list, list]:
    """The reference: every day recomputed in full."""
    for d in DAYS:
        engine.recompute_day(center, d, now=now)
    return derived(center)


def _at(rng: random.Random, day: dt.date, lo: int = 7 * 60 + 30, hi: int = 18 * 60) -> dt.datetime:
    m = rng.randint(lo, hi)
    return dt.datetime.combine(day, dt.time(m // 60, m % 60), tzinfo=TZ)


def random_event(rng: random.Random, center: Center, actor, n: int, now: dt.datetime) -> None:
    day = rng.choice(DAYS)
    who = Staff.objects.get(center=center, code=rng.choice(STAFF))
    roll = rng.random()
    if roll < 0.55:
        duty.record_event(actor, center, {"type": rng.choice(["clock_in", "clock_out"]), "staff": who,
                                          "at": _at(rng, day)}, ext_id=f"e{n}", source="import", now=now)
    elif roll < 0.65:
        start = _at(rng, day, 8 * 60, 16 * 60)
        approved = rng.choice([True, False, None])
        data = {"type": rng.choice(["leave", "away"]), "staff": who, "kind": "meeting", "start": start,
                "end": start + dt.timedelta(minutes=rng.choice([30, 90, 240])), "approved": approved}
        duty.record_event(actor, center, data, ext_id=f"e{n}", source="import", now=now)
    elif roll < 0.75:
        start = _at(rng, day, 8 * 60, 17 * 60)
        duty.record_event(actor, center, {"type": "pause", "staff": who, "start": start,
                                          "end": start + dt.timedelta(minutes=rng.choice([5, 20, 45]))},
                          ext_id=f"e{n}", source="import", now=now)
    elif roll < 0.83:
        post = rng.choice(list(Post.objects.filter(center=center)))
        start = _at(rng, day, 8 * 60, 16 * 60)
        duty.record_event(actor, center, {"type": "stand_in", "post": post, "staff": who, "start": start,
                                          "end": start + dt.timedelta(minutes=rng.choice([60, 180]))},
                          ext_id=f"e{n}", source="import", now=now)
    elif roll < 0.88:
        post = Post.objects.get(center=center, code=rng.choice(["P01", "P02", "P03"]))
        duty.record_event(actor, center, {"type": "handover", "post": post, "from": post.a,
                                          "to": post.b, "date": day, "emergency": rng.random() < 0.5,
                                          "filed_at": _at(rng, day - dt.timedelta(days=rng.choice([0, 2])))},
                          ext_id=f"e{n}", source="import", now=now)
    else:
        standing = list(Event.objects.filter(center=center).exclude(type=EventType.VOID)
                        .exclude(followups__type=EventType.VOID).order_by("id"))
        if standing:
            duty.void_event(actor, rng.choice(standing), "录入错误")


@pytest.mark.parametrize("seed", range(3))
def test_targeted_rederive_equals_the_whole_day(hall, seed, monkeypatch):
    rng = random.Random(seed)
    actor = system_actor("office")
    # One of the days is today, judged up to the present minute (open vacancies, NV-1).
    now = dt.datetime(2026, 3, 6, 11, 7, tzinfo=TZ) if seed % 2 else dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    monkeypatch.setattr(timezone, "now", lambda: now)  # a correction is judged at the present time too
    for n in range(24):
        random_event(rng, hall, actor, n, now)
        got = derived(hall)
        assert got == whole(hall, now), f"seed {seed}, after event {n}"
    assert Vacancy.objects.filter(center=hall).exists()  # the walk produced a record worth comparing


def test_a_punch_reads_only_its_posts(hall):
    """The first punch of the day judges every post (NV-1); later punches re-derive the person's posts only."""
    actor = system_actor("office")
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    s1 = Staff.objects.get(code="S001")
    duty.record_event(actor, hall, {"type": "clock_in", "staff": s1, "at": dt.datetime(2026, 3, 3, 8, 20, tzinfo=TZ)},
                      source="import", now=now)
    assert set(Vacancy.objects.filter(date=DAYS[0]).values_list("post__code", flat=True)) == {"P02", "P03"}
    s4 = Staff.objects.get(code="S004")
    calls = []
    real = engine._replace_posts

    def spy(facts, posts, staff_by_id, *args, **kwargs):
        calls.append(sorted(p.code for p in posts))
        return real(facts, posts, staff_by_id, *args, **kwargs)

    engine._replace_posts = spy
    try:
        duty.record_event(actor, hall, {"type": "clock_in", "staff": s4,
                                        "at": dt.datetime(2026, 3, 3, 8, 25, tzinfo=TZ)}, source="import", now=now)
    finally:
        engine._replace_posts = real
    assert calls == [["P03"]]
    assert set(Vacancy.objects.filter(date=DAYS[0]).values_list("post__code", flat=True)) == {"P02"}
    assert derived(hall) == whole(hall, now)


def test_voiding_the_only_punch_unjudges_the_day(hall):
    """NV-1: without any clock event the day is not judged — a correction of its only punch empties it again."""
    actor = system_actor("office")
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    rec = duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code="S001"),
                                          "at": dt.datetime(2026, 3, 3, 8, 20, tzinfo=TZ)}, source="import", now=now)
    assert Vacancy.objects.filter(date=DAYS[0]).exists() and Anomaly.objects.filter(date=DAYS[0]).exists()
    duty.void_event(actor, rec.event, "打错了人")
    assert not Vacancy.objects.filter(date=DAYS[0]).exists()
    assert not Anomaly.objects.filter(date=DAYS[0]).exists()


def _bigger(n_posts: int) -> Center:
    """The test hall plus ``n_posts`` more posts, each with its own A and B (one import)."""
    sc = _scenario()
    extra = [f"X{i:03d}" for i in range(2 * n_posts)]
    sc["staff"] += [{"code": c, "name": f"员工{c}", "department": "RS", "roles": ["window"],
                     "qualified": ["RS-001"]} for c in extra]
    sc["posts"] += [{"window": f"Y{i:03d}", "department": "RS", "items": ["RS-001"], "code": f"Y{i:03d}",
                     "a": extra[2 * i], "b": extra[2 * i + 1]} for i in range(n_posts)]
    import_scenario(system_actor("import"), sc)
    return Center.objects.get(code="ZX")


@pytest.mark.parametrize("n_posts", [0, 30])
def test_a_punch_costs_the_same_queries_in_a_small_and_a_larger_hall(n_posts, django_capture_on_commit_callbacks):
    """Issue 14 item 7: a punch's reads and writes do not grow with the hall — the person's posts, their
    attendance, whether the day is judged; one bound for 4 and 34 posts (the derived rows stay the whole day's).
    The center, the day's assignments and extended sessions are kept per process once a punch has read them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):  # committed, as in production: the copies are kept
        center = _bigger(n_posts)
    actor = system_actor("office")
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    duty.record_event(actor, center, {"type": "clock_in", "staff": Staff.objects.get(code="S001"),
                                      "at": dt.datetime(2026, 3, 3, 8, 20, tzinfo=TZ)}, source="import", now=now)
    duty.record_event(actor, center, {"type": "clock_in", "staff": Staff.objects.get(code="S005"),
                                      "at": dt.datetime(2026, 3, 3, 8, 22, tzinfo=TZ)}, source="import", now=now)
    s4 = Staff.objects.get(code="S004")
    with CaptureQueriesContext(connection) as ctx:
        duty.record_event(actor, center, {"type": "clock_in", "staff": s4,
                                          "at": dt.datetime(2026, 3, 3, 8, 25, tzinfo=TZ)}, source="import", now=now)
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # 10 on PostgreSQL (the audit record's INSERT and the chain's UPDATE are one statement there), 11 elsewhere
    assert len(statements) <= (10 if connection.vendor == "postgresql" else 11), "\n".join(s[:120] for s in statements)
    assert derived(center) == whole(center, now)


def test_re_deriving_an_unchanged_day_writes_nothing(hall):
    """Only changed rows are written (issue 14 item 7): a second whole-day recomputation keeps every vacancy,
    late opening and attendance anomaly where it is (ATT-1, NV-11)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = system_actor("office")
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    for code, minute in (("S001", "08:20"), ("S004", "09:40")):  # S004 late: an anomaly and a late opening
        duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code=code),
                                        "at": dt.datetime.fromisoformat(f"2026-03-03T{minute}+08:00")},
                          source="import", now=now)
    engine.recompute_day(hall, DAYS[0], now=now)
    assert Anomaly.objects.filter(date=DAYS[0]).exists()
    with CaptureQueriesContext(connection) as ctx:
        engine.recompute_day(hall, DAYS[0], now=now)
    writes = [q["sql"][:80] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "DELETE", "UPDATE"))]
    assert writes == []


def test_a_punch_sees_an_assignment_changed_after_it_kept_the_day(hall, django_capture_on_commit_callbacks):
    """The day's assignments a punch keeps per process (issue 14 item 7) are dropped when a post's A or B
    changes (ORG-3): the next punch of the new A re-derives that post with the new people (NV-2, NV-6)."""
    from servicehall.org import services as org

    actor = system_actor("office")
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    for code, minute in (("S001", 20), ("S004", 25), ("S005", 27)):  # the day judged, then kept by punches
        duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code=code),
                                        "at": dt.datetime(2026, 3, 3, 8, minute, tzinfo=TZ)}, source="import", now=now)
    with django_capture_on_commit_callbacks(execute=True):  # committed: every process drops its copies
        org.save_post(actor, hall, "P03", window="W03", a="S008", b="S005", items=["RS-001"], department="RS",
                      valid_from=DAYS[0], now=now)
    duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code="S008"),
                                    "at": dt.datetime(2026, 3, 3, 9, 40, tzinfo=TZ)}, source="import", now=now)
    assert Anomaly.objects.filter(staff__code="S008", date=DAYS[0], kind="late").exists()  # now expected at P03
    assert derived(hall) == whole(hall, now)


def test_a_post_that_starts_next_week_is_no_trouble_for_today(django_capture_on_commit_callbacks):
    """ORG-3: a post whose first A and B take over next week has no post-day today; re-deriving the whole day
    (the worker's tick) and a punch of its future A both pass it by (a regression once raised a KeyError)."""
    from servicehall.duty.ticks import tick

    sc = _scenario()
    sc["posts"].append({"code": "P09", "window": "W09", "department": "RS", "a": "S008", "b": "S005",
                        "items": ["RS-001"], "from": "2026-03-10"})
    with django_capture_on_commit_callbacks(execute=True):
        import_scenario(system_actor("import"), sc)
    center = Center.objects.get(code="ZX")
    now = dt.datetime(2026, 3, 3, 17, 50, tzinfo=TZ)
    duty.record_event(system_actor("office"), center, {"type": "clock_in", "staff": Staff.objects.get(code="S008"),
                                                       "at": dt.datetime(2026, 3, 3, 8, 30, tzinfo=TZ)},
                      source="import", now=now)
    engine.recompute_day(center, DAYS[0], now=now)
    tick(dt.datetime(2026, 3, 4, 10, 0, tzinfo=TZ))
    assert not Vacancy.objects.filter(post__code="P09").exists()
