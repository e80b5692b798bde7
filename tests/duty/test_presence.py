"""One read of "who is at the window now" (NV-2, NV-5, NV-6, NV-7, ORG-6): the board (page and API), the
whereabouts list and the queue agree with each other and with the vacancy record, waivers included."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import presence, services
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Vacancy
from servicehall.org.models import Center, Staff, Window
from servicehall.tickets.services import covering_items

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def at(hhmm: str, day: str = "2026-03-03") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=CST)


def ev(id_: str, type_: str, **fields) -> dict:
    return {"id": id_, "type": type_, **fields}


# A's and B's day at P01 (W01), Tuesday 2026-03-03, sessions 08:30-12:00 and 14:30-17:30:
#   08:30-09:00 A serves; 09:00-09:10 A pauses (within grace) and B is not in yet; 09:10-10:00 A serves;
#   10:00-11:30 A at a meeting (approved, handover in time), B covers from 09:30;
#   11:00-12:00 B at a training (approved): 11:00-11:30 both away in order (the department answers),
#   11:30-12:00 A back from the meeting but not at the window (A answers);
#   afternoon: A serves from 14:30, pauses 15:00-15:10 while B serves; B leaves at 16:00, A at 17:00.
DAY = [
    ev("a-in", "clock_in", staff="S001", at="2026-03-03T08:25:00+08:00"),
    ev("a-pause", "pause", window="W01", staff="S001", start="2026-03-03T09:00:00+08:00",
       end="2026-03-03T09:10:00+08:00"),
    ev("a-out", "clock_out", staff="S001", at="2026-03-03T10:00:00+08:00"),
    ev("a-meeting", "away", staff="S001", kind="meeting", start="2026-03-03T10:00:00+08:00",
       end="2026-03-03T11:30:00+08:00", approved=True),
    ev("handover", "handover", post="P01", **{"from": "S001"}, to="S002", date="2026-03-03",
       filed_at="2026-03-02T16:00:00+08:00"),
    ev("b-in", "clock_in", staff="S002", at="2026-03-03T09:30:00+08:00"),
    ev("b-training", "away", staff="S002", kind="training", start="2026-03-03T11:00:00+08:00",
       end="2026-03-03T12:00:00+08:00", approved=True),
    ev("a-in-pm", "clock_in", staff="S001", at="2026-03-03T14:20:00+08:00"),
    ev("a-pause-pm", "pause", window="W01", staff="S001", start="2026-03-03T15:00:00+08:00",
       end="2026-03-03T15:10:00+08:00"),
    ev("b-out", "clock_out", staff="S002", at="2026-03-03T16:00:00+08:00"),
    ev("a-out-pm", "clock_out", staff="S001", at="2026-03-03T17:00:00+08:00"),
]


@pytest.fixture
def hall(settings):
    settings.DEFAULT_CENTER = "ZX"
    import_scenario(system_actor("import"), {**BASE, "events": DAY})
    return Center.objects.get(code="ZX")


@pytest.fixture
def frozen(monkeypatch):
    """``frozen(moment)``: the clock reads ``moment`` for the pages and the API."""

    def freeze(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    return freeze


def vacancy_at(center: Center, moment: dt.datetime) -> tuple[Vacancy | None, dt.datetime | None]:
    """The record's vacancy of P01 at ``moment``, and the start of its stretch (adjacent runs are one stretch)."""
    rows = list(Vacancy.objects.filter(center=center, post__code="P01", date=moment.astimezone(CST).date())
                .order_by("start"))
    hit = next((v for v in rows if v.start <= moment < v.end), None)
    if hit is None:
        return None, None
    since = hit.start
    for v in reversed(rows):
        if v.end == since:
            since = v.start
    return hit, since


def everything_at(client, center: Center, frozen, moment: dt.datetime) -> dict:
    """What each reader says about W01/P01 at ``moment``, and the record."""
    frozen(moment)
    window = Window.objects.get(center=center, code="W01")
    one = presence.window_state(center, window, moment)
    hall = {w.window.code: w for w in presence.hall_state(center, moment)}
    api = {t["window"]: t for t in client.get("/api/v1/centers/ZX/board").json()}
    page = client.get("/board/tiles/").content.decode()
    where = {w.staff.code: w for w in presence.staff_whereabouts(center, moment)}
    b = Staff.objects.get(center=center, code="S002")
    vacancy, record_since = vacancy_at(center, moment)
    return {"one": one, "hall": hall["W01"], "api": api["W01"], "page": page, "where": where,
            "covering": [p.code for p in presence.covering(b, moment)], "items": covering_items(b, moment),
            "vacancy": vacancy, "record_since": record_since}


