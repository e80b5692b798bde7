"""Backups that restore (SEC-3, SEC-4): one encrypted, checksummed archive of the database and the uploaded files.

An archive (``servicehall-backup-YYYYMMDD-HHMMSS-ffffff.shbk``) is a tar stream encrypted in chunks with
AES-256-GCM. Inside: the database (``database.pgdump``, pg_dump's compressed custom format, or
``database.sqlite3.gz``, a copy made with SQLite's online backup, gzipped), ``media/…`` (MEDIA_ROOT: complaint
attachments, staff photos, forms — stored as they are: photos and PDFs do not compress, and compressing them
cost most of a backup's time) and ``manifest.json`` (format, engine, time, rows per table, size and sha256 of
every member).

The encrypted layout, so a backup can be many gigabytes and still be written and read in constant memory::

    header  = b"SHBACKUP" | format (1 byte) | salt (16 bytes) | key id (8 bytes)
    chunk*  = length of the sealed chunk (4 bytes, big-endian) | AES-GCM(plaintext ≤ 1 MiB)

Each archive has its own key, derived from ``SERVICEHALL_BACKUP_KEY`` and the salt (HKDF-SHA256). A chunk's
nonce is its number and a flag marking the last chunk, and every chunk authenticates the header, so a changed,
reordered, removed or appended chunk — or an archive cut short — fails its check and the archive is refused,
naming the reason. The key id (an HMAC of the key) tells a wrong key from a damaged archive. Nothing is
restored before the whole archive has been decrypted and every member matched its checksum.

This module is plumbing (it imports no domain app): the ``backup`` and ``restore`` commands and the worker's
daily backup (org/backups.py) add the audit-chain check (SEC-7) and the alerts to the system administrators.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import gzip
import hashlib
import hmac
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connections, models

log = logging.getLogger("servicehall.backup")

FORMAT = 1
MAGIC = b"SHBACKUP"
SUFFIX = ".shbk"
PREFIX = "servicehall-backup-"
CHUNK = 1 << 20
_TAG = 16
_HEADER = len(MAGIC) + 1 + 16 + 8
_DB_MEMBERS = {"sqlite": "database.sqlite3.gz", "postgresql": "database.pgdump"}
_MEDIA = "media/"
_MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# -- the key -----------------------------------------------------------------------------------------------
def new_key() -> str:
    """A fresh random key for SERVICEHALL_BACKUP_KEY (32 bytes, base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def load_key(value: str | None = None) -> bytes:
    """The backup key from settings (or ``value``); refuses a missing or malformed one — a backup is never
    written unencrypted (SEC-3)."""
    text = (getattr(settings, "SERVICEHALL_BACKUP_KEY", "") if value is None else value).strip()
    if not text:
        raise BackupError("no backup key: set SERVICEHALL_BACKUP_KEY (make one with `servicehall backup "
                          "--new-key` and keep a copy away from the server); backups are never written "
                          "unencrypted (SEC-3)")
    try:
        raw = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError("SERVICEHALL_BACKUP_KEY must be 32 bytes in base64 (as `servicehall backup --new-key` "
                          "prints)")
    return raw


def key_id(key: bytes) -> bytes:
    """Names the key without revealing it: an archive made with another key is refused as such."""
    return hmac.new(key, b"servicehall backup key id", hashlib.sha256).digest()[:8]


def _archive_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"servicehall backup v1").derive(key)
    return AESGCM(derived)


def _nonce(n: int, last: bool) -> bytes:
    return n.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _Sealer(io.RawIOBase):
    """A write-only stream that seals what is written into chunks on ``out``; :meth:`finish` seals the last."""

    def __init__(self, out: IO[bytes], key: bytes):
        super().__init__()
        salt = os.urandom(16)
        self.header = MAGIC + bytes([FORMAT]) + salt + key_id(key)
        self.aead = _archive_key(key, salt)
        self.out = out
        self.buf = bytearray()
        self.n = 0
        out.write(self.header)

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.buf += b
        while len(self.buf) > CHUNK:  # keep at least one byte back: the last chunk is sealed by finish()
            self._seal(bytes(self.buf[:CHUNK]), last=False)
            del self.buf[:CHUNK]
        return len(b)

    def _seal(self, plain: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.n, last), plain, self.header)
        self.out.write(len(sealed).to_bytes(4, "big") + sealed)
        self.n += 1

    def finish(self) -> None:
        self._seal(bytes(self.buf), last=True)
        self.buf.clear()


