"""``servicehall import FILE.json`` — a scenario file in, exactly as SCENARIO.md describes.

A bad file changes nothing at all and gets one error per problem, each naming its JSON path, the value and
the rule. Importing the same file twice changes nothing: events are keyed by their ``id`` within the center.

Long imports never hold the database for long (issue 14, item 5). The work runs in four steps:

1. **Parse** (no transaction): the JSON, every event's shape, id, duplicate ids and date-times.
2. **Org chart** (one short transaction): center, departments, calendar, items, staff, posts, extended
   sessions, through their service functions. Then every event is checked (types, staff, posts, windows,
   calendar years, contradictions, an id already used for other content) against that org chart with its
   references looked up once, not per event. When the org part changed nothing (the usual case for a month
   of clock-terminal records) this transaction is committed at once and the events are checked outside any
   transaction; when it changed something, the events are checked before it commits, so a bad event still
   undoes the org change. Any problem: :class:`ImportFailed`, nothing written.
3. **Events** in batches of :data:`BATCH` (one short transaction each: a bulk INSERT of the batch's new
   events and their audit records), so other writers (a complaint, a ticket) get the database between
   batches; on SQLite a long import pauses :data:`PAUSE` after each, so a waiting writer gets in.
4. **Re-derivation** one local day at a time, each day in its own short transaction (and the same pause).

Steps 3 and 4 are not one transaction: a failure there (the database went away, the disk filled) raises
:class:`ImportIncomplete`, which says exactly how far it got — every event before the one it names is in
the database, none after it — and the import is resumable: importing the same file again skips the events
already written (same id, same content) and writes and re-derives the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor, Pending, prepare, record_many, snapshot
from servicehall.busy import DatabaseBusy
from servicehall.catalog import services as catalog
from servicehall.core import clock
from servicehall.errors import Problem, RuleViolation
from servicehall.org import services as org
from servicehall.org.calendar import covered_years, held
from servicehall.org.models import Center, Post, Staff, Window
from servicehall.rules.arrangement import unsettled_holidays

from . import services as duty
from .models import Event, EventType

ROLE_NAMES = {"guide", "assist", "window", "approver", "window_head", "dept_leader", "office", "inspector"}
# Events written per transaction: large enough for bulk INSERTs, small enough that another writer waits
# a fraction of a second for the database between two batches.
BATCH = 1000
# SQLite: the pause after each of a long import's transactions. A writer waiting for the database polls it
# at least every 100 ms (SQLite's busy handler); without a gap the import would take the lock straight back.
PAUSE = 0.1
# Ids per lookup of existing events (well under SQLite's limit on query parameters).
LOOKUP = 2000
AUDITED = ["ext_id", "type", "at", "start", "end", "date", "approved", "kind", "emergency", "reason"]


class ImportFailed(RuleViolation):
    """The file was refused: every problem is listed, nothing was written."""


class ImportIncomplete(Exception):  # noqa: N818 - the import's state, said in words
    """Writing or re-deriving stopped part way (steps 3 and 4): :attr:`written` events of the file are in the
    database (every event before ``events[written]``), none after; importing the same file again finishes."""

    def __init__(self, message: str, written: int, total: int):
        super().__init__(message)
        self.written, self.total = written, total


def _with_path(path: str, exc: RuleViolation) -> list[Problem]:
    out = []
    for p in exc.problems:
        field = p.field
        if field.startswith("center.") and path.startswith("center"):
            out.append(Problem(field, p.message))
        else:
            out.append(Problem(f"{path}.{field}" if field and field != "__all__" else path, p.message))
    return out


def _datetime(value: Any, path: str, problems: list[Problem]) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(Problem.of(path, "%(value)s is not an ISO date-time", value=repr(value)))
        return None
    if parsed.tzinfo is None:
        problems.append(Problem.of(path, "%(value)s has no UTC offset (e.g. +08:00)", value=repr(value)))
        return None
    return parsed


def _date(value: Any, path: str, problems: list[Problem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(Problem.of(path, "%(value)s is not a date (YYYY-MM-DD)", value=repr(value)))
        return None


def _step(problems: list[Problem], path: str, fn, *args, **kwargs):
    """Run one service call in a savepoint; collect its problems under ``path`` instead of stopping."""
    try:
        with transaction.atomic():
            return fn(*args, **kwargs)
    except DatabaseBusy:
        raise  # the database, not the file: nothing of this transaction stays, and the file is not to blame
    except RuleViolation as exc:
        problems.extend(_with_path(path, exc))
        return None


def load(text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(Problem.of("$", "not JSON: %(msg)s at line %(line)s column %(column)s", msg=exc.msg,
                                       line=exc.lineno, column=exc.colno)) from None
    if not isinstance(data, dict):
        raise ImportFailed(Problem("$", "a scenario file is a JSON object"))
    return data


def import_scenario(actor: Actor, data: dict, *, batch: int = BATCH,
                    progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Import a scenario (SCENARIO.md) in the four steps of this module's docstring.

    Raises :class:`ImportFailed` with every problem, writing nothing, for a bad file; raises
    :class:`ImportIncomplete` (saying how far it got) when the database fails while writing events or
    re-deriving, after which importing the same file again finishes the job.
    """
    problems: list[Problem] = []
    c = data.get("center")
    if not isinstance(c, dict) or not c.get("code"):
        raise ImportFailed(Problem("center.code", "a scenario names its center's code"))
    raw = data.get("events") or []
    parsed = _parse_events(raw, problems)  # step 1: no database
    counts: dict[str, int] = defaultdict(int)
    plan: _Plan | None = None
    with transaction.atomic():  # step 2: the org chart, short
        mark = _audit_mark()
        center = _import_org(actor, data, c, problems, counts)
        if center is None:
            raise ImportFailed(problems)
        changed = _audit_mark() != mark
        if changed or problems:
            # The events are checked against the org chart this transaction wrote: a bad event undoes it.
            plan = _check_events(actor, center, parsed, problems)
            if problems:
                raise ImportFailed(problems)
    if plan is None:  # the org chart was already so: the events are checked outside any transaction
        plan = _check_events(actor, center, parsed, problems)
        if problems:
            raise ImportFailed(problems)
    pause = PAUSE if connection.vendor == "sqlite" and len(raw) > batch else 0.0  # a long import gives way
    counts["events"] += _write_events(center, plan, len(raw), batch, pause, progress)  # step 3
    _rederive_by_day(center, plan.events, len(raw), pause, progress)  # step 4
    return dict(counts)


