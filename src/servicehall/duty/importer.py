"""``servicehall import FILE.json`` — a scenario file in, exactly as SCENARIO.md describes.

Everything is validated and written in one transaction: a bad file changes
nothing at all and gets one error per problem, each naming its JSON path,
the value and the rule. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from django.db import transaction

from servicehall.audit.services import Actor
from servicehall.catalog import services as catalog
from servicehall.errors import Problem, RuleViolation
from servicehall.org import services as org
from servicehall.org.calendar import covered_years
from servicehall.org.models import Center
from servicehall.rules.arrangement import unsettled_holidays

from . import services as duty
from .models import EventType

ROLE_NAMES = {"guide", "assist", "window", "approver", "window_head", "dept_leader", "office", "inspector"}


class ImportFailed(RuleViolation):
    pass


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


@transaction.atomic
def import_scenario(actor: Actor, data: dict) -> dict[str, int]:
    """Import a scenario (SCENARIO.md); raises :class:`ImportFailed` with every problem, writing nothing."""
    problems: list[Problem] = []
    c = data.get("center")
    if not isinstance(c, dict) or not c.get("code"):
        raise ImportFailed(Problem("center.code", "a scenario names its center's code"))
    existing = Center.objects.filter(code=c["code"]).first()
    center_fields = {k: c[k] for k in ("timezone",) if k in c}
    policy = dict(c.get("policy") or {})
    if "sessions" in c:
        policy["sessions"] = c["sessions"]
    center = _step(problems, "center", org.save_center, actor, c["code"],
                   c.get("name") or (existing.name if existing else c["code"]), policy=policy, **center_fields)
    if center is None:
        raise ImportFailed(problems)
    counts: dict[str, int] = defaultdict(int)
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
    events = _import_events(actor, center, data.get("events") or [], problems, counts)
    if problems:
        raise ImportFailed(problems)
    duty.rederive(center, events)
    return dict(counts)


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


def _import_events(actor: Actor, center: Center, raw: list, problems: list[Problem], counts) -> list:
    seen: dict[str, int] = {}
    parsed: list[tuple[int, dict, dict]] = []
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
        fields, found = duty.validate_event(center, data, path)
        if found:
            problems.extend(found)
            continue
        parsed.append((i, e, fields))
    _contradictions(center, parsed, problems)
    if problems:
        return []
    events = []
    for i, e, fields in parsed:
        rec = _step(problems, f"events[{i}]", duty.append_event, actor, center, e["id"], fields, source="import")
        if rec is not None:
            events.append(rec.event)
            counts["events"] += rec.created
    return events


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