def check_agreement(seen: dict) -> str:
    """The readers agree with each other and with the record; returns the state."""
    one, hall, api = seen["one"], seen["hall"], seen["api"]
    assert (one.state, one.staff, one.since) == (hall.state, hall.staff, hall.since)
    assert api["state"] == one.state
    assert api["person"] == (one.staff.name if one.staff else None)
    assert api["since"] == (one.since.astimezone(CST).isoformat() if one.since else None)
    assert f'data-window="W01" data-state="{one.state}"' in seen["page"]
    # The board is vacant exactly where the record counts a vacancy, and since the record's start.
    assert (one.state == "vacant") == (seen["vacancy"] is not None)
    if one.state == "vacant":
        assert one.vacant_since == seen["record_since"]
    # The queue: B calls A's items exactly while the board shows B covering. Outside the sessions the queue
    # decides whether it is open at all (extended sessions, ATT-4); presence still says who holds the post.
    if one.state != "closed":
        assert (seen["covering"] == ["P01"]) == (one.state == "b" and one.staff.code == "S002")
    assert bool(seen["items"]) == (seen["covering"] == ["P01"])
    # The whereabouts: whoever the board shows serving is at the window.
    if one.state in ("a", "b"):
        assert seen["where"][one.staff.code].place == "window"
    if one.state == "paused":
        assert seen["where"][one.staff.code].place == "paused"
    return one.state


def test_nv2_a_on_duty(client, hall, frozen):
    seen = everything_at(client, hall, frozen, at("09:45"))
    assert check_agreement(seen) == "a"
    assert seen["one"].staff.code == "S001" and seen["one"].since == at("09:10")  # back from the pause
    assert seen["where"]["S002"].place == "window" and seen["covering"] == []


def test_nv5_a_paused_within_grace(client, hall, frozen):
    seen = everything_at(client, hall, frozen, at("09:05"))
    assert check_agreement(seen) == "paused"
    assert seen["one"].staff.code == "S001" and seen["one"].since == at("09:00")
    assert seen["api"]["minutes"] == 5
    assert seen["where"]["S001"].here and seen["where"]["S002"].place == "absent"


def test_nv2_b_covers_while_a_pauses_and_the_queue_follows(client, hall, frozen):
    seen = everything_at(client, hall, frozen, at("15:05"))
    assert check_agreement(seen) == "b"
    assert seen["covering"] == ["P01"] and seen["where"]["S001"].place == "paused"


def test_nv2_a_away_b_covering(client, hall, frozen):
    seen = everything_at(client, hall, frozen, at("10:30"))
    assert check_agreement(seen) == "b"
    assert seen["one"].staff.code == "S002" and seen["one"].since == at("10:00")
    assert seen["where"]["S001"].place == "meeting" and not seen["where"]["S001"].here
    assert seen["covering"] == ["P01"]


def test_nv6_both_absent_vacant_since_the_record(client, hall, frozen):
    seen = everything_at(client, hall, frozen, at("11:45"))
    assert check_agreement(seen) == "vacant"
    assert seen["one"].since == at("11:00")  # the department's run, then A's: one stretch on the board
    assert seen["where"]["S001"].place == "absent" and seen["where"]["S002"].place == "training"
    assert seen["covering"] == []


def test_nv6_a_waiver_shows_on_the_board_as_in_the_record(client, hall, frozen):
    department_run = Vacancy.objects.get(center=hall, post__code="P01", answerable_kind="department")
    assert (department_run.start, department_run.end) == (at("11:00"), at("11:30"))
    services.waive_vacancy(system_actor("office"), department_run, "会议由中心临时召集，已另行安排")
    seen = everything_at(client, hall, frozen, at("11:15"))
    assert check_agreement(seen) == "unrecorded"  # nobody there, but the record counts no vacancy
    seen = everything_at(client, hall, frozen, at("11:45"))
    assert check_agreement(seen) == "vacant" and seen["one"].since == at("11:30")


def test_closed_outside_opening_hours_and_on_a_rest_day(client, hall, frozen):
    for moment in (at("12:30"), at("18:00"), at("08:00"), at("10:00", "2026-03-07")):
        seen = everything_at(client, hall, frozen, moment)
        assert check_agreement(seen) == "closed", moment
        assert seen["one"].since is None