class _Opener(io.RawIOBase):
    """A read-only stream of an archive's plaintext; each chunk is given out only after its check passed."""

    def __init__(self, src: IO[bytes], key: bytes, name: str):
        super().__init__()
        self.src, self.name = src, name
        header = src.read(_HEADER)
        if len(header) < _HEADER or not header.startswith(MAGIC):
            raise BackupError(f"{name} is not a servicehall backup archive")
        if header[len(MAGIC)] != FORMAT:
            raise BackupError(f"{name} is in backup format {header[len(MAGIC)]}, this version reads {FORMAT}")
        if not hmac.compare_digest(header[-8:], key_id(key)):
            raise BackupError(f"{name} was made with another key than SERVICEHALL_BACKUP_KEY (wrong key): "
                              "set the key the archive was made with")
        self.header = header
        self.aead = _archive_key(key, header[len(MAGIC) + 1:len(MAGIC) + 17])
        self.n = 0
        self.done = False
        self.pending = b""
        self.at = 0

    def readable(self) -> bool:
        return True

    def _next(self) -> bytes:
        size = self.src.read(4)
        if len(size) < 4:
            raise BackupError(f"{self.name} is cut short after chunk {self.n} (truncated): refused")
        length = int.from_bytes(size, "big")
        if length < _TAG or length > CHUNK + _TAG:
            raise BackupError(f"{self.name}: chunk {self.n} has an impossible length (the archive was changed "
                              "or damaged): refused")
        sealed = self.src.read(length)
        if len(sealed) < length:
            raise BackupError(f"{self.name} is cut short in chunk {self.n} (truncated): refused")
        for last in (False, True):
            try:
                plain = self.aead.decrypt(_nonce(self.n, last), sealed, self.header)
            except InvalidTag:
                continue
            self.n += 1
            if last:
                self.done = True
                if self.src.read(1):
                    raise BackupError(f"{self.name} has data after its last chunk (the archive was changed): "
                                      "refused")
            return plain
        raise BackupError(f"{self.name}: chunk {self.n} fails its authentication check (the archive was "
                          "changed or damaged): refused")

    def readinto(self, b) -> int:
        while self.at >= len(self.pending) and not self.done:
            self.pending, self.at = self._next(), 0
        n = min(len(b), len(self.pending) - self.at)
        b[:n] = memoryview(self.pending)[self.at:self.at + n]
        self.at += n
        return n


# -- what is backed up -------------------------------------------------------------------------------------
def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in _DB_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def count_rows(alias: str = "default") -> dict[str, int]:
    """Rows per table of the database (every table, Django's own included)."""
    conn = connections[alias]
    with conn.cursor() as cur:
        return _count(cur, _tables(cur, conn.vendor), conn.ops.quote_name)


