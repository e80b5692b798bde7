"""ORG-3, NV-6: a post's A, B and items hold from a date until the next change (SCENARIO.md ``posts[].from``).

Every re-derivation of a day — a late event, a correction, an appeal — judges it with the A and B in force
on that day, so an A/B change never moves an old vacancy to the new A, nor erases the old B's own fault.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import system_actor
from servicehall.core.clock import today as local_today
from servicehall.duty import engine
from servicehall.duty.importer import ImportFailed, import_scenario
from servicehall.duty.models import Anomaly, Vacancy
from servicehall.duty.queries import sanction_json, sanctions
from servicehall.org import assignments
from servicehall.org import services as org
from servicehall.org.models import BEGINNING, Center, Post, PostAssignment, Staff

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent / "scenarios"
CHANGE = json.loads((HERE / "org3_post_changes_over_time.json").read_text(encoding="utf-8"))
ENTRY = {"code": "P01", "window": "W01", "department": "RS", "items": ["RS-001"]}


def judged(center: Center, day: dt.date) -> list[tuple]:
    return sorted((v.start, v.end, v.answerable_kind, v.answerable, v.staff_id)
                  for v in Vacancy.objects.filter(center=center, date=day))


def import_file(posts: list[dict], events: list[dict]) -> Center:
    import_scenario(system_actor("import"), {**BASE, "posts": posts, "events": events})
    return Center.objects.get(code="ZX")


# -- the scenario: a change, then a late event on an earlier day ---------------------------------
def test_late_events_on_days_before_a_dated_change_are_judged_with_that_days_a_and_b():
    center = import_file(CHANGE["posts"], CHANGE["events"])
    # S009, A only from 03-05, clocks in on 03-03 and 03-04 (entered late): on those days S009 held no
    # part of P01, so the old A still answers for 03-03 and the old B's early leave on 03-04 stays B's.
    late = [{"id": "late-3-in", "type": "clock_in", "staff": "S009", "at": "2026-03-03T08:20:00+08:00"},
            {"id": "late-3-out", "type": "clock_out", "staff": "S009", "at": "2026-03-03T17:40:00+08:00"},
            {"id": "late-4-in", "type": "clock_in", "staff": "S009", "at": "2026-03-04T08:20:00+08:00"},
            {"id": "late-4-out", "type": "clock_out", "staff": "S009", "at": "2026-03-04T17:40:00+08:00"}]
    import_file(CHANGE["posts"], CHANGE["events"] + late)
    rows = Vacancy.objects.filter(center=center).order_by("date")
    assert [(v.date.isoformat(), v.answerable_kind, v.answerable) for v in rows] == [
        ("2026-03-03", "a", "S001"), ("2026-03-04", "b", "S002"), ("2026-03-05", "a", "S009")]
    assert [s["staff"] for s in map(sanction_json, sanctions(center, 2026))] == ["S001", "S009"]
    # 03-05: S002 is no longer on the post and not expected at the windows (ATT-1); S009 is.
    day5 = dt.date(2026, 3, 5)
    assert not Anomaly.objects.filter(date=day5, staff__code="S002").exists()
    assert Anomaly.objects.filter(date=day5, staff__code="S009", kind="absent").exists()


def test_a_change_from_today_leaves_past_days_with_their_a_and_b():
    first = CHANGE["events"][:7]  # 03-03 and 03-04
    center = import_file(BASE["posts"], first)
    # the same entry changed, without `from`: it holds from the center's today
    import_file([{**ENTRY, "a": "S009", "b": "S001"}], first)
    post = Post.objects.get(code="P01")
    today = local_today(center)
    assert [(a.valid_from, a.a.code, a.b.code) for a in assignments.history(post)] == [
        (today, "S009", "S001"), (BEGINNING, "S001", "S002")]
    assert (post.a.code, post.b.code) == ("S009", "S001")  # the present-time mirror
    before = {d: judged(center, d) for d in (dt.date(2026, 3, 3), dt.date(2026, 3, 4))}
    late = [{"id": "late-3-in", "type": "clock_in", "staff": "S009", "at": "2026-03-03T08:20:00+08:00"},
            {"id": "late-4-in", "type": "clock_in", "staff": "S009", "at": "2026-03-04T08:20:00+08:00"}]
    import_file([{**ENTRY, "a": "S009", "b": "S001"}], first + late)
    assert {d: judged(center, d) for d in before} == before
    assert [v.answerable for v in Vacancy.objects.order_by("date")] == ["S001", "S002"]


def test_the_office_changing_a_and_b_in_a_judged_month_re_derives_from_that_date_only():
    center = import_file(BASE["posts"], CHANGE["events"][:7])
    day3, day4 = dt.date(2026, 3, 3), dt.date(2026, 3, 4)
    before3 = judged(center, day3)
    assert [v.answerable for v in Vacancy.objects.filter(date=day4)] == ["S002"]
    # From 03-04 on, S009 is B: S002 was not on the post that day, so the uncovered 16:00-17:30 has
    # A (S001) in order and B (S009) absent without leave: S009 answers (NV-6).
    org.save_post(system_actor("office"), center, "P01", window="W01", a="S001", b="S009", items=["RS-001"],
                  valid_from=day4)
    assert judged(center, day3) == before3
    day4_rows = list(Vacancy.objects.filter(date=day4))
    assert {(v.answerable_kind, v.answerable) for v in day4_rows} == {("b", "S009")}
    assert AuditRecord.objects.filter(action="post.assignment", after__valid_from="2026-03-04").exists()


# -- import: `posts[].from` ------------------------------------------------------------------------
def test_import_from_first_entry_from_the_beginning_and_reimport_changes_nothing():
    center = import_file(CHANGE["posts"], CHANGE["events"])
    post = Post.objects.get(code="P01")
    assert [(a.valid_from, a.a.code) for a in PostAssignment.objects.filter(post=post)] == [
        (BEGINNING, "S001"), (dt.date(2026, 3, 5), "S009")]
    assert assignments.for_post(post, dt.date(2026, 3, 4)).b.code == "S002"
    assert assignments.on(center, dt.date(2026, 3, 5))[post.pk].b.code == "S001"
    counts = (AuditRecord.objects.count(), PostAssignment.objects.count(),
              list(Vacancy.objects.values_list("pk", "answerable")))
    import_file(CHANGE["posts"], CHANGE["events"])
    assert (AuditRecord.objects.count(), PostAssignment.objects.count(),
            list(Vacancy.objects.values_list("pk", "answerable"))) == counts


def test_import_a_dated_entry_equal_to_the_one_in_force_changes_nothing():
    import_file(BASE["posts"], [])
    count = AuditRecord.objects.count()
    import_file([{**BASE["posts"][0], "from": "2026-03-10"}], [])
    assert AuditRecord.objects.count() == count
    assert PostAssignment.objects.count() == 1


def test_import_a_new_post_from_a_date_is_not_judged_before_it():
    center = import_file(BASE["posts"] + [{"code": "P02", "window": "W02", "department": "RS", "a": "S009",
                                           "b": "S002", "items": ["RS-001"], "from": "2026-03-04"}],
                         CHANGE["events"][:7])
    p2 = Post.objects.get(code="P02")
    assert assignments.for_post(p2, dt.date(2026, 3, 3)) is None
    assert not Vacancy.objects.filter(post=p2, date=dt.date(2026, 3, 3)).exists()
    assert Vacancy.objects.filter(post=p2, date=dt.date(2026, 3, 4), answerable="S009").exists()
    assert center.code == "ZX"


def test_a_post_added_later_from_a_past_date_is_judged_from_that_date():
    import_file(BASE["posts"], CHANGE["events"][:7])
    import_file([{"code": "P02", "window": "W02", "department": "RS", "a": "S009", "b": "S002",
                  "items": ["RS-001"], "from": "2026-03-04"}], [])
    p2 = Post.objects.get(code="P02")
    assert list(Vacancy.objects.filter(post=p2).values_list("date", "answerable")) == [
        (dt.date(2026, 3, 4), "S009")]


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", 20260305, ""])
def test_import_a_bad_from_names_its_path_and_changes_nothing(bad):
    posts = [BASE["posts"][0], {**ENTRY, "a": "S009", "b": "S001", "from": bad}]
    with pytest.raises(ImportFailed) as e:
        import_file(posts, CHANGE["events"][:3])
    assert list(e.value.as_dict()) == ["posts[1].from"]
    assert not Center.objects.exists() and not PostAssignment.objects.exists() and not AuditRecord.objects.exists()


def test_import_two_entries_of_a_post_from_the_same_day_are_refused():
    posts = [{**ENTRY, "a": "S001", "b": "S002", "from": "2026-03-05"},
             {**ENTRY, "a": "S009", "b": "S001", "from": "2026-03-05"}]
    with pytest.raises(ImportFailed) as e:
        import_file(posts, [])
    assert "posts[1].from" in e.value.as_dict()
    assert not Center.objects.exists()


def test_import_a_dated_change_is_checked_like_any_post_entry():
    import_file(BASE["posts"], [])
    with pytest.raises(ImportFailed) as e:  # S010 is not qualified for RS-001 (ORG-4)
        import_file([{**ENTRY, "a": "S001", "b": "S010", "from": "2026-03-05"}], [])
    assert "ORG-4" in " ".join(e.value.as_dict()["posts[0].b"])
    assert PostAssignment.objects.count() == 1


# -- pages -----------------------------------------------------------------------------------------
def test_vacancy_pages_show_the_a_and_b_of_the_judged_day(client, settings):
    settings.DEFAULT_CENTER = "ZX"
    import_file(CHANGE["posts"], CHANGE["events"])
    office = Staff.objects.get(code="S099")
    org.create_account(system_actor("office"), office, "office", "a-long-password-2026")
    assert client.login(username="office", password="a-long-password-2026")
    body = client.get("/manage/vacancies/", {"from": "2026-03-03", "to": "2026-03-05"}).content.decode()
    day3 = body[body.index("2026-03-03"):]
    assert "张三（S001） / 李四（S002）" in body and "王九（S009） / 张三（S001）" in body
    assert day3.index("张三（S001） / 李四（S002）") >= 0
    v = Vacancy.objects.get(date=dt.date(2026, 3, 3))
    detail = client.get(f"/manage/vacancies/{v.pk}/").content.decode()
    assert "张三（S001） / 李四（S002）" in detail and "王九（S009） / 张三（S001）" not in detail
    # the person filter (and its export) finds a vacancy by the A of its day, not by today's A
    import io

    from openpyxl import load_workbook

    def rows(person: str) -> int:
        r = client.get("/manage/vacancies/", {"from": "2026-03-03", "to": "2026-03-03", "person": person,
                                               "format": "xlsx"})
        return load_workbook(io.BytesIO(r.content)).active.max_row - 1  # less the header
    assert rows("S001") == Vacancy.objects.filter(date=dt.date(2026, 3, 3)).count() >= 1
    assert rows("S009") == 0


# -- properties ------------------------------------------------------------------------------------
DAYS = [dt.date(2026, 3, d) for d in (2, 3, 4, 5, 6)]
PEOPLE = ["S001", "S002", "S009"]


@st.composite
def day_events(draw) -> list[dict]:
    """Random clock data and absences for the window people over a working week."""
    events = []
    for day in DAYS:
        for code in PEOPLE:
            if draw(st.booleans()):
                start = draw(st.integers(8 * 60, 11 * 60))
                end = draw(st.integers(start + 1, 18 * 60))
                events.append({"id": f"{day}-{code}-in", "type": "clock_in", "staff": code,
                               "at": f"{day}T{start // 60:02d}:{start % 60:02d}:00+08:00"})
                events.append({"id": f"{day}-{code}-out", "type": "clock_out", "staff": code,
                               "at": f"{day}T{end // 60:02d}:{end % 60:02d}:00+08:00"})
            if draw(st.integers(0, 4)) == 0:
                events.append({"id": f"{day}-{code}-leave", "type": "leave", "staff": code,
                               "start": f"{day}T08:30:00+08:00", "end": f"{day}T12:00:00+08:00",
                               "approved": draw(st.booleans())})
    return events


def _rolled_back(check) -> None:
    """Each example in a savepoint that is rolled back: the database is the same for the next one."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=day_events(), day=st.sampled_from(DAYS))