def _audit_mark() -> int | None:
    """The newest audit record's id: every service write appends one, so an unchanged mark means the org
    services wrote nothing."""
    return AuditRecord.objects.order_by("-id").values_list("id", flat=True).first()


def _import_org(actor: Actor, data: dict, c: dict, problems: list[Problem], counts) -> Center | None:
    """Center, departments, calendar, items, staff, posts, extended sessions (each step in a savepoint)."""
    existing = Center.objects.filter(code=c["code"]).first()
    center_fields = {k: c[k] for k in ("timezone",) if k in c}
    policy = dict(c.get("policy") or {})
    if "sessions" in c:
        policy["sessions"] = c["sessions"]
    center = _step(problems, "center", org.save_center, actor, c["code"],
                   c.get("name") or (existing.name if existing else c["code"]), policy=policy, **center_fields)
    if center is None:
        return None
    for i, d in enumerate(data.get("departments") or []):
        if _step(problems, f"departments[{i}]", org.save_department, actor, center, d.get("code", ""),
                 d.get("name", "")):
            counts["departments"] += 1
    calendar_rows: dict[int, list[tuple[int, dt.date, bool, str]]] = defaultdict(list)
    for i, entry in enumerate(data.get("calendar") or []):
        day = _date(entry.get("date"), f"calendar[{i}].date", problems)
        if day is None:
            continue
        if not isinstance(entry.get("workday"), bool):
            problems.append(Problem(f"calendar[{i}].workday", "workday is true or false"))
            continue
        calendar_rows[day.year].append((i, day, entry["workday"], entry.get("note", "")))
    for year, rows in sorted(calendar_rows.items()):
        days = [(d, w, n) for _i, d, w, n in rows]
        if year in covered_years(center):
            for i, day, workday, note in rows:
                if _step(problems, f"calendar[{i}]", org.save_calendar_day, actor, center, day, workday, note):
                    counts["calendar"] += 1
        elif unsettled_holidays(days):
            # A partial arrangement is kept but does not enter the year (CASE-5: never a guess).
            if _step(problems, f"calendar[{rows[0][0]}]", org.note_calendar_days, actor, center, year, days,
                     source="import"):
                counts["calendar_pending"] += len(rows)
        elif _step(problems, f"calendar[{rows[0][0]}]", org.enter_calendar_year, actor, center, year, days,
                   source="import"):
            counts["calendar"] += len(rows)
    items_by_code = {}
    for i, it in enumerate(data.get("items") or []):
        item = _step(problems, f"items[{i}]", catalog.save_item, actor, center, it.get("code", ""),
                     it.get("name", ""), it.get("department", ""), promised_days=it.get("promised_days", 0),
                     statutory_days=it.get("statutory_days", 0), instant=it.get("instant", False))
        if item:
            items_by_code[item.code] = item
            counts["items"] += 1
    for i, s in enumerate(data.get("staff") or []):
        roles = s.get("roles") or []
        bad = [r for r in roles if r not in ROLE_NAMES]
        if bad:
            problems.append(Problem.of(f"staff[{i}].roles", "unknown roles %(roles)s (ORG-2)",
                                       roles=", ".join(map(str, bad))))
            continue
        if _step(problems, f"staff[{i}]", org.save_staff, actor, center, s.get("code", ""), s.get("name", ""),
                 s.get("department", ""), roles=roles, qualified=s.get("qualified"),
                 phone=s.get("phone", ""), id_number=s.get("id_number", "")):
            counts["staff"] += 1
    posts = data.get("posts") or []
    starts = _post_starts(center, posts, problems)
    for i, p in enumerate(posts):
        if i not in starts:
            continue  # a bad `from`, already reported
        dept = p.get("department") or ""
        window = p.get("window") or ""
        if window and not center.windows.filter(code=window).exists():
            if not _step(problems, f"posts[{i}].window", org.save_window, actor, center, window, window, dept):
                continue
        if _step(problems, f"posts[{i}]", org.save_post, actor, center, p.get("code", ""), window=window,
                 a=p.get("a", ""), b=p.get("b", ""), items=p.get("items") or [], department=dept or None,
                 name=p.get("name", ""), valid_from=starts[i]):
            counts["posts"] += 1
    _import_extended(actor, center, c.get("extended"), problems, counts)
    return center