def test_the_readers_agree_every_quarter_hour_of_the_day(client, hall, frozen):
    moment = at("08:00")
    states = set()
    while moment < at("18:00"):
        states.add(check_agreement(everything_at(client, hall, frozen, moment)))
        moment += dt.timedelta(minutes=15)
    assert {"a", "b", "paused", "vacant", "closed"} <= states


def test_a_stand_in_pausing_within_grace_keeps_the_post_held(settings):
    events = [ev("si", "stand_in", post="P01", staff="S009", start="2026-03-04T08:30:00+08:00",
                 end="2026-03-04T12:00:00+08:00"),
              ev("si-in", "clock_in", staff="S009", at="2026-03-04T08:20:00+08:00"),
              ev("si-pause", "pause", window="W01", staff="S009", start="2026-03-04T09:00:00+08:00",
                 end="2026-03-04T09:10:00+08:00")]
    import_scenario(system_actor("import"), {**BASE, "events": events})
    center = Center.objects.get(code="ZX")
    w01 = Window.objects.get(center=center, code="W01")
    serving = presence.window_state(center, w01, at("08:45", "2026-03-04"))
    assert (serving.state, serving.staff.code) == ("stand_in", "S009")
    held = presence.window_state(center, w01, at("09:05", "2026-03-04"))
    assert (held.state, held.staff.code, held.since) == ("paused", "S009", at("09:00", "2026-03-04"))
    assert not Vacancy.objects.filter(center=center, start__lte=at("09:05", "2026-03-04"),
                                      end__gt=at("09:05", "2026-03-04")).exists()


def _center_of(size: int) -> Center:
    data = json.loads(json.dumps(BASE))
    data["center"]["code"] = f"Z{size}"
    data["staff"] = [{"code": f"S{i:03d}", "name": f"员工{i}", "department": "RS", "roles": ["window"],
                      "qualified": ["RS-001"]} for i in range(1, 2 * size + 2)]
    data["posts"] = [{"code": f"P{i:02d}", "window": f"W{i:02d}", "department": "RS", "a": f"S{2 * i - 1:03d}",
                      "b": f"S{2 * i:03d}", "items": ["RS-001"]} for i in range(1, size + 1)]
    events = []
    for i in range(1, size + 1):
        a, b = f"S{2 * i - 1:03d}", f"S{2 * i:03d}"
        events.append(ev(f"in-{i}", "clock_in", staff=a, at="2026-03-03T08:25:00+08:00"))
        events.append(ev(f"b-in-{i}", "clock_in", staff=b, at="2026-03-03T08:28:00+08:00"))
        events.append(ev(f"p-{i}", "pause", window=f"W{i:02d}", staff=a, start="2026-03-03T09:55:00+08:00",
                         end="2026-03-03T10:05:00+08:00"))
        events.append(ev(f"m-{i}", "away", staff=b, kind="meeting", start="2026-03-03T09:30:00+08:00",
                         end="2026-03-03T11:00:00+08:00", approved=True))
        if i % 2:
            events.append(ev(f"si-{i}", "stand_in", post=f"P{i:02d}", staff=f"S{2 * size + 1:03d}",
                             start="2026-03-03T08:30:00+08:00", end="2026-03-03T12:00:00+08:00"))
    import_scenario(system_actor("import"), {**data, "events": events})
    return Center.objects.get(code=f"Z{size}")


def test_the_hall_reads_in_a_constant_number_of_queries(django_assert_max_num_queries):
    counts = {}
    for size in (2, 12):
        center = _center_of(size)
        presence.hall_state(center, at("08:00"))  # the calendar is built once per process
        with CaptureQueriesContext(connection) as ctx:
            hall = presence.hall_state(center, at("10:00"))
            tiles = presence.board_posts(hall)
            [(t.post.department.name, t.window.name, t.staff.name if t.staff else None) for t in tiles]
        assert len(hall) == size and {t.state for t in tiles} == {"paused"}
        counts[size] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            where = presence.staff_whereabouts(center, at("10:00"))
            [(w.staff.department.sort, w.staff.name) for w in where]
        assert len(where) == 2 * size
        counts[f"where-{size}"] = len(ctx.captured_queries)
    assert counts[2] == counts[12] and counts["where-2"] == counts["where-12"]
    big = Center.objects.get(code="Z12")
    with django_assert_max_num_queries(counts[12]):
        presence.hall_state(big, at("10:00"))