def test_property_re_deriving_a_day_twice_gives_the_same_result(events, day):
    def check():
        center = import_file(BASE["posts"], events)
        first = (judged(center, day), sorted(Anomaly.objects.filter(date=day).values_list("staff_id", "kind")))
        engine.recompute_day(center, day)
        engine.recompute_day(center, day)
        assert (judged(center, day),
                sorted(Anomaly.objects.filter(date=day).values_list("staff_id", "kind"))) == first
    _rolled_back(check)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=day_events(), change=st.sampled_from(DAYS[1:]),
       pair=st.permutations(PEOPLE).map(lambda p: (p[0], p[1])), late=day_events())
def test_property_a_change_from_a_date_never_changes_a_day_before_it(events, change, pair, late):
    def check():
        center = import_file(BASE["posts"], events)
        before = {d: judged(center, d) for d in DAYS if d < change}
        a, b = pair
        org.save_post(system_actor("office"), center, "P01", window="W01", a=a, b=b, items=["RS-001"],
                      valid_from=change)
        assert {d: judged(center, d) for d in before} == before
        # re-deriving every day again gives the same record before the change
        for d in DAYS:
            engine.recompute_day(center, d)
        assert {d: judged(center, d) for d in before} == before
        # and late events judge their days with that day's assignment: the same as if they had come first
        times = {(e["staff"], e.get("at")) for e in events}
        extra = [{**e, "id": f"late-{e['id']}"} for e in late
                 if e["type"] in ("clock_in", "clock_out") and (e["staff"], e["at"]) not in times]
        import_file([], events + extra)
        after = {d: judged(center, d) for d in before}
        with transaction.atomic():  # the same days judged as if the change had never been made
            Vacancy.objects.all().delete()
            PostAssignment.objects.filter(valid_from=change).delete()
            for d in before:
                engine.recompute_day(center, d)
            assert {d: judged(center, d) for d in before} == after
            transaction.set_rollback(True)
        held = assignments.for_post(Post.objects.get(code="P01"), change)
        assert (held.a.code, held.b.code) == (a, b)
    _rolled_back(check)