def _hhmm(value: Any, path: str, problems: list[Problem]) -> dt.time | None:
    try:
        hours, minutes = str(value).split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return dt.time(int(hours), int(minutes))
    except (TypeError, ValueError):
        problems.append(Problem.of(path, "%(value)s is not a time of day (HH:MM)", value=repr(value)))
        return None


def _import_extended(actor: Actor, center: Center, raw: Any, problems: list[Problem], counts) -> None:
    """``center.extended`` (ATT-4): extended sessions of named windows (SCENARIO.md)."""
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(Problem("center.extended", "center.extended is a list of extended sessions"))
        return
    for i, entry in enumerate(raw):
        path = f"center.extended[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(path, "an extended session is a JSON object"))
            continue
        before = len(problems)
        day = _date(entry.get("date"), f"{path}.date", problems)
        start = _hhmm(entry.get("start"), f"{path}.start", problems)
        end = _hhmm(entry.get("end"), f"{path}.end", problems)
        windows = entry.get("windows")
        if not isinstance(windows, list) or not all(isinstance(w, str) for w in windows):
            problems.append(Problem(f"{path}.windows", "windows is a list of window codes"))
        if len(problems) > before:
            continue
        if _step(problems, path, duty.save_extended_session, actor, center, day, start, end, windows):
            counts["extended"] += 1


