"""Scenario files (SCENARIO.md) for every NV rule: import, then read vacancies and sanctions as other systems do."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from servicehall.audit.services import system_actor
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Anomaly
from servicehall.duty.queries import sanction_json, sanctions, vacancy_json, vacancy_rows
from servicehall.org.models import Center

HERE = Path(__file__).parent / "scenarios"
BASE = json.loads((HERE / "_base.json").read_text(encoding="utf-8"))
FILES = sorted(p for p in HERE.glob("*.json") if not p.name.startswith("_"))

pytestmark = pytest.mark.django_db


def scenario(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    # A file may give its own posts (ORG-3: a post's A and B over time); otherwise the base's.
    return {**BASE, "events": data["events"], **({"posts": data["posts"]} if "posts" in data else {})}, data["expect"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path):
    data, expect = scenario(path)
    import_scenario(system_actor("import"), data)
    center = Center.objects.get(code="ZX")
    first, last = dt.date.fromisoformat(expect["from"]), dt.date.fromisoformat(expect["to"])
    got = [vacancy_json(center, v) for v in vacancy_rows(center, first, last)]
    for row in got:
        assert row.pop("reason")  # every vacancy says why, in Chinese
    assert got == expect["vacancies"]
    if "anomalies" in expect:
        found = {(a.staff.code, a.kind) for a in Anomaly.objects.filter(center=center, date__gte=first, date__lte=last)}
        assert {tuple(a) for a in expect["anomalies"]} <= found
    for key, value in expect.items():
        if key.startswith("sanctions_"):
            assert [sanction_json(s) for s in sanctions(center, int(key[-4:]))] == value


def test_importing_twice_changes_nothing():
    data, _ = scenario(HERE / "nv6_a_absent_b_away.json")
    import_scenario(system_actor("import"), data)
    from servicehall.audit.models import AuditRecord
    from servicehall.duty.models import Event, Vacancy

    counts = (AuditRecord.objects.count(), Event.objects.count(), list(Vacancy.objects.values_list("pk", "minutes")))
    import_scenario(system_actor("import"), data)
    assert (AuditRecord.objects.count(), Event.objects.count(),
            list(Vacancy.objects.values_list("pk", "minutes"))) == counts


def test_a_late_clock_event_heals_the_incident():
    data, _ = scenario(HERE / "nv6_a_absent_b_away.json")
    import_scenario(system_actor("import"), data)
    center = Center.objects.get(code="ZX")
    day = dt.date(2026, 3, 3)
    assert [v.answerable for v in vacancy_rows(center, day, day)] == ["S001"]
    late = {**BASE, "events": data["events"] + [
        {"id": "a-in-late", "type": "clock_in", "staff": "S001", "at": "2026-03-03T08:28:00+08:00"},
        {"id": "a-out-late", "type": "clock_out", "staff": "S001", "at": "2026-03-03T17:31:00+08:00"}]}
    import_scenario(system_actor("import"), late)
    assert list(vacancy_rows(center, day, day)) == []
    assert not Anomaly.objects.filter(staff__code="S001", date=day, kind="absent").exists()
