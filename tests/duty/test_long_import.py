"""Long writes never lose the hall's input (issue 14, item 5): a 30,000-event import on an SQLite file while
the public sends complaints; and the import's all-or-nothing check and resumable writing."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection

from servicehall.audit.services import system_actor, verify_chain
from servicehall.duty import importer
from servicehall.duty.importer import ImportFailed, ImportIncomplete, import_scenario
from servicehall.duty.models import Event

from .bigimport import scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_a_30000_event_import_on_sqlite_never_loses_a_complaint(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer is what this is about")
    # The test database is in memory; the import and the complaints share a file, copied from it (migrated).
    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "hall.sqlite3")
    connection.connection.backup(target)
    target.close()
    env = {**os.environ, "SERVICEHALL_DATABASE_URL": f"sqlite:///{tmp_path / 'hall.sqlite3'}",
           "SERVICEHALL_DATA_DIR": str(tmp_path), "SERVICEHALL_CENTER": "ZX",
           "DJANGO_SETTINGS_MODULE": "servicehall.settings",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "tests.duty.bigimport", str(tmp_path), "30000", "40", "1"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["events"] == 30000
    assert out["rederived_alike"]  # the day-by-day re-derivation left what one re-derivation of all leaves
    assert out["vacancies"] > 0
    complaints = out["complaints"]
    assert len(complaints) >= 3
    for c in complaints:
        assert c["status"] != 500
        # Either it landed (once), or the person got "please submit again" with their text still there.
        assert (c["status"] == 200 and c["landed"] == 1) or (c["busy"] and c["kept"] and c["landed"] == 0), c


BASE = {"center": {"code": "ZX", "name": "某县政务服务中心", "sessions": [["08:30", "12:00"], ["14:30", "17:30"]]},
        "departments": [{"code": "RS", "name": "县人社局"}]}


def small(events: int = 50) -> dict:
    data = scenario(events=events, staff=4)
    return {**data, "center": BASE["center"]}


@pytest.mark.django_db
def test_one_bad_event_among_many_changes_nothing_not_even_the_org_chart():
    data = small(200)
    data["events"][150]["staff"] = "S999"
    with pytest.raises(ImportFailed) as failed:
        import_scenario(system_actor("import"), data)
    assert [p.field for p in failed.value.problems] == ["events[150].staff"]
    from servicehall.org.models import Center

    assert not Center.objects.filter(code="ZX").exists() and not Event.objects.exists()


@pytest.mark.django_db
def test_events_are_written_in_batches_with_their_audit_records_chained():
    counts = import_scenario(system_actor("import"), small(230), batch=50)
    assert counts["events"] == 230 and Event.objects.count() == 230
    from servicehall.audit.models import AuditRecord

    assert AuditRecord.objects.filter(action__startswith="event.").count() == 230
    assert verify_chain().ok
    again = import_scenario(system_actor("import"), small(230), batch=50)
    assert again.get("events", 0) == 0 and Event.objects.count() == 230


@pytest.mark.django_db
def test_a_batch_that_fails_says_how_far_it_got_and_the_same_file_again_finishes(monkeypatch):
    data = small(230)
    real = importer.record_many
    calls = {"n": 0}

    def flaky(pending):
        calls["n"] += 1
        if calls["n"] == 3:
            raise DatabaseError("disk I/O error")
        return real(pending)

    monkeypatch.setattr(importer, "record_many", flaky)
    with pytest.raises(ImportIncomplete) as stopped:
        import_scenario(system_actor("import"), data, batch=50)
    assert stopped.value.written == 100 and "events[100]" in str(stopped.value)
    ids = set(Event.objects.values_list("ext_id", flat=True))
    assert ids == {e["id"] for e in data["events"][:100]}  # exactly what it said: before events[100], none after
    monkeypatch.setattr(importer, "record_many", real)
    counts = import_scenario(system_actor("import"), data, batch=50)
    assert counts["events"] == 130 and Event.objects.count() == 230
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_id_taken_with_other_content_meanwhile_leaves_the_written_events_re_derived(monkeypatch):
    """A terminal records an id of the file with other content while the import runs: the import stops at that
    batch, says the file cannot finish as it is, and the events it wrote are re-derived (no stored event goes
    without its derived records)."""
    from servicehall.duty import engine
    from servicehall.duty.models import Anomaly, Vacancy
    from servicehall.org.models import Center

    data = small(230)
    real = importer._existing
    calls = {"n": 0}

    def meanwhile(center, ext_ids):
        calls["n"] += 1
        if calls["n"] == 4:  # one lookup for the check, then one per batch: the third batch
            src = data["events"][100]
            clash = {**src, "type": "clock_out" if src["type"] == "clock_in" else "clock_in"}
            Event.objects.create(center=center, ext_id=clash["id"], type=clash["type"],
                                 staff=center.staff.get(code=clash["staff"]),
                                 at=dt.datetime.fromisoformat(clash["at"]))
        return real(center, ext_ids)

    monkeypatch.setattr(importer, "_existing", meanwhile)
    with pytest.raises(ImportIncomplete) as stopped:
        import_scenario(system_actor("import"), data, batch=50)
    assert "cannot finish" in str(stopped.value) and "re-derived" in str(stopped.value)
    center = Center.objects.get(code="ZX")
    derived = (sorted(Vacancy.objects.values_list("post__code", "date", "start", "end")),
               sorted(Anomaly.objects.values_list("staff__code", "date", "kind", "start")))
    for day in sorted({d for d in Event.objects.values_list("at__date", flat=True) if d}):
        engine.recompute_day(center, day)
    assert derived == (sorted(Vacancy.objects.values_list("post__code", "date", "start", "end")),
                       sorted(Anomaly.objects.values_list("staff__code", "date", "kind", "start")))
    assert derived != ([], [])


def test_the_command_says_what_a_failure_part_way_leaves():
    from django.core.management import load_command_class

    text = load_command_class("servicehall.duty", "import").help
    assert "changes nothing" in text and "batch" in text and "same file again" in text


@pytest.mark.django_db
def test_a_busy_database_is_not_blamed_on_the_file(monkeypatch, tmp_path):
    """A busy database while the org chart is written is the database's, not a bad file's: the import raises it
    (nothing stays) and the command exits 1, "run it again", not 2 with a problem at departments[0]."""
    from django.core.management import call_command

    from servicehall.busy import DatabaseBusy
    from servicehall.org import services as org

    def busy(*args, **kwargs):
        raise DatabaseBusy("database is locked")

    monkeypatch.setattr(org, "save_department", busy)
    with pytest.raises(DatabaseBusy):
        import_scenario(system_actor("import"), small(20))
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(small(20)), encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        call_command("import", str(path))
    assert ended.value.code == 1 and not Event.objects.exists()