def _post_starts(center: Center, posts: list, problems: list[Problem]) -> dict[int, dt.date | None]:
    """Each post entry's first day (SCENARIO.md ``posts[].from``, ORG-3); None lets ``save_post`` decide.

    Without ``from``, a post's first entry holds from the beginning and a changed entry from the center's
    today. An undated entry followed in the file by dated entries of the same post describes the time
    before them: it is the assignment in force the day before the first of them, so importing the file
    again changes nothing.
    """
    from servicehall.org import assignments
    from servicehall.org.models import Post

    out: dict[int, dt.date | None] = {}
    seen: dict[tuple[str, dt.date], int] = {}
    for i, p in enumerate(posts):
        if not isinstance(p, dict):
            problems.append(Problem(f"posts[{i}]", "a post is a JSON object"))
            continue
        if p.get("from") is None:
            out[i] = None
            continue
        day = _date(p.get("from"), f"posts[{i}].from", problems)
        if day is None:
            continue
        key = (str(p.get("code", "")), day)
        if key in seen:
            problems.append(Problem.of(f"posts[{i}].from", "post %(code)s already has an entry from %(day)s "
                                                           "(posts[%(first)s])", code=key[0], day=day.isoformat(),
                                       first=seen[key]))
            continue
        seen[key] = i
        out[i] = day
    for i, day in list(out.items()):
        if day is not None:
            continue
        code = str(posts[i].get("code", ""))
        later = [d for j, d in out.items() if j > i and d is not None and posts[j].get("code") == code]
        post = Post.objects.filter(center=center, code=code).first()
        if later and post is not None:
            before = assignments.for_post(post, min(later) - dt.timedelta(days=1))
            out[i] = before.valid_from if before is not None else assignments.BEGINNING
    return out


@dataclass
class _Parsed:
    index: int
    ext_id: str
    data: dict[str, Any]


@dataclass
class _Plan:
    """The checked events: every one of the file in order, with what must still be written."""

    events: list[Event] = field(default_factory=list)  # the file's events: existing rows or new, unsaved ones
    # (index in the file, unsaved event, its checked fields, its audit record made ready)
    new: list[tuple[int, Event, dict[str, Any], Pending]] = field(default_factory=list)


def _parse_events(raw: Any, problems: list[Problem]) -> list[_Parsed]:
    """Step 1: shapes, ids, duplicate ids and date-times; no database."""
    if not isinstance(raw, list):
        problems.append(Problem("events", "events is a list of events"))
        return []
    seen: dict[str, int] = {}
    out: list[_Parsed] = []
    for i, e in enumerate(raw):
        path = f"events[{i}]"
        if not isinstance(e, dict):
            problems.append(Problem(path, "an event is a JSON object"))
            continue
        ext_id = e.get("id")
        if not ext_id or not isinstance(ext_id, str):
            problems.append(Problem(f"{path}.id", "every event has a string id"))
            continue
        if ext_id in seen:
            problems.append(Problem.of(f"{path}.id", "id %(id)s is used twice (events[%(first)s])",
                                       id=repr(ext_id), first=seen[ext_id]))
            continue
        seen[ext_id] = i
        before = len(problems)
        data = dict(e)
        for key in ("at", "start", "end", "filed_at"):
            data[key] = _datetime(e.get(key), f"{path}.{key}", problems)
        if "date" in e:
            data["date"] = _date(e.get("date"), f"{path}.date", problems)
        if len(problems) > before:
            continue
        out.append(_Parsed(i, ext_id, data))
    return out


class _References:
    """The center's staff, posts and windows by code, read once for the whole file (not once per event).

    A code not found is passed on as it is, so :func:`duty.validate_event` reports it as unknown."""

    def __init__(self, center: Center):
        self.staff = {s.code: s for s in Staff.objects.filter(center=center)}
        self.posts = {p.code: p for p in Post.objects.filter(center=center).select_related("a", "b")}
        self.windows = {w.code: w for w in Window.objects.filter(center=center)}

    def resolve(self, data: dict[str, Any]) -> dict[str, Any]:
        out = dict(data)
        for key, table in (("staff", self.staff), ("from", self.staff), ("to", self.staff), ("post", self.posts),
                           ("window", self.windows)):
            value = out.get(key)
            if isinstance(value, str) and value in table:
                out[key] = table[value]
        return out


