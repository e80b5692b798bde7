"""Issue 12: every session judged on its own (ATT-1), pauses spend opening minutes only (NV-5), late openings
within the grace (NV-11), extended sessions of named windows (ATT-4) — scenario files in, the contract out."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from servicehall.audit.services import system_actor
from servicehall.duty import engine
from servicehall.duty.importer import ImportFailed, import_scenario
from servicehall.duty.models import Anomaly, Vacancy
from servicehall.duty.queries import vacancy_json, vacancy_rows
from servicehall.org.models import Center, ExtendedSession

BASE = json.loads((Path(__file__).parent / "scenarios" / "_base.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db


def load(events: list[dict], **center: object) -> Center:
    data = copy.deepcopy(BASE)
    data["center"].update(center)
    data["events"] = events
    import_scenario(system_actor("import"), data)
    return Center.objects.get(code="ZX")


def clock(eid: str, staff: str, day: str, *spans: tuple[str, str]) -> list[dict]:
    out = []
    for i, (start, end) in enumerate(spans):
        out.append({"id": f"{eid}-in{i}", "type": "clock_in", "staff": staff, "at": f"{day}T{start}:00+08:00"})
        out.append({"id": f"{eid}-out{i}", "type": "clock_out", "staff": staff, "at": f"{day}T{end}:00+08:00"})
    return out


def leave(eid: str, staff: str, day: str) -> dict:
    return {"id": eid, "type": "leave", "staff": staff, "start": f"{day}T08:30:00+08:00",
            "end": f"{day}T17:30:00+08:00", "approved": True}


def vacancies(center: Center, first: str, last: str | None = None) -> list[tuple]:
    rows = vacancy_rows(center, dt.date.fromisoformat(first), dt.date.fromisoformat(last or first))
    return [(v["window"], v["start"][11:16], v["end"][11:16], v["minutes"], v["answerable"])
            for v in (vacancy_json(center, r) for r in rows)]


def anomalies_json(first: str, last: str) -> list[dict]:
    out = io.StringIO()
    call_command("anomalies", "--center", "ZX", "--from", first, "--to", last, "--json", stdout=out)
    return json.loads(out.getvalue())


# -- NV-5: a pause across lunch ----------------------------------------------------------------------
def test_nv5_a_pause_across_lunch_spends_only_its_opening_minutes():
    """A pauses 11:50–14:40 (B on leave): 10 + 10 opening minutes are spent; 15 are the grace, 5 overrun."""
    day = "2026-03-05"
    center = load(clock("a", "S001", day, ("08:20", "17:35")) + [leave("b-leave", "S002", day), {
        "id": "p", "type": "pause", "window": "W01", "staff": "S001",
        "start": f"{day}T11:50:00+08:00", "end": f"{day}T14:40:00+08:00"}])
    assert vacancies(center, day) == [("W01", "14:35", "14:40", 5, "S001")]


def test_nv5_lunch_minutes_do_not_spend_the_daily_allowance():
    """After a 170-minute pause across lunch (20 opening minutes) a later 15-minute pause is still free."""
    day = "2026-03-05"
    center = load(clock("a", "S001", day, ("08:20", "17:35")) + [leave("b-leave", "S002", day), {
        "id": "p1", "type": "pause", "window": "W01", "staff": "S001",
        "start": f"{day}T11:55:00+08:00", "end": f"{day}T14:40:00+08:00"}, {
        "id": "p2", "type": "pause", "window": "W01", "staff": "S001",
        "start": f"{day}T16:00:00+08:00", "end": f"{day}T16:15:00+08:00"}])
    assert vacancies(center, day) == []


# -- ATT-1: a split day --------------------------------------------------------------------------------
def test_att1_a_split_day_is_early_in_the_morning_and_late_in_the_afternoon():
    day = "2026-03-13"
    center = load(clock("a", "S001", day, ("08:25", "11:00"), ("15:20", "17:35"))
                  + clock("b", "S002", day, ("08:20", "17:40")))
    assert anomalies_json("2026-03-01", "2026-03-31") == [
        {"staff": "S001", "date": day, "kind": "early_leave", "minutes": 60, "start": f"{day}T11:00:00+08:00"},
        {"staff": "S001", "date": day, "kind": "late", "minutes": 50, "start": f"{day}T14:30:00+08:00"},
    ]
    # B was there: the post was covered
    assert vacancies(center, day) == []


def test_att1_missing_clock_out_absence_and_approved_leave():
    day = "2026-03-16"
    load(clock("b", "S002", day, ("08:29", "17:30"))[:1]  # B never clocks out
         + [{"id": "x-out", "type": "clock_out", "staff": "S009", "at": f"{day}T17:31:00+08:00"},
            {"id": "a-leave", "type": "leave", "staff": "S001", "start": f"{day}T08:30:00+08:00",
             "end": f"{day}T12:00:00+08:00", "approved": True}])
    got = anomalies_json(day, day)
    assert got == [
        # A: on approved leave in the morning, nowhere in the afternoon — absent there only
        {"staff": "S001", "date": day, "kind": "absent", "minutes": 180, "start": f"{day}T14:30:00+08:00"},
        {"staff": "S002", "date": day, "kind": "missing_clock_out", "minutes": 0, "start": f"{day}T08:29:00+08:00"},
    ]


def test_att1_arriving_within_the_grace_is_not_late_and_rederiving_changes_nothing():
    day = "2026-03-10"
    center = load(clock("a", "S001", day, ("08:40", "17:30")) + clock("b", "S002", day, ("08:41", "17:30")))
    assert anomalies_json(day, day) == [
        {"staff": "S002", "date": day, "kind": "late", "minutes": 11, "start": f"{day}T08:30:00+08:00"}]
    before = list(Anomaly.objects.order_by("pk").values_list("staff", "kind", "minutes", "start", "post"))
    engine.recompute_day(center, dt.date.fromisoformat(day))
    engine.recompute_day(center, dt.date.fromisoformat(day))
    assert list(Anomaly.objects.order_by("pk").values_list("staff", "kind", "minutes", "start", "post")) == before


# -- NV-11: a late opening inside and outside the grace --------------------------------------------------
def test_nv11_a_late_opening_within_the_grace_is_no_vacancy_but_is_recorded():
    day = "2026-03-05"
    center = load(clock("a", "S001", day, ("08:35", "17:35")) + [leave("b-leave", "S002", day)])
    assert vacancies(center, day) == []
    late = Anomaly.objects.get(center=center, date=day, kind="late_opening")
    assert (late.staff.code, late.post.code, late.minutes) == ("S001", "P01", 5)
    assert late.start == dt.datetime(2026, 3, 5, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    # not an ATT-1 anomaly of the contract: 08:35 is inside the clock-in grace
    assert anomalies_json(day, day) == []


def test_nv11_an_arrival_after_the_grace_makes_the_whole_run_a_vacancy():
    day = "2026-03-05"
    center = load(clock("a", "S001", day, ("08:45", "17:35")) + [leave("b-leave", "S002", day)])
    assert vacancies(center, day) == [("W01", "08:30", "08:45", 15, "S001")]
    assert not Anomaly.objects.filter(center=center, kind="late_opening").exists()
    assert anomalies_json(day, day) == [
        {"staff": "S001", "date": day, "kind": "late", "minutes": 15, "start": f"{day}T08:30:00+08:00"}]


def test_nv11_with_no_grace_every_uncovered_minute_is_a_vacancy():
    day = "2026-03-05"
    data = copy.deepcopy(BASE)
    data["center"]["policy"] = {**data["center"]["policy"], "clock_in_grace": 0}
    data["events"] = clock("a", "S001", day, ("08:35", "17:35")) + [leave("b-leave", "S002", day)]
    import_scenario(system_actor("import"), data)
    assert vacancies(Center.objects.get(code="ZX"), day) == [("W01", "08:30", "08:35", 5, "S001")]


def test_nv11_the_afternoon_opening_is_judged_on_its_own():
    """A leaves for lunch at 12:00 and is back at 14:36: a late opening of the afternoon session."""
    day = "2026-03-05"
    center = load(clock("a", "S001", day, ("08:20", "12:00"), ("14:36", "17:35")) + [leave("b-leave", "S002", day)])
    assert vacancies(center, day) == []
    assert list(Anomaly.objects.filter(kind="late_opening").values_list("minutes", flat=True)) == [6]


# -- ATT-4: extended sessions of named windows ------------------------------------------------------
TWO_WINDOWS = {
    "staff": BASE["staff"] + [
        {"code": "S003", "name": "孙三", "department": "RS", "roles": ["window"], "qualified": ["RS-001"]},
        {"code": "S004", "name": "周四", "department": "RS", "roles": ["window"], "qualified": ["RS-001"]}],
    "posts": BASE["posts"] + [
        {"code": "P02", "window": "W02", "department": "RS", "a": "S003", "b": "S004", "items": ["RS-001"]}],
}
EXTENDED = [{"date": "2026-03-17", "start": "12:00", "end": "14:30", "windows": ["W01"]},
            {"date": "2026-03-21", "start": "09:00", "end": "12:00", "windows": ["W01"]},
            {"date": "2026-03-28", "start": "09:00", "end": "12:00", "windows": ["W01"]}]


def load_two_windows(events: list[dict], extended=EXTENDED) -> Center:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(TWO_WINDOWS))
    data["center"]["extended"] = extended
    data["events"] = events
    import_scenario(system_actor("import"), data)
    return Center.objects.get(code="ZX")


def test_att4_a_lunch_extended_session_is_judged_for_its_window_only():
    day = "2026-03-17"  # a Tuesday
    events = []
    for code in ("S001", "S002", "S003", "S004"):
        events += clock(code, code, day, ("08:20", "12:00"), ("14:20", "17:40"))
    center = load_two_windows(events)
    # W01 is open over lunch and nobody was there until 14:20; W02 is closed then
    assert vacancies(center, day) == [("W01", "12:00", "14:20", 140, "S001")]


def test_att4_a_saturday_extended_session_is_judged_only_inside_it():
    day = "2026-03-21"  # a Saturday
    center = load_two_windows(clock("a", "S001", day, ("09:20", "16:00")))
    assert vacancies(center, day) == [("W01", "09:00", "09:20", 20, "S001")]
    # a Saturday with an extended session but no clock event is not judged; no anomalies on a non-working day
    assert vacancies(center, "2026-03-28") == []
    assert anomalies_json("2026-03-21", "2026-03-28") == []


def test_att4_importing_extended_sessions_twice_changes_nothing():
    center = load_two_windows([])
    rows = list(ExtendedSession.objects.values_list("pk", "date", "start", "end"))
    load_two_windows([])
    assert list(ExtendedSession.objects.values_list("pk", "date", "start", "end")) == rows
    assert [sorted(w.code for w in e.windows.all()) for e in ExtendedSession.objects.filter(center=center)] == [
        ["W01"], ["W01"], ["W01"]]


def test_att4_bad_extended_sessions_name_their_json_path_and_change_nothing():
    bad = [{"date": "2026-03-17", "start": "14:30", "end": "12:00", "windows": ["W01"]},
           {"date": "2026-03-18", "start": "12:00", "end": "14:30", "windows": ["W01", "W99"]},
           {"date": "2026-13-01", "start": "12", "end": "14:30", "windows": "W01"}]
    with pytest.raises(ImportFailed) as exc:
        load_two_windows([], extended=bad)
    fields = {p.field for p in exc.value.problems}
    assert {"center.extended[0].end", "center.extended[1].windows[1]", "center.extended[2].date",
            "center.extended[2].start", "center.extended[2].windows"} <= fields
    assert not ExtendedSession.objects.exists() and not Vacancy.objects.exists()


def test_the_attendance_page_shows_late_openings_and_arrivals(client, settings):
    from servicehall.org import services as org
    from servicehall.org.models import Staff

    settings.DEFAULT_CENTER = "ZX"
    day = "2026-03-05"
    load(clock("a", "S001", day, ("08:35", "17:35")) + [leave("b-leave", "S002", day)])
    org.create_account(system_actor("office"), Staff.objects.get(code="S099"), "office", "a-long-password-2026")
    assert client.login(username="office", password="a-long-password-2026")
    body = client.get("/manage/anomalies/", {"from": day, "to": day}).content.decode()
    assert "（P01）" in body  # the late opening of post P01, on A's record
    assert "08:35" in body  # A's arrival, not early enough (ATT-1 arrive_early_minutes)


def test_the_office_adds_and_removes_an_extended_session_on_its_page(client, settings):
    from servicehall.org import services as org
    from servicehall.org.models import Staff

    settings.DEFAULT_CENTER = "ZX"
    day = "2026-03-21"  # a Saturday: judged only inside the extended session
    center = load_two_windows(clock("a", "S001", day, ("09:20", "16:00")), extended=[])
    assert vacancies(center, day) == []
    org.create_account(system_actor("office"), Staff.objects.get(code="S099"), "office", "a-long-password-2026")
    org.create_account(system_actor("office"), Staff.objects.get(code="S001"), "clerk", "a-long-password-2026")
    assert client.login(username="clerk", password="a-long-password-2026")
    assert client.get("/manage/extended/").status_code == 403
    assert client.login(username="office", password="a-long-password-2026")
    bad = client.post("/manage/extended/", {"date": day, "start": "12:00", "end": "09:00", "windows": ["W01"]})
    assert bad.status_code == 400 and not ExtendedSession.objects.exists()
    r = client.post("/manage/extended/", {"date": day, "start": "09:00", "end": "12:00", "windows": ["W01"]})
    assert r.status_code == 302
    assert vacancies(center, day) == [("W01", "09:00", "09:20", 20, "S001")]
    ext = ExtendedSession.objects.get()
    assert "09:00–12:00" in client.get("/manage/extended/").content.decode()
    r = client.post("/manage/extended/", {"action": "remove", "session": ext.pk})
    assert r.status_code == 302 and not ExtendedSession.objects.exists()
    assert vacancies(center, day) == []
