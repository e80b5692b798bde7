"""Backups that restore (issue 14 item 4; SEC-3 encrypted backups, SEC-4 work is not lost, SEC-7 the audit chain).

A small center with audited writes and an uploaded file is backed up in this process and restored by
``servicehall restore`` in another process, into a fresh database and data folder — on SQLite, and in make
test's PostgreSQL step into a second database of the same throwaway cluster.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

import servicehall
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import verify_chain
from servicehall.core import backup, schedule
from servicehall.core.models import Notification
from servicehall.org import backups as daily_backups
from servicehall.org import services as org
from servicehall.org.models import Center, Staff

KEY = backup.new_key()
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.SERVICEHALL_BACKUP_KEY = KEY
    settings.SERVICEHALL_BACKUP_DIR = tmp_path / "backups"
    settings.SERVICEHALL_BACKUP_KEEP = 30
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    return settings


@pytest.fixture
def hall(backup_settings, actor, center):
    """The center, one more audited write, and an uploaded staff photo."""
    org.save_window(actor, center, "W03", "3号窗口", "RS", location="二楼")
    stored = default_storage.save("staff/s001.png", ContentFile(PHOTO))
    Staff.objects.filter(center=center, code="S001").update(photo=stored)
    return center


def restore_elsewhere(archive: Path, data_dir: Path, *, database_url: str = "", key: str = KEY,
                      check: bool = False) -> subprocess.CompletedProcess:
    """``servicehall restore`` in another process, on another data folder (and database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEHALL_")}
    env.update(SERVICEHALL_INSECURE_DEV_KEY="true", SERVICEHALL_DATA_DIR=str(data_dir), SERVICEHALL_BACKUP_KEY=key,
               PYTHONPATH=str(Path(servicehall.__file__).resolve().parent.parent))
    if database_url:
        env["SERVICEHALL_DATABASE_URL"] = database_url
    args = [sys.executable, "-m", "servicehall.cli", "restore", *(["--check"] if check else []), str(archive)]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def second_database():
    """Where the restore goes: a new SQLite file (none), or on PostgreSQL an empty second database."""
    if connection.vendor != "postgresql":
        yield ""
        return
    s = connection.settings_dict
    name = f"restored_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    yield f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_rows(url: str, data_dir: Path, sql: str) -> list[tuple]:
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    with sqlite3.connect(data_dir / "servicehall.sqlite3") as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_a_verifying_audit_chain(
        hall, tmp_path, second_database):
    archive = backup.create()
    assert archive.parent == tmp_path / "backups" and archive.name.endswith(".shbk")
    assert PHOTO not in archive.read_bytes() and b"S001" not in archive.read_bytes()  # encrypted (SEC-3)
    audit_count = AuditRecord.objects.count()
    assert audit_count > 10 and verify_chain().ok

    fresh = tmp_path / "fresh"
    run = restore_elsewhere(archive, fresh, database_url=second_database)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "rows: every table matches the backup" in run.stdout
    assert f"audit chain: ok, {audit_count} records" in run.stdout

    rows = restored_rows(second_database, fresh, "SELECT code, name FROM org_window ORDER BY code")
    assert rows == [("W01", "1号窗口"), ("W02", "2号窗口"), ("W03", "3号窗口")]
    assert restored_rows(second_database, fresh, "SELECT COUNT(*) FROM audit_auditrecord") == [(audit_count,)]
    assert restored_rows(second_database, fresh, "SELECT photo FROM org_staff WHERE code = 'S001'") == [
        ("staff/s001.png",)]
    assert (fresh / "media" / "staff" / "s001.png").read_bytes() == PHOTO

    # A restore into a database that holds data (this one) is refused, saying how to make an empty one.
    with pytest.raises(backup.BackupError, match="is not empty .*do not run migrate before restoring"):
        backup.restore(archive)
    assert Center.objects.count() == 1


@pytest.mark.django_db
def test_a_file_the_rows_name_but_the_restore_lacks_is_reported(hall, backup_settings):
    """SEC-4: a photo replaced and deleted while the database was dumped is in the rows, not in the archive; the
    restore's check names it instead of reporting ok."""
    assert backup.missing_files() == []
    (backup_settings.MEDIA_ROOT / "staff" / "s001.png").unlink()
    assert backup.missing_files() == ["org.Staff.photo: staff/s001.png is named in the database but not restored"]


@pytest.mark.django_db(transaction=True)
def test_the_manifest_names_engine_rows_and_checksums(hall, tmp_path):
    archive = backup.create(tmp_path / "elsewhere")
    out = tmp_path / "unpacked"
    manifest = backup.unpack(archive, out)
    assert manifest.engine == connection.vendor
    assert manifest.rows["org_center"] == 1 and manifest.rows["org_window"] == 3
    assert manifest.rows["audit_auditrecord"] == AuditRecord.objects.count()
    assert manifest.media == ["staff/s001.png"]
    facts = manifest.data["members"]["media/staff/s001.png"]
    assert facts == {"size": len(PHOTO), "sha256": hashlib.sha256(PHOTO).hexdigest()}
    assert manifest.data["created_at"] and manifest.data["format"] == backup.FORMAT


@pytest.mark.django_db(transaction=True)
def test_a_tampered_archive_is_refused_before_anything_is_restored(hall, tmp_path):
    archive = backup.create()
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.shbk"
    tampered.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="fails its authentication check"):
        backup.check(tampered)

    fresh = tmp_path / "fresh"
    run = restore_elsewhere(tampered, fresh)
    assert run.returncode == 2 and "fails its authentication check" in run.stderr
    assert restored_rows("", fresh, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") == [(0,)]
    assert not (fresh / "media" / "staff").exists()

    cut = tmp_path / "cut.shbk"
    cut.write_bytes(archive.read_bytes()[:-7])
    with pytest.raises(backup.BackupError, match="cut short"):
        backup.check(cut)
    longer = tmp_path / "longer.shbk"
    longer.write_bytes(archive.read_bytes() + b"\0")
    with pytest.raises(backup.BackupError, match="data after its last chunk"):
        backup.check(longer)


def test_chunks_cannot_be_reordered_or_dropped(monkeypatch):
    monkeypatch.setattr(backup, "CHUNK", 64)
    key = backup.load_key(KEY)
    payload = os.urandom(64 * 5 + 17)
    out = io.BytesIO()
    sealer = backup._Sealer(out, key)
    sealer.write(payload[:100])
    sealer.write(payload[100:])
    sealer.finish()
    sealed = out.getvalue()
    assert backup._Opener(io.BytesIO(sealed), key, "a").read() == payload

    header, rest = sealed[:backup._HEADER], sealed[backup._HEADER:]
    chunks = []
    while rest:
        n = int.from_bytes(rest[:4], "big") + 4
        chunks.append(rest[:n])
        rest = rest[n:]
    assert len(chunks) == 6
    swapped = header + chunks[1] + chunks[0] + b"".join(chunks[2:])
    with pytest.raises(backup.BackupError, match="chunk 0 fails its authentication check"):
        backup._Opener(io.BytesIO(swapped), key, "a").read()
    dropped_last = header + b"".join(chunks[:-1])
    with pytest.raises(backup.BackupError, match="cut short"):
        backup._Opener(io.BytesIO(dropped_last), key, "a").read()


def test_a_member_that_does_not_match_the_manifest_is_refused(tmp_path, settings):
    """Made with the right key but a wrong checksum (a faulty writer): refused by the member check."""
    key = backup.load_key(KEY)
    archive = tmp_path / "odd.shbk"
    db = b"not the database the manifest describes"
    manifest = {"format": backup.FORMAT, "engine": "sqlite", "created_at": "2026-11-24T00:00:00+00:00",
                "rows": {}, "members": {"database.sqlite3.gz": {"size": len(db), "sha256": "0" * 64}}}
    with open(archive, "wb") as raw:
        sealer = backup._Sealer(raw, key)
        with tarfile.open(fileobj=sealer, mode="w|") as tar:
            for name, data in (("database.sqlite3.gz", db), ("manifest.json", json.dumps(manifest).encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        sealer.finish()
    with pytest.raises(backup.BackupError, match="database.sqlite3.gz does not match its checksum"):
        backup.unpack(archive, tmp_path / "out", key=key)


@pytest.mark.django_db(transaction=True)
def test_a_wrong_key_is_refused_as_such(hall, tmp_path):
    archive = backup.create()
    with pytest.raises(backup.BackupError, match="another key"):
        backup.check(archive, key=backup.load_key(backup.new_key()))
    assert backup.check(archive).rows["org_window"] == 3


@pytest.mark.django_db
def test_no_key_no_backup_never_an_unencrypted_one(backup_settings):
    backup_settings.SERVICEHALL_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="no backup key: set SERVICEHALL_BACKUP_KEY"):
        call_command("backup")
    backup_settings.SERVICEHALL_BACKUP_KEY = base64.b64encode(b"too short").decode()
    with pytest.raises(CommandError, match="32 bytes in base64"):
        call_command("backup")
    assert not list(Path(backup_settings.SERVICEHALL_BACKUP_DIR).glob("*"))


def test_new_key_prints_a_key_that_loads(capsys):
    call_command("backup", "--new-key")
    printed = capsys.readouterr().out.strip()
    assert len(backup.load_key(printed)) == 32 and printed != backup.new_key()


def test_rotation_keeps_the_newest(tmp_path):
    names = [f"{backup.PREFIX}2026110{d}-023000-000000{backup.SUFFIX}" for d in range(1, 6)]
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    (tmp_path / "unrelated.txt").write_text("mine")
    removed = backup.rotate(tmp_path, keep=3)
    assert sorted(p.name for p in removed) == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names[2:], "unrelated.txt"]


def test_no_clear_dump_is_left_in_the_backup_folder(backup_settings, tmp_path):
    """SEC-3: the clear dump is made in DATA_DIR/tmp (0700), not in the folder operators copy off-site; a clear
    dump left by a backup killed half-way (here or in an older version's place) is removed after a day."""
    import os

    out = tmp_path / "backups"
    out.mkdir()
    stale = [out / ".backup-killed", backup.scratch_dir() / ".backup-killed"]
    for folder in stale:
        folder.mkdir()
        (folder / "database.pgdump").write_bytes(b"clear")
        os.utime(folder, (0, 0))
    fresh = backup.scratch_dir() / ".backup-running"
    fresh.mkdir()
    removed = backup.rotate(out, keep=3)
    assert sorted(removed) == sorted(stale) and not any(p.exists() for p in stale) and fresh.exists()
    assert oct(backup.scratch_dir().stat().st_mode & 0o777) == "0o700"


@pytest.mark.django_db(transaction=True)
def test_the_worker_backs_up_daily_and_keeps_the_last_n(backup_settings, hall):
    from servicehall.core import tasks

    tick = {t.name: t for t in schedule.ticks()}["org.backup_daily"]
    # 02:30 in Beijing is 18:30 UTC, the zone Huey's crontab reads.
    assert (tick.path, tick.minute, tick.hour) == ("servicehall.org.backups.daily", "30", "2")  # the hall's 02:30 (HUEY utc=False)
    assert "org.backup_daily" in tasks.TASKS
    backup_settings.SERVICEHALL_BACKUP_KEEP = 2
    made = [tick.run() for _ in range(3)]
    assert all(m is not None for m in made)
    assert sorted(Path(backup_settings.SERVICEHALL_BACKUP_DIR).glob("*.shbk")) == sorted(made[1:])
    assert not Notification.objects.exists()


def test_the_worker_reads_its_hours_in_the_halls_zone(settings):
    """Huey's schedule is read in the process's local zone, which Django sets to TIME_ZONE: the nightly backup
    at 02:30 and the card refresh at 00:02 are the hall's hours (SEC-4, CASE-11)."""
    import time

    from servicehall.core import schedule

    assert settings.HUEY["utc"] is False
    assert time.strftime("%z") == "+0800"  # Asia/Shanghai
    ticks = {t.name: t for t in schedule.ticks()}
    assert (ticks["org.backup_daily"].hour, ticks["org.backup_daily"].minute) == ("2", "30")


@pytest.mark.django_db
def test_no_key_alerts_the_system_administrator_once_a_day(backup_settings, center,
                                                          django_capture_on_commit_callbacks):
    backup_settings.SERVICEHALL_BACKUP_KEY = ""
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert daily_backups.daily() is None
    told = Notification.objects.get()
    assert told.recipient == Staff.objects.get(center=center, code="S900")  # the system administrator
    assert told.key.startswith("backup-off:") and "SERVICEHALL_BACKUP_KEY" in told.text
    assert not list(Path(backup_settings.SERVICEHALL_BACKUP_DIR).glob("*.shbk"))


@pytest.mark.django_db
def test_a_failed_backup_is_logged_and_alerted(backup_settings, center, monkeypatch, caplog,
                                               django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "create", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_backups.daily() is None
    told = Notification.objects.get()
    assert told.key.startswith("backup-failed:") and "No space left on device" in told.text
    assert told.center == Center.objects.get(code="ZX")
    assert "daily backup failed" in caplog.text


@pytest.mark.django_db
def test_sqlite_syncs_every_commit(settings):
    """SEC-4: WAL with synchronous=FULL — a committed write survives a power cut."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's pragma")
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        assert cur.fetchone()[0] == 2  # FULL
    assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]


def test_the_sqlite_copy_is_one_consistent_snapshot_while_the_hall_writes(tmp_path):
    """SQLite's online backup in one step reads one snapshot: a writer committing pairs of rows meanwhile is
    not blocked (WAL) and the copy never holds half a pair."""
    import threading

    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, pad BLOB)")
        conn.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, pad BLOB)")
        conn.executemany("INSERT INTO a (pad) VALUES (?)", [(os.urandom(400),)] * 5000)
        conn.executemany("INSERT INTO b (pad) VALUES (?)", [(os.urandom(400),)] * 5000)
    stop = threading.Event()
    written = []

    def writer():
        w = sqlite3.connect(live, timeout=10, isolation_level=None)
        while not stop.is_set():
            w.execute("BEGIN IMMEDIATE")
            w.execute("INSERT INTO a (pad) VALUES (x'00')")
            w.execute("INSERT INTO b (pad) VALUES (x'00')")
            w.execute("COMMIT")
            written.append(1)
        w.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while not written:
            pass
        copies = []
        for n in range(3):
            source = sqlite3.connect(live)
            copies.append(backup.copy_sqlite(source, tmp_path / f"copy{n}.sqlite3"))
            source.close()
    finally:
        stop.set()
        thread.join()
    for n, counts in enumerate(copies):
        assert counts["a"] == counts["b"] >= 5000
        with sqlite3.connect(tmp_path / f"copy{n}.sqlite3") as copy:
            assert copy.execute("SELECT (SELECT COUNT(*) FROM a), (SELECT COUNT(*) FROM b)").fetchone() == (
                counts["a"], counts["b"])
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file


def test_pg_dump_of_the_servers_own_version_is_chosen(tmp_path, monkeypatch):
    """pg_dump refuses a newer server and pg_restore a newer dump: Debian's tools of the server's major version
    first, else one not older than the server, else a clear refusal."""
    for major in ("14", "16"):
        tool = tmp_path / major / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        tool.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {major}.3'\n")
        tool.chmod(0o755)
    monkeypatch.setattr(backup, "_PG_BINDIRS", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert backup.pg_tool("pg_dump", 16) == str(tmp_path / "16" / "bin" / "pg_dump")
    assert backup.pg_tool("pg_dump", 15) == str(tmp_path / "16" / "bin" / "pg_dump")  # newer dumps older
    with pytest.raises(backup.BackupError, match="no pg_dump for PostgreSQL 17 found"):
        backup.pg_tool("pg_dump", 17)