def _existing(center: Center, ext_ids: list[str]) -> dict[str, Event]:
    found: dict[str, Event] = {}
    for k in range(0, len(ext_ids), LOOKUP):
        for ev in Event.objects.filter(center=center, ext_id__in=ext_ids[k:k + LOOKUP]):
            found[ev.ext_id] = ev
    return found


def _check_events(actor: Actor, center: Center, parsed: list[_Parsed], problems: list[Problem]) -> _Plan:
    """Step 2's event half: every check :func:`duty.validate_event` makes, the contradictions between the
    file's events, and an id already used for other content; reads only. Returns what step 3 writes."""
    refs = _References(center)
    checked: list[tuple[int, dict, dict]] = []
    with held(center):  # the calendar is read once, not once per event
        for p in parsed:
            fields, found = duty.validate_event(center, refs.resolve(p.data), f"events[{p.index}]")
            if found:
                problems.extend(found)
                continue
            checked.append((p.index, p.data, fields))
    _contradictions(center, checked, problems)
    plan = _Plan()
    if problems:
        return plan
    existing = _existing(center, [p.ext_id for p in parsed])
    labels: dict[str, str] = {}  # an event's type in words, for its audit record (as str(event) gives it)
    for i, e, fields in checked:
        ext_id = e["id"]
        ev = existing.get(ext_id)
        if ev is not None:
            if not duty._same(ev, {k: v for k, v in fields.items() if k != "reason"}):
                problems.append(Problem.of(f"events[{i}].id", "event %(ext_id)s exists with other content: "
                                                              "events are never edited, a correction is a new "
                                                              "event", ext_id=f"{ext_id!r}"))
            plan.events.append(ev)
            continue
        try:
            ev = Event(center=center, ext_id=ext_id, source="import", actor=actor.user, **fields)
        except (TypeError, ValueError) as exc:  # e.g. a reference the file cannot give (target)
            problems.append(Problem.of(f"events[{i}]", "not an event this file can give: %(error)s", error=str(exc)))
            continue
        if ev.type not in labels:
            labels[ev.type] = str(ev.get_type_display())
        audit = prepare(actor, f"event.{ev.type}", ev, snapshot(ev, AUDITED), ev.reason,
                        object_repr=f"{ev.ext_id} {labels[ev.type]}")
        plan.events.append(ev)
        plan.new.append((i, ev, fields, audit))
    return plan


def _write_events(center: Center, plan: _Plan, total: int, batch: int, pause: float,
                  progress: Callable[[str], None] | None) -> int:
    """Step 3: the new events in batches, each batch one short transaction (bulk INSERT + audit records)."""
    written = 0
    for k in range(0, len(plan.new), batch):
        chunk = plan.new[k:k + batch]
        first = chunk[0][0]
        try:
            with transaction.atomic():
                # Another writer may have used an id since the check (a terminal): the same event is kept,
                # other content stops the import here.
                taken = _existing(center, [ev.ext_id for _i, ev, _f, _a in chunk])
                fresh, audits = [], []
                for i, ev, fields, audit in chunk:
                    other = taken.get(ev.ext_id)
                    if other is None:
                        fresh.append(ev)
                        audits.append(audit)
                    elif duty._same(other, {f: v for f, v in fields.items() if f != "reason"}):
                        ev.pk = other.pk
                    else:
                        raise RuleViolation(Problem.of(f"events[{i}].id", "event %(ext_id)s was recorded with "
                                                                          "other content meanwhile",
                                                       ext_id=f"{ev.ext_id!r}"))
                Event.objects.bulk_create(fresh)
                record_many(audits)
        except RuleViolation as exc:
            # Not a passing failure: the same file would be refused on its next import ("exists with other
            # content"). What was written is re-derived now, so no stored event goes without its vacancies.
            stored = [ev for ev in plan.events if ev.pk is not None]
            _rederive_by_day(center, stored, total, pause, progress)
            raise ImportIncomplete(
                f"stopped writing events at events[{first}] of {total}: {exc}. Every event before "
                f"events[{first}] is in the database ({written} written now) and re-derived, none from it on. "
                f"This file cannot finish as it is: give events[{first}] its own id (or the content already "
                f"recorded) and import it again.", first, total) from exc
        except DatabaseError as exc:
            raise ImportIncomplete(
                f"stopped writing events at events[{first}] of {total}: {exc}. Every event before "
                f"events[{first}] is in the database ({written} written now), none from it on, and nothing was "
                f"re-derived yet. Import the same file again to finish: the events already written are "
                f"recognised by their id and skipped.", first, total) from exc
        written += len(fresh)
        time.sleep(pause)
        if progress:
            progress(f"events: {min(k + batch, len(plan.new))} of {len(plan.new)} new written")
    return written


