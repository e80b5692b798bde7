"""SCENARIO.md: a bad file changes nothing at all and gets one error per problem, with its JSON path; exit 2."""

from __future__ import annotations

import json

import pytest

from servicehall.audit.models import AuditRecord
from servicehall.cli import main
from servicehall.duty.models import Event
from servicehall.org.models import Center, Post

from .test_scenarios import BASE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_cli")]


def run_import(tmp_path, capsys, data) -> tuple[int, str, str]:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        main(["import", str(path)])
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_a_good_file_imports(tmp_path, capsys):
    code, out, _ = run_import(tmp_path, capsys, {**BASE, "events": [
        {"id": "e1", "type": "clock_in", "staff": "S001", "at": "2026-03-02T08:25:00+08:00"}]})
    assert code == 0 and "imported" in out
    assert Post.objects.get(code="P01").b.code == "S002"


def test_every_problem_is_named_and_nothing_is_written(tmp_path, capsys):
    bad = json.loads(json.dumps(BASE))
    bad["posts"].append({"code": "P02", "window": "W02", "department": "RS", "a": "S001", "b": "S001"})
    bad["posts"].append({"code": "P03", "window": "W03", "department": "RS", "a": "S001", "b": "S010",
                         "items": ["RS-001"]})
    bad["events"] = [
        {"id": "e1", "type": "clock_in", "staff": "S404", "at": "2026-03-02T08:25:00+08:00"},
        {"id": "e2", "type": "leave", "staff": "S001", "start": "2026-03-03T17:30:00+08:00",
         "end": "2026-03-03T08:30:00+08:00", "approved": True},
        {"id": "e3", "type": "clock_in", "staff": "S001", "at": "2027-03-02T08:25:00+08:00"},
        {"id": "e4", "type": "clock_in", "staff": "S001", "at": "yesterday"},
        {"id": "e5", "type": "teleport", "staff": "S001"},
        {"id": "e6", "type": "pause", "window": "W01", "staff": "S001", "start": "2026-03-02T10:00:00+08:00",
         "end": "2026-03-02T10:20:00+08:00"},
        {"id": "e7", "type": "pause", "window": "W01", "staff": "S001", "start": "2026-03-02T10:10:00+08:00",
         "end": "2026-03-02T10:30:00+08:00"},
        {"id": "e1", "type": "clock_out", "staff": "S001", "at": "2026-03-02T17:25:00+08:00"},
    ]
    code, out, err = run_import(tmp_path, capsys, bad)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    expected = ["posts[1].b", "posts[2].b", "events[0].staff", "events[1].end", "events[2].at", "events[3].at",
                "events[4].type", "events[6]", "events[7].id"]
    for path in expected:
        assert any(line.startswith(f"error: {path}:") for line in lines), (path, lines)
    assert "ORG-3" in err and "ORG-4" in err and "2027" in err and "S404" in err
    assert not Center.objects.exists() and not Event.objects.exists() and not AuditRecord.objects.exists()


def test_not_json(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text("{nope", encoding="utf-8")
    try:
        main(["import", str(path)])
    except SystemExit as exc:
        assert exc.code == 2
    assert "not JSON" in capsys.readouterr().err


def test_changing_an_imported_event_is_refused(tmp_path, capsys):
    data = {**BASE, "events": [{"id": "e1", "type": "clock_in", "staff": "S001", "at": "2026-03-02T08:25:00+08:00"}]}
    assert run_import(tmp_path, capsys, data)[0] == 0
    data["events"][0]["at"] = "2026-03-02T08:35:00+08:00"
    code, _, err = run_import(tmp_path, capsys, data)
    assert code == 2 and "correction is a new event" in err
    assert Event.objects.get(ext_id="e1").at.minute == 25


def test_vacancies_and_sanctions_commands(tmp_path, capsys):
    data = json.loads((__import__("pathlib").Path(__file__).parent / "scenarios/nv6_a_absent_b_away.json").read_text())
    run_import(tmp_path, capsys, {**BASE, "events": data["events"]})
    main(["vacancies", "--center", "ZX", "--from", "2026-03-01", "--to", "2026-03-31", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert [(r["post"], r["minutes"], r["answerable_kind"], r["answerable"]) for r in rows] == [("P01", 60, "a", "S001")]
    main(["sanctions", "--center", "ZX", "--year", "2026", "--json"])
    assert json.loads(capsys.readouterr().out) == [
        {"staff": "S001", "post": "P01", "date": "2026-03-03", "rank_in_year": 1, "rank_in_month": 1,
         "level": "criticism"}]