def _tables(cur, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY name")
    return [r[0] for r in cur.fetchall()]


def _count(cur, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for t in tables:
        cur.execute(f"SELECT COUNT(*) FROM {quote(t)}")  # noqa: S608 - names from the catalog, quoted
        counts[t] = int(cur.fetchone()[0])
    return counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dump_sqlite(alias: str, dest: Path) -> dict[str, int]:
    """A consistent copy while the app writes: one step of SQLite's online backup reads one snapshot (in WAL
    mode writers go on meanwhile); the copy is checked and left as one file."""
    conn = connections[alias]
    conn.ensure_connection()
    return copy_sqlite(conn.connection, dest)


def copy_sqlite(source: sqlite3.Connection, dest: Path) -> dict[str, int]:
    """Copy an open SQLite database into the file ``dest`` in one step of the online backup; returns the
    copy's rows per table."""
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the database copy fails SQLite's check ({check}); the database may be damaged")
        cur = target.cursor()
        return _count(cur, _tables(cur, "sqlite"), _sqlite_quote)
    finally:
        target.close()


# PostgreSQL's tools: the server's own major version (pg_dump refuses a newer server, pg_restore a newer dump).
_PG_BINDIRS = "/usr/lib/postgresql"


def _tool_version(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else None


def pg_tool(name: str, server_major: int) -> str:
    """The path of ``pg_dump``/``pg_restore`` for this server: Debian's of the same major version first, else
    the one on PATH or the newest installed, when not older than the server."""
    exact = Path(_PG_BINDIRS) / str(server_major) / "bin" / name
    if exact.is_file() and os.access(exact, os.X_OK):
        return str(exact)
    found = [p for p in [shutil.which(name)] if p]
    root = Path(_PG_BINDIRS)
    if root.is_dir():
        dirs = sorted((d for d in root.iterdir() if d.name.isdigit()), key=lambda d: int(d.name), reverse=True)
        found += [str(d / "bin" / name) for d in dirs if (d / "bin" / name).is_file()]
    for path in found:
        version = _tool_version(path)
        if version is not None and version >= server_major:
            return path
    raise BackupError(f"no {name} for PostgreSQL {server_major} found (install Debian's "
                      f"postgresql-client-{server_major})")


def _pg_env(alias: str) -> dict[str, str]:
    s = connections[alias].settings_dict
    env = dict(os.environ)
    for var, value in (("PGHOST", s.get("HOST")), ("PGPORT", s.get("PORT")), ("PGUSER", s.get("USER")),
                       ("PGPASSWORD", s.get("PASSWORD")), ("PGDATABASE", s.get("NAME")),
                       ("PGSSLMODE", (s.get("OPTIONS") or {}).get("sslmode"))):
        if value:
            env[var] = str(value)
    return env


def _server_major(alias: str) -> int:
    with connections[alias].cursor() as cur:
        cur.execute("SHOW server_version_num")
        return int(cur.fetchone()[0]) // 10000


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    run = subprocess.run(args, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise BackupError(f"{what} failed: {(run.stderr or run.stdout).strip()[-800:]}")


def _dump_postgresql(alias: str, dest: Path) -> dict[str, int]:
    """pg_dump's custom format, and the row counts read in the same snapshot as the dump (exported)."""
    conn = connections[alias]
    tool = pg_tool("pg_dump", _server_major(alias))
    conn.ensure_connection()
    raw = conn.connection
    previous = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = _count(cur, _tables(cur, "postgresql"), conn.ops.quote_name)
            _run([tool, "--format=custom", f"--snapshot={snapshot}", "--file", str(dest)], _pg_env(alias),
                 "pg_dump")
    finally:
        raw.rollback()  # ends the snapshot's read-only transaction (it wrote nothing)
        raw.autocommit = previous
    return counts


def _media_files(root: Path, skip: Path | None = None) -> Iterator[tuple[str, Path]]:
    """The uploaded files under ``root`` (regular files, links not followed), but none under ``skip`` (the
    backups' own folder, should it be inside MEDIA_ROOT)."""
    if not root.is_dir():
        return
    skip = skip.resolve() if skip is not None else None
    for dirpath, dirnames, filenames in os.walk(root):
        if skip is not None:
            dirnames[:] = [d for d in dirnames if (Path(dirpath) / d).resolve() != skip]
        dirnames.sort()
        for f in sorted(filenames):
            path = Path(dirpath) / f
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class _Hashing(io.RawIOBase):
    def __init__(self, f: IO[bytes]):
        super().__init__()
        self.f, self.sha = f, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.f.read(len(b))
        self.sha.update(data)
        b[:len(data)] = data
        return len(data)


def _add(tar: tarfile.TarFile, name: str, path: Path, members: dict[str, dict[str, Any]]) -> None:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o600
    with open(path, "rb") as f:
        hashing = _Hashing(f)
        tar.addfile(info, hashing)
    members[name] = {"size": info.size, "sha256": hashing.sha.hexdigest()}


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("servicehall")
    except Exception:  # noqa: BLE001 - a source tree without metadata
        return "unknown"


def backup_dir() -> Path:
    return Path(getattr(settings, "SERVICEHALL_BACKUP_DIR", Path(settings.MEDIA_ROOT).parent / "backups"))


def scratch_dir() -> Path:
    """Where a backup's clear dump lives until it is sealed: ``DATA_DIR/tmp``, readable by the service only."""
    folder = Path(getattr(settings, "DATA_DIR", Path(settings.MEDIA_ROOT).parent)) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def create(output: Path | str | None = None, *, key: bytes | None = None, alias: str = "default",
           now: dt.datetime | None = None) -> Path:
    """Write one archive of the database and MEDIA_ROOT into ``output`` (SERVICEHALL_BACKUP_DIR) and return
    its path. The archive appears under its final name only once complete and on disk (written as
    ``.partial``, synced, renamed)."""
    key = load_key() if key is None else key
    engine = engine_of(alias)
    if connections[alias].in_atomic_block:
        raise BackupError("a backup runs outside any transaction (it must see committed data only)")
    out = Path(output) if output is not None else backup_dir()
    out.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    final = out / f"{PREFIX}{now.astimezone(dt.UTC):%Y%m%d-%H%M%S-%f}{SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    # The clear dump is made in a scratch folder beside the data (mode 0700), never in the backup folder an
    # operator may sync off-site: a backup killed half-way must not leave applicants' data there in clear (SEC-3).
    scratch = scratch_dir()
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".backup-") as tmp:
        db_name = _DB_MEMBERS[engine]
        db_file = Path(tmp) / db_name
        if engine == "sqlite":
            copy = Path(tmp) / "database.sqlite3"
            counts = _dump_sqlite(alias, copy)
            with open(copy, "rb") as src, gzip.open(db_file, "wb", compresslevel=6) as gz:
                shutil.copyfileobj(src, gz, CHUNK)
            copy.unlink()
        else:
            counts = _dump_postgresql(alias, db_file)
        members: dict[str, dict[str, Any]] = {}
        try:
            with open(partial, "wb") as raw:
                os.chmod(partial, 0o600)  # encrypted, and still nobody else's to read
                sealer = _Sealer(raw, key)
                with tarfile.open(fileobj=sealer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    _add(tar, db_name, db_file, members)
                    for rel, path in _media_files(Path(settings.MEDIA_ROOT), skip=out):
                        _add(tar, _MEDIA + rel, path, members)
                    manifest = {
                        "format": FORMAT, "servicehall": _version(), "engine": engine,
                        "created_at": now.astimezone(dt.UTC).isoformat(), "rows": counts,
                        "members": members,
                    }
                    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    info = tarfile.TarInfo(_MANIFEST)
                    info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                    tar.addfile(info, io.BytesIO(data))
                sealer.finish()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    _fsync_dir(out)
    log.info("backup written: %s (%d tables, %d rows, %d files)", final, len(counts), sum(counts.values()),
             len(members) - 1)
    return final


def rotate(directory: Path | str | None = None, keep: int | None = None) -> list[Path]:
    """Keep the newest ``keep`` archives (SERVICEHALL_BACKUP_KEEP) in ``directory``; returns those removed.
    Leftovers of an interrupted backup older than a day go too."""
    keep = int(getattr(settings, "SERVICEHALL_BACKUP_KEEP", 30) if keep is None else keep)
    if keep < 1:
        raise BackupError("keep at least one backup (SERVICEHALL_BACKUP_KEEP ≥ 1)")
    folder = Path(directory) if directory is not None else backup_dir()
    archives = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    removed = archives[:-keep]
    for path in removed:
        path.unlink()
    day_ago = dt.datetime.now().timestamp() - 86400
    for path in folder.glob(f"{PREFIX}*{SUFFIX}.partial"):
        if path.stat().st_mtime < day_ago:
            path.unlink()
            removed.append(path)
    # clear dumps of a backup killed half-way (SEC-3): in the scratch folder, or in the backup folder itself
    for where in (folder, scratch_dir()):
        for path in where.glob(".backup-*"):
            if path.is_dir() and path.stat().st_mtime < day_ago:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


# -- reading and restoring -----------------------------------------------------------------------------------
@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.data["engine"])

    @property
    def rows(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.data["rows"].items()}

    @property
    def media(self) -> list[str]:
        return [m[len(_MEDIA):] for m in self.data["members"] if m.startswith(_MEDIA)]

    def describe(self) -> str:
        rows = self.rows
        return (f"made {self.data['created_at']} by servicehall {self.data.get('servicehall', '?')}, "
                f"{self.engine}, {len(rows)} tables, {sum(rows.values())} rows, {len(self.media)} uploaded files")


_SAFE = re.compile(r"[^/\x00]+(/[^/\x00]+)*")


def _member_name(name: str, archive: str) -> str:
    parts = name.split("/")
    if not _SAFE.fullmatch(name) or any(p in ("", ".", "..") for p in parts) or not (
            name == _MANIFEST or name in _DB_MEMBERS.values() or name.startswith(_MEDIA)):
        raise BackupError(f"{archive} holds an unexpected member {name!r}: refused")
    return name


def unpack(archive: Path | str, into: Path | str | None, *, key: bytes | None = None) -> Manifest:
    """Decrypt ``archive`` into the folder ``into`` (None: only check it) and check it whole: every chunk's
    authentication, then every member against the manifest's size and sha256, none missing and none extra.
    Raises BackupError naming the reason; returns the manifest."""
    key = load_key() if key is None else key
    archive = Path(archive)
    folder = Path(into) if into is not None else None
    name = archive.name
    seen: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with open(archive, "rb") as src:
            opener = _Opener(src, key, name)
            plain = io.BufferedReader(opener, CHUNK)
            with tarfile.open(fileobj=plain, mode="r|") as tar:
                for member in tar:
                    if not member.isfile():
                        raise BackupError(f"{name} holds a member that is not a file ({member.name!r}): refused")
                    rel = _member_name(member.name, name)
                    f = tar.extractfile(member)
                    assert f is not None
                    if rel == _MANIFEST:
                        manifest = json.loads(f.read())
                        continue
                    sha = hashlib.sha256()
                    size = 0
                    if folder is not None:
                        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                    with open(folder / rel, "wb") if folder is not None else contextlib.nullcontext() as out:
                        while block := f.read(CHUNK):
                            sha.update(block)
                            size += len(block)
                            if out is not None:
                                out.write(block)
                    seen[rel] = {"size": size, "sha256": sha.hexdigest()}
                # Read to the end: the sealed stream's last chunk, and nothing after it.
                while plain.read(CHUNK):
                    pass
            if not opener.done:
                raise BackupError(f"{name} is cut short (truncated): refused")
    except (OSError, EOFError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"{name} cannot be read ({exc}): refused") from exc
    if manifest is None:
        raise BackupError(f"{name} has no manifest: refused")
    if manifest.get("format") != FORMAT or manifest.get("engine") not in _DB_MEMBERS:
        raise BackupError(f"{name}: its manifest names format {manifest.get('format')!r} and engine "
                          f"{manifest.get('engine')!r}, which this version does not restore")
    expected = manifest.get("members", {})
    for member, facts in expected.items():
        got = seen.get(member)
        if got is None:
            raise BackupError(f"{name}: {member} is in the manifest but not in the archive: refused")
        if got != {"size": facts.get("size"), "sha256": facts.get("sha256")}:
            raise BackupError(f"{name}: {member} does not match its checksum in the manifest: refused")
    extra = set(seen) - set(expected)
    if extra:
        raise BackupError(f"{name}: {sorted(extra)[0]} is not in the manifest: refused")
    if _DB_MEMBERS[manifest["engine"]] not in seen:
        raise BackupError(f"{name} holds no database: refused")
    return Manifest(manifest)


def check(archive: Path | str, *, key: bytes | None = None) -> Manifest:
    """Check an archive whole without restoring it (decrypted and checked as it is read; nothing written)."""
    return unpack(archive, None, key=key)


def _scratch() -> Path:
    folder = Path(settings.MEDIA_ROOT).parent
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def emptiness_problem(alias: str = "default") -> str | None:
    """Why the database or MEDIA_ROOT is not empty (a restore goes only into empty ones), or None."""
    conn = connections[alias]
    with conn.cursor() as cur:
        tables = _tables(cur, conn.vendor)
    if tables:
        if conn.vendor == "postgresql":
            how = (f"create an empty database (createdb -O {conn.settings_dict.get('USER') or 'USER'} NEWNAME) "
                   "and point SERVICEHALL_DATABASE_URL at it")
        else:
            how = "point SERVICEHALL_DATABASE_URL at a new SQLite file, or move this file away"
        return (f"the database {conn.settings_dict.get('NAME')} is not empty ({len(tables)} tables): a restore "
                f"goes only into an empty database — {how}, and do not run migrate before restoring")
    media = Path(settings.MEDIA_ROOT)
    if any(True for _ in _media_files(media)):
        return (f"the uploaded-files folder {media} (MEDIA_ROOT) already holds files: a restore goes only into an "
                "empty one — move them away or set SERVICEHALL_DATA_DIR to a new folder")
    return None


@dataclass
class Restored:
    manifest: Manifest
    rows: dict[str, int]
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def restore(archive: Path | str, *, key: bytes | None = None, alias: str = "default") -> Restored:
    """Restore ``archive`` into the empty database and MEDIA_ROOT, then count the rows against the manifest.

    Refuses a non-empty database or media folder, an archive of the other engine, and — before anything is
    written — an archive that fails any check of :func:`unpack`."""
    key = load_key() if key is None else key
    engine = engine_of(alias)
    problem = emptiness_problem(alias)
    if problem:
        raise BackupError(problem)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=_scratch()) as tmp:
        manifest = unpack(archive, tmp, key=key)
        if manifest.engine != engine:
            raise BackupError(f"the archive holds a {manifest.engine} database and this server uses {engine}: "
                              f"point SERVICEHALL_DATABASE_URL at an empty {manifest.engine} database")
        db_file = Path(tmp) / _DB_MEMBERS[engine]
        if engine == "sqlite":
            _restore_sqlite(alias, db_file)
        else:
            _restore_postgresql(alias, db_file)
        media = Path(settings.MEDIA_ROOT)
        for rel in manifest.media:
            dest = media / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(Path(tmp) / _MEDIA / rel), dest)
    rows = count_rows(alias)
    expected = manifest.rows
    mismatches = [f"{t}: {expected.get(t, 'no table')} rows in the backup, {rows.get(t, 'no table')} restored"
                  for t in sorted(set(expected) | set(rows)) if expected.get(t) != rows.get(t)]
    mismatches += missing_files(alias)
    return Restored(manifest, rows, mismatches)


def missing_files(alias: str = "default") -> list[str]:
    """Files the restored rows name that are not among the restored files (a file replaced and deleted while
    the database was being dumped is in the rows but not in the archive): each is named, so a restore that
    lacks one does not report ok."""
    from django.apps import apps

    root = Path(settings.MEDIA_ROOT)
    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.FileField):
                continue
            names = model._default_manager.using(alias).exclude(**{f.name: ""}).exclude(**{f"{f.name}__isnull": True})
            for name in names.values_list(f.name, flat=True).iterator():
                if not (root / name).is_file():
                    out.append(f"{model._meta.label}.{f.name}: {name} is named in the database but not restored")
    return out


def _restore_sqlite(alias: str, db_file: Path) -> None:
    conn = connections[alias]
    name = str(conn.settings_dict["NAME"])
    conn.close()
    copy = db_file.with_suffix("")
    try:
        with gzip.open(db_file, "rb") as gz, open(copy, "wb") as out:
            shutil.copyfileobj(gz, out, CHUNK)
    except (OSError, EOFError) as exc:
        raise BackupError(f"the database in the archive cannot be decompressed ({exc})") from exc
    source = sqlite3.connect(copy)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.commit()
    finally:
        target.close()
        source.close()


def _restore_postgresql(alias: str, db_file: Path) -> None:
    tool = pg_tool("pg_restore", _server_major(alias))
    connections[alias].close()
    env = _pg_env(alias)
    _run([tool, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
          "--dbname", env.get("PGDATABASE", ""), str(db_file)], env, "pg_restore")