def _local_day(center: Center, ev: Event) -> dt.date | None:
    if ev.type in (EventType.HANDOVER, EventType.WAIVER) and ev.date:
        return ev.date
    when = ev.at or ev.start
    return clock.local_date(center, when) if when else ev.date


def _rederive_by_day(center: Center, events: Iterable[Event], total: int, pause: float,
                     progress: Callable[[str], None] | None) -> None:
    """Step 4: :func:`duty.rederive` for the events of one local day at a time (by the day an event starts;
    an event over several days re-derives all of them), each day in its own transaction."""
    by_day: dict[dt.date | None, list[Event]] = defaultdict(list)
    for ev in events:
        by_day[_local_day(center, ev)].append(ev)
    days = sorted(by_day, key=lambda d: (d is None, d or dt.date.min))
    for n, day in enumerate(days):
        try:
            with transaction.atomic():
                duty.rederive(center, by_day[day])
        except DatabaseError as exc:
            raise ImportIncomplete(
                f"all {total} events are in the database, but re-deriving stopped at {day}: {exc}. The days "
                f"before it are re-derived. Import the same file again to finish re-deriving.",
                total, total) from exc
        time.sleep(pause)
        if progress and (n + 1) % 10 == 0:
            progress(f"re-derived {n + 1} of {len(days)} days")


def _contradictions(center: Center, parsed, problems: list[Problem]) -> None:
    """Overlapping contradictory events of one person (SCENARIO.md)."""
    by_staff: dict[tuple[int, str], list[tuple[int, dict]]] = defaultdict(list)
    for i, _e, f in parsed:
        if f.get("staff") is not None:
            by_staff[(f["staff"].pk, f["type"])].append((i, f))
    for (_sid, etype), rows in by_staff.items():
        if etype in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
            times: dict = {}
            for i, f in rows:
                if f["at"] in times:
                    problems.append(Problem.of(f"events[{i}].at", "a second %(type)s at the same time as "
                                                                  "events[%(first)s]", type=etype,
                                               first=times[f["at"]]))
                times[f["at"]] = i
        if etype in (EventType.PAUSE, EventType.LEAVE, EventType.AWAY):
            spans = sorted((f["start"], f["end"] or f["start"], i, f) for i, f in rows if f.get("start"))
            for (_s1, e1, i1, f1), (s2, _e2, i2, f2) in zip(spans, spans[1:], strict=False):
                if s2 < e1 and (etype == EventType.PAUSE or f1.get("approved") != f2.get("approved")):
                    problems.append(Problem.of(f"events[{i2}]", "overlaps events[%(first)s] with a contradictory "
                                                                 "%(type)s of the same person", first=i1, type=etype))
    # A pause must lie within one day.
    for i, _e, f in parsed:
        if f["type"] == EventType.PAUSE and f.get("start") and f.get("end"):
            if f["end"] - f["start"] > dt.timedelta(hours=12):
                problems.append(Problem(f"events[{i}].end", "a pause longer than 12 hours is not a pause (NV-5)"))
