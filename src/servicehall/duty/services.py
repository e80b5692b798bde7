"""The one door for duty writes: events in, derived rows re-derived (NV-1..10, ATT-1..2, ORG-6).

Every function validates, appends the event in one transaction with its
audit record, and recomputes the post-days the event touches, so the
vacancies a manager sees are never stale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record, snapshot
from servicehall.core import clock
from servicehall.core.models import WINDOW_DEVICES, Device, DeviceKind
from servicehall.errors import Problem, RuleViolation, length_problems
from servicehall.org import assignments
from servicehall.org.calendar import get_calendar
from servicehall.org.calendar import held as held_calendar
from servicehall.org.models import Center, ExtendedSession, Post, PostAssignment, Staff, Window
from servicehall.org.people import item_names, named, why_not
from servicehall.org.permissions import Target, authorize
from servicehall.rules.coverage import intersect, normalise, subtract

from . import engine
from .models import Anomaly, AnomalyKind, AwayKind, Event, EventType, Vacancy

APPROVAL_LEVELS = ("department", "office")


def _dates(center: Center, ev: Event) -> list[dt.date]:
    """The local dates an event touches."""
    if ev.type in (EventType.HANDOVER, EventType.WAIVER) and ev.date:
        return [ev.date]
    if ev.at:
        return [clock.local_date(center, ev.at)]
    if ev.start:
        first = clock.local_date(center, ev.start)
        last = clock.local_date(center, ev.end - dt.timedelta(microseconds=1)) if ev.end else first
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if ev.target is not None:
        return _dates(center, ev.target)
    return []


def _posts_touched(center: Center, ev: Event) -> list[int] | None:
    """Posts an event can change; ``None`` means every post (the day may become judged)."""
    if ev.type in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
        return None
    target = ev.target or ev
    if target.type in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
        return None
    if target.post_id:
        return [target.post_id]
    if target.staff_id:
        # Every post the person was ever A or B of (ORG-3: the day's assignment decides; recomputing more is harmless).
        return list(PostAssignment.objects.filter(post__center=center)
                    .filter(Q(a_id=target.staff_id) | Q(b_id=target.staff_id)).values_list("post_id", flat=True)) + \
            list(Event.objects.filter(center=center, type=EventType.STAND_IN, staff_id=target.staff_id)
                 .values_list("post_id", flat=True))
    return None


# Beyond this many people on one day, recomputing the whole day is cheaper than their posts one by one.
PEOPLE_PER_DAY_TARGETED = 40

_PERSONAL = (EventType.CLOCK_IN, EventType.CLOCK_OUT, EventType.LEAVE, EventType.AWAY, EventType.PAUSE,
             EventType.PAUSE_END, EventType.LEAVE_RETURN)


@dataclass
class _DayWork:
    whole: bool = False
    posts: set[int] | None = None
    people: set[int] | None = None
    punches: set[int] | None = None  # clock events appended or voided: may change whether the day is judged


def _plan(center: Center, ev: Event, work: _DayWork) -> None:
    """What an event can change on a day it touches: one person's day (a punch, their leave, away or pause —
    NV-1, NV-2, ATT-1), some posts (a stand-in, a handover, a waiver), or the whole day."""
    target = ev.target if ev.type in (EventType.VOID, EventType.APPROVAL, EventType.LEAVE_RETURN,
                                      EventType.PAUSE_END) and ev.target is not None else ev
    # A person's attendance waived by the bulk waiver of a day (waive_day: a WAIVER naming a person, no post) is
    # that person's day too, so voiding it brings their anomalies back (ATT-1, NV-6).
    personal = target.type in _PERSONAL or target.type == EventType.WAIVER
    if personal and target.post_id is None and target.staff_id is not None:
        work.people = (work.people or set()) | {target.staff_id}
        if target.type in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
            work.punches = (work.punches or set()) | {target.pk}
        return
    posts = _posts_touched(center, ev)
    if posts is None:
        work.whole = True
    else:
        work.posts = (work.posts or set()) | set(posts)


def rederive(center: Center, events: Iterable[Event], now: dt.datetime | None = None) -> list[Vacancy]:
    """Recompute the post-days the events touch; days in years without a calendar are skipped.

    A person's events (a clock punch, leave, away, a pause) re-derive only that person's posts and stand-in posts
    of the day and their attendance (``engine.recompute_people``); the result is the whole day's recomputation.
    """
    days: dict[dt.date, _DayWork] = {}
    for ev in events:
        for d in _dates(center, ev):
            work = days.setdefault(d, _DayWork())
            if not work.whole:
                _plan(center, ev, work)
    created = []
    cal = get_calendar(center)
    # NV-1: every day first, in ascending order (a punch took its day with its audit record: no statement here)
    engine.hold_days(center, [d for d in days if cal.covers(d.year)])
    whole = sorted(d for d, work in days.items() if cal.covers(d.year) and (
        work.whole or len(work.people or ()) > PEOPLE_PER_DAY_TARGETED))
    if whole:  # an import's days: read together, judged by the array engine (engine.recompute_days)
        created += engine.recompute_days(center, whole[0], whole[-1], now=now, days=whole)
    for d, work in sorted(days.items(), key=lambda kv: kv[0]):
        if not cal.covers(d.year) or d in whole:
            continue
        if work.people:
            created += engine.recompute_people(center, d, work.people, now=now, exclude=work.punches or ())
        if work.posts:
            created += engine.recompute_day(center, d, sorted(work.posts), now=now)
    return created


def rederive_from(center: Center, day: dt.date, post: Post | None = None, now: dt.datetime | None = None,
                  **_signal: Any) -> None:
    """Re-judge the days from ``day`` to today that have a record (ORG-3, NV-6: that day's A and B answer).

    Connected to ``org.assignments.changed``: a post's A/B changed from a date in a month already judged.
    """
    today = clock.local_date(center, now or timezone.now())
    sod, _eod, _tz = engine.local_day_bounds(center, day)
    days = {clock.local_date(center, at) for at in Event.objects.filter(
        center=center, type__in=[EventType.CLOCK_IN, EventType.CLOCK_OUT], at__gte=sod).values_list("at", flat=True)
        if at is not None}
    if post is not None:
        days |= set(Vacancy.objects.filter(center=center, post=post, date__gte=day).values_list("date", flat=True))
    cal = get_calendar(center)
    judged = sorted(x for x in days if day <= x <= today and cal.covers(x.year))
    if judged:  # the days read together and judged by the array engine (engine.recompute_days)
        engine.recompute_days(center, judged[0], judged[-1], now=now, days=judged)


@dataclass
class Recorded:
    event: Event
    created: bool


def _staff(center: Center, code_or_obj: str | Staff | None, field: str, problems: list[Problem]) -> Staff | None:
    if code_or_obj is None or code_or_obj == "":
        return None
    if isinstance(code_or_obj, Staff):
        return code_or_obj
    s = Staff.objects.filter(center=center, code=code_or_obj).first()
    if s is None:
        problems.append(Problem.of(field, "unknown staff %(or_obj)s", or_obj=f"{code_or_obj!r}"))
    return s


def staff_by_code(center: Center, code: str) -> Staff | None:
    """A person of the center by code for a terminal's punch, kept per process (``core.hot``; Staff is watched by
    ``engine.watch``) — call ``core.hot.check()`` first in the request. An unknown code is not kept."""
    from servicehall.core import hot

    key = ("duty-staff-code", center.pk, code)
    staff = hot.get(key, lambda: Staff.objects.filter(center=center, code=code).order_by("pk").first())
    if staff is None:
        hot.forget(key)
    return staff


def validate_event(center: Center, data: dict[str, Any], path: str = "") -> tuple[dict[str, Any], list[Problem]]:
    """Check one event's fields (SCENARIO.md event types) and resolve references.

    ``data`` holds Python values (aware datetimes, dates, codes); returns the
    model fields and the problems, each with its field path.
    """
    p = f"{path}." if path else ""
    problems: list[Problem] = []
    etype = data.get("type")
    fields: dict[str, Any] = {"type": etype}
    if etype not in EventType.values or etype == EventType.APPEAL:  # an appeal is filed by its person (NV-6)
        problems.append(Problem.of(f"{p}type", "unknown event type %(etype)s", etype=f"{etype!r}"))
        return fields, problems
    needs_staff = etype in (EventType.CLOCK_IN, EventType.CLOCK_OUT, EventType.LEAVE, EventType.AWAY,
                            EventType.PAUSE, EventType.STAND_IN)
    staff = _staff(center, data.get("staff"), f"{p}staff", problems)
    if needs_staff and staff is None and not any(x.field == f"{p}staff" for x in problems):
        problems.append(Problem(f"{p}staff", "this event needs a staff member"))
    fields["staff"] = staff
    for key in ("at", "start", "end", "filed_at"):
        value = data.get(key)
        if value is not None and (not isinstance(value, dt.datetime) or value.tzinfo is None):
            problems.append(Problem.of(f"{p}{key}", "%(value)s is not a date-time with its UTC offset", value=f"{value!r}"))
            value = None
        fields[key] = value
    if etype in (EventType.CLOCK_IN, EventType.CLOCK_OUT) and fields["at"] is None and not any(
            x.field == f"{p}at" for x in problems):
        problems.append(Problem(f"{p}at", "a clock event needs its time"))
    if etype in (EventType.LEAVE, EventType.AWAY, EventType.STAND_IN, EventType.WAIVER) or (
            etype == EventType.PAUSE and data.get("end") is not None):
        if fields["start"] is None or fields["end"] is None:
            if not any(x.field in (f"{p}start", f"{p}end") for x in problems):
                problems.append(Problem(f"{p}start", "this event needs a start and an end"))
    if etype == EventType.PAUSE and fields["start"] is None and not any(x.field == f"{p}start" for x in problems):
        problems.append(Problem(f"{p}start", "a pause needs its start"))
    if fields.get("start") and fields.get("end") and fields["end"] <= fields["start"]:
        problems.append(Problem(f"{p}end", "the end is before the start"))
    if etype == EventType.AWAY:
        kind = data.get("kind") or ""
        if kind not in AwayKind.values:
            problems.append(Problem.of(f"{p}kind", "away is one of %(awaykind)s, not %(kind)s", awaykind=', '.join(AwayKind.values), kind=f"{kind!r}"))
        fields["kind"] = kind
    if etype in (EventType.LEAVE, EventType.AWAY):
        approved = data.get("approved")
        if approved is not None and not isinstance(approved, bool):
            problems.append(Problem(f"{p}approved", "approved is true or false"))
        fields["approved"] = approved
    if etype == EventType.APPROVAL:
        fields["kind"] = data.get("kind", "")
        fields["approved"] = data.get("approved")
    post = None
    if etype in (EventType.HANDOVER, EventType.STAND_IN, EventType.WAIVER):
        ref = data.get("post")
        post = ref if isinstance(ref, Post) else Post.objects.filter(center=center, code=ref).select_related(
            "a", "b").first()
        if post is None:
            problems.append(Problem.of(f"{p}post", "unknown post %(ref)s", ref=f"{ref!r}"))
    fields["post"] = post
    if etype == EventType.HANDOVER:
        frm = _staff(center, data.get("from"), f"{p}from", problems)
        to = _staff(center, data.get("to"), f"{p}to", problems)
        fields["staff"], fields["other"] = frm, to
        if frm and to and frm.pk == to.pk:
            problems.append(Problem(f"{p}to", "a handover goes to someone else (NV-3)"))
        day = data.get("date")
        if not isinstance(day, dt.date):
            problems.append(Problem.of(f"{p}date", "%(day)s is not a date", day=f"{day!r}"))
        elif post and frm:
            held = assignments.for_post(post, day)  # A on the handover's day (ORG-3)
            if held is None or frm.pk != held.a_id:
                problems.append(Problem.of(f"{p}from", "%(frm_code)s is not A of %(post_code)s: a handover is a duty of A (NV-3)", frm_code=named(frm), post_code=post.code))
        fields["date"] = day if isinstance(day, dt.date) else None
        fields["emergency"] = bool(data.get("emergency", False))
    if etype == EventType.WAIVER:
        day = data.get("date")
        fields["date"] = day if isinstance(day, dt.date) else (
            clock.local_date(center, fields["start"]) if fields.get("start") else None)
    target = data.get("target")
    if target is not None:
        fields["target"] = target
    if etype in (EventType.PAUSE_END, EventType.LEAVE_RETURN) and (target is None or fields.get("at") is None):
        problems.append(Problem(f"{p}at", "this event needs its time and the event it ends"))
    if etype in (EventType.PAUSE, EventType.PAUSE_END):
        ref = data.get("window")
        window = ref if isinstance(ref, Window) or ref is None else Window.objects.filter(center=center,
                                                                                        code=ref).first()
        if ref is not None and window is None:
            problems.append(Problem.of(f"{p}window", "unknown window %(ref)s", ref=f"{ref!r}"))
        fields["window"] = window
    if etype == EventType.STAND_IN and post and staff:
        missing = sorted(set(post.items.values_list("code", flat=True))
                         - set(staff.qualified_items.values_list("code", flat=True)))
        if missing:
            problems.append(Problem.of(f"{p}staff", "%(staff_code)s is not qualified for %(missing)s: a stand-in must be qualified as B is (NV-7, ORG-4)", staff_code=named(staff), missing=item_names(center, missing)))
    # CASE-5 / SCENARIO: a date in a year with no calendar is an error, never a guess.
    cal = get_calendar(center)
    for key in ("at", "start", "end"):
        value = fields.get(key)
        if value is not None and not cal.covers(clock.local_date(center, value).year):
            problems.append(Problem.of(f"{p}{key}", "no working-day calendar for year %(value_year)s (CASE-5)", value_year=clock.local_date(center, value).year))
    if fields.get("date") and not cal.covers(fields["date"].year):
        problems.append(Problem.of(f"{p}date", "no working-day calendar for year %(date_year)s (CASE-5)", date_year=fields['date'].year))
    fields["reason"] = (data.get("reason") or "")[:500]
    return fields, problems


def _same(ev: Event, fields: dict[str, Any]) -> bool:
    for k, v in fields.items():
        cur = getattr(ev, k)
        if isinstance(v, (Staff, Post, Window, Event)):
            v = v.pk
            cur = getattr(ev, f"{k}_id")
        if cur != v:
            return False
    return True


def event_with_ext_id(center: Center, ext_id: str) -> Event | None:
    """The center's event with this ext_id: one plain statement for its id, the row read only when it exists
    (nearly every append is new — issue 14 item 7)."""
    from django.db import connection

    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {q(Event._meta.db_table)} WHERE {q('center_id')} = %s AND {q('ext_id')} = %s",
                       [center.pk, ext_id])
        row = cursor.fetchone()
    return Event.objects.get(pk=row[0]) if row else None


def append_event(actor: Actor, center: Center, ext_id: str, fields: dict[str, Any], *, source: str, device: Device | None = None,
                 checked: bool = False) -> Recorded:
    """Append a validated event (idempotent by ext_id); must run inside a transaction. ``checked``: the caller has
    just found no event with ``ext_id`` (a terminal's punch); one appended meanwhile fails the unique constraint."""
    existing = None if checked else event_with_ext_id(center, ext_id)
    if existing is not None:
        if not _same(existing, {k: v for k, v in fields.items() if k != "reason"}):
            raise RuleViolation(Problem.of("id", "event %(ext_id)s exists with other content: events are never edited, a correction is a new event", ext_id=f"{ext_id!r}"))
        return Recorded(existing, False)
    ev = Event(center=center, ext_id=ext_id, source=source, device=device, actor=actor.user, **fields)
    ev.save()
    # NV-1: the days the event re-derives are locked with its audit record, in the same statement (after the
    # chain head's lock, as every audited write takes them), before any of their events is read
    days = engine.day_locks_to_take(center.pk, _dates(center, ev))
    record(actor, f"event.{ev.type}", ev, None, snapshot(ev, ["ext_id", "type", "at", "start", "end", "date",
                                                              "approved", "kind", "emergency", "reason"]),
           reason=ev.reason, locks=days)
    engine.day_locks_taken(days)
    return Recorded(ev, True)


# Clock skew tolerated for a terminal's "now" (SEC-5: a clock event in the future is refused).
DEVICE_CLOCK_SKEW = dt.timedelta(minutes=2)


def _authorize_event(actor: Actor, center: Center, fields: dict[str, Any], now: dt.datetime | None) -> None:
    """SEC-5 for duty events: who may record which event type, for whom; devices only as their kind and
    only within ``device_backfill_hours`` back (a terminal that was offline), never in the future."""
    etype = fields.get("type")
    staff, post = fields.get("staff"), fields.get("post")
    window = fields.get("window") or (post.window if post is not None else None)
    if etype in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
        if actor.device is not None:
            authorize(actor, "device.clock", Target(center, person=staff))
            at, now = fields.get("at"), now or timezone.now()
            hours = center.policy.device_backfill_hours
            if at is not None and at > now + DEVICE_CLOCK_SKEW:
                raise RuleViolation(Problem("at", "a clock event cannot be in the future (SEC-5)"))
            if at is not None and at < now - dt.timedelta(hours=hours):
                raise RuleViolation(Problem.of(
                    "at", "a terminal's clock event older than %(hours)s hours is refused: the office enters it "
                          "with a reason (SEC-5)", hours=hours))
        else:
            authorize(actor, "duty.clock", Target(center, person=staff))
    elif etype in (EventType.PAUSE, EventType.PAUSE_END):
        authorize(actor, "window.pause", Target(center, window=window, person=staff))
    elif etype in (EventType.LEAVE, EventType.AWAY):
        authorize(actor, "absence.request", Target(center, person=staff))
    elif etype == EventType.LEAVE_RETURN:
        authorize(actor, "absence.return", Target(center, person=staff))
    elif etype == EventType.HANDOVER:
        authorize(actor, "handover.file", Target(center, department=post.department if post else None,
                                                 person=fields.get("from")))
    else:  # stand-ins, voids, waivers, approvals entered directly: adjudication of the duty record
        authorize(actor, "duty.adjudicate", Target(center))


@transaction.atomic
def record_event(actor: ActorLike, center: Center, data: dict[str, Any], *, ext_id: str | None = None, source: str = "office",
                 device: Device | None = None, require_reason: bool | None = None,
                 now: dt.datetime | None = None, ext_id_checked: bool = False) -> Recorded:
    """Validate and append one event, then re-derive what it touches.

    Clock events entered by the office (not by a terminal) need a reason
    (ATT-1 / SEC-2): the record says why a person's time was keyed by hand.
    ``ext_id_checked``: the caller found no event with ``ext_id`` just before (:func:`append_event`).
    """
    actor = Actor.of(actor)
    with held_calendar(center):  # the calendar read once for the checks and the re-derivation (a punch)
        fields, problems = validate_event(center, data)
        if require_reason is None:
            require_reason = source == "office" and data.get("type") in (EventType.CLOCK_IN, EventType.CLOCK_OUT)
        if require_reason and not fields.get("reason"):
            problems.append(Problem("reason", "a clock event entered by the office needs a reason (SEC-2)"))
        if problems:
            raise RuleViolation(problems)
        _authorize_event(actor, center, fields, now)
        ext_id = ext_id or f"{source}-{uuid.uuid4().hex}"
        rec = append_event(actor, center, ext_id, fields, source=source, device=device,
                           checked=ext_id_checked)
        if rec.created:
            created = rederive(center, [rec.event], now=now)
            from .alerts import notify_vacancies

            notify_vacancies(center, created)
        return rec


@transaction.atomic
def void_event(actor: ActorLike, event: Event, reason: str) -> Event:
    """A correction: the event no longer counts; everything it touched is re-derived."""
    actor = Actor.of(actor)
    authorize(actor, "duty.adjudicate", Target(event.center))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "a correction needs a reason (SEC-2)"))
    if Event.objects.filter(type=EventType.VOID, target=event).exists():
        raise RuleViolation(Problem.of("event", "event %(ext_id)s is already voided", ext_id=event.ext_id))
    rec = append_event(actor, event.center, f"void-{event.ext_id}", {"type": EventType.VOID, "target": event,
                                                                     "reason": reason}, source="office")
    rederive(event.center, [event])
    return rec.event


@transaction.atomic
def waive_vacancy(actor: ActorLike, vacancy: Vacancy, reason: str) -> Event:
    """Adjudication (an appeal upheld, e.g. the clock terminal was broken): the minutes stop counting (NV-6)."""
    actor = Actor.of(actor)
    authorize(actor, "duty.adjudicate", Target(vacancy.center))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "an adjudication needs a reason (NV-6, SEC-2)"))
    center = vacancy.center
    rec = _waiver(actor, center, vacancy.post, vacancy.date, vacancy.start, vacancy.end, reason)
    rederive(center, [rec.event])
    return rec.event


# -- appeals and the bulk waiver (NV-6) ---------------------------------------------
def _waiver(actor: Actor, center: Center, post: Post, day: dt.date, start: dt.datetime, end: dt.datetime,
            reason: str, target: Event | None = None) -> Recorded:
    fields: dict[str, Any] = {"type": EventType.WAIVER, "post": post, "date": day, "start": start, "end": end,
                              "reason": reason[:500]}
    if target is not None:
        fields["target"] = target
    # An upheld appeal's waiver is keyed by the appeal, so a waiver of the same span already given (one vacancy, or
    # the whole day) does not collide with it; overlapping waivers combine.
    ext_id = f"waiver-{target.ext_id}" if target is not None else f"waiver-{post.code}-{start:%Y%m%d%H%M}-{end:%H%M}"
    return append_event(actor, center, ext_id, fields, source="office")


def appeal_state(appeal: Event) -> bool | None:
    """An appeal's decision: True upheld (a waiver follows it), False rejected, None pending (NV-6)."""
    for f in appeal.followups.all():
        if f.type == EventType.WAIVER:
            return True
        if f.type == EventType.APPROVAL and f.approved is False:
            return False
    return None


@transaction.atomic
def appeal_vacancy(actor: ActorLike, vacancy: Vacancy, reason: str) -> Event:
    """申诉 (NV-6): who answers for a vacancy appeals it with a reason; the office decides (:func:`decide_appeal`).

    The appeal names the post and the span it disputes, so it outlives a re-derivation of the day."""
    actor = Actor.of(actor)
    center = vacancy.center
    authorize(actor, "duty.appeal", Target(center, person=vacancy.staff))
    if vacancy.staff is None:
        raise RuleViolation(Problem("vacancy", "a vacancy of the department is appealed by the department (NV-6)"))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "an appeal needs a reason (NV-6)"))
    ext_id = f"appeal-{vacancy.post.code}-{vacancy.start:%Y%m%d%H%M}-{vacancy.end:%H%M}"
    earlier = Event.objects.filter(center=center, ext_id=ext_id).first()
    if earlier is not None:
        raise RuleViolation(Problem("vacancy", "this vacancy has already been appealed (NV-6)"))
    rec = append_event(actor, center, ext_id, {"type": EventType.APPEAL, "staff": vacancy.staff, "post": vacancy.post,
                                               "date": vacancy.date, "start": vacancy.start, "end": vacancy.end,
                                               "reason": reason.strip()[:500]}, source="staff")
    return rec.event


@transaction.atomic
def decide_appeal(actor: ActorLike, appeal: Event, upheld: bool, reason: str) -> Event:
    """The office decides an appeal (NV-6): upheld → a waiver of the disputed span and the day re-derived;
    rejected → a decision with its reason, the vacancy stands."""
    actor = Actor.of(actor)
    center = appeal.center
    authorize(actor, "duty.adjudicate", Target(center))
    if appeal.type != EventType.APPEAL:
        raise RuleViolation(Problem("appeal", "only an appeal is decided here"))
    if actor.staff is not None and appeal.staff_id == actor.staff.pk:
        raise RuleViolation(Problem("appeal", "nobody decides their own appeal (NV-6, SEC-2)"))
    if appeal_state(appeal) is not None:
        raise RuleViolation(Problem("appeal", "this appeal has already been decided"))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "a decision needs a reason (NV-6, SEC-2)"))
    assert appeal.post is not None and appeal.date is not None and appeal.start and appeal.end  # an appeal has them
    if upheld:
        rec = _waiver(actor, center, appeal.post, appeal.date, appeal.start, appeal.end, reason.strip(), appeal)
        rederive(center, [rec.event])
        return rec.event
    rec = append_event(actor, center, f"decision-{appeal.ext_id}", {
        "type": EventType.APPROVAL, "target": appeal, "kind": "appeal", "approved": False,
        "reason": reason.strip()[:500]}, source="office")
    return rec.event


@transaction.atomic
def waive_day(actor: ActorLike, center: Center, day: dt.date, reason: str, department: str = "") -> list[Event]:
    """Waive every vacancy of one day at once (NV-6), e.g. the clock terminal failed: one reason, one waiver per
    vacancy, one audit record for the whole, the day re-derived once. ``department`` narrows it to one department.

    The day's attendance anomalies (late, early leave, absence, a missing clock-out, late openings) of the same
    people are waived with it: one attendance waiver per person with an anomaly that day (an event with the
    person and no post, spanning the day), honoured when the day's anomalies are derived (engine)."""
    actor = Actor.of(actor)
    authorize(actor, "duty.waive_day", Target(center))
    if not reason.strip():
        raise RuleViolation(Problem("reason", "a waiver needs a reason (NV-6, SEC-2)"))
    rows = Vacancy.objects.filter(center=center, date=day).select_related("post").order_by("post__code", "start")
    anomalies = Anomaly.objects.filter(center=center, date=day).select_related("staff")
    if department:
        rows = rows.filter(department__code=department)
        anomalies = anomalies.filter(staff__department__code=department)
    found = list(rows)
    people = sorted({a.staff for a in anomalies}, key=lambda s: s.code)
    if not found and not people:
        raise RuleViolation(Problem.of("date", "no vacancies or attendance anomalies on %(day)s to waive",
                                       day=day.isoformat()))
    events = [_waiver(actor, center, v.post, day, v.start, v.end, reason.strip()).event for v in found]
    sod, eod, _tz = engine.local_day_bounds(center, day)
    events += [append_event(actor, center, f"waiver-attendance-{s.code}-{day:%Y%m%d}", {
        "type": EventType.WAIVER, "staff": s, "date": day, "start": sod, "end": eod, "kind": "attendance",
        "reason": reason.strip()[:500]}, source="office").event for s in people]
    record(actor, "vacancy.waive_day", center, None,
           {"date": day.isoformat(), "department": department or None, "vacancies": len(found),
            "minutes": sum(v.minutes for v in found), "posts": sorted({v.post.code for v in found}),
            "attendance_waived": [s.code for s in people]},
           reason=reason.strip()[:500])
    if get_calendar(center).covers(day.year):
        engine.recompute_day(center, day)
    return events


# -- NV-10: prediction before approval -------------------------------------------
@dataclass
class Gap:
    post: Post
    date: dt.date
    minutes: int
    spans: list[tuple[int, int]]
    candidates: list[Staff]


def predict(center: Center, staff: Staff, start: dt.datetime, end: dt.datetime,
            ignore: Event | None = None) -> list[Gap]:
    """NV-10: the post-days an absence would leave with neither A nor B nor a stand-in.

    Looks at the plans on record (approved leave and away of the other person,
    stand-ins), not at clock data, and names who could stand in: qualified,
    not absent then, and not already A or B of a post that needs them.
    """
    center = Center.objects.select_related("policy").get(pk=center.pk)
    cal = get_calendar(center)
    posts = {p.pk: p for p in Post.objects.filter(center=center, assignments__in=PostAssignment.objects.filter(
        Q(a=staff) | Q(b=staff))).distinct()}
    gaps: list[Gap] = []
    day = clock.local_date(center, start)
    last = clock.local_date(center, end - dt.timedelta(microseconds=1))
    opening = engine.opening_of(center)
    while day <= last:
        if cal.is_workday(day):
            sod, eod, _tz = engine.local_day_bounds(center, day)
            mine = intersect(opening, [(engine.minute_of(sod, max(start, sod)), engine.minute_of(sod, min(end, eod)))])
            plans = _planned_absences(center, sod, eod, ignore)
            held = assignments.on(center, day, posts)  # that day's A and B (ORG-3)
            for pid, asg in held.items():
                if staff.pk not in (asg.a_id, asg.b_id):
                    continue
                post = posts[pid]
                other = asg.b if asg.a_id == staff.pk else asg.a
                other_out = normalise(plans.get(other.pk, []))
                empty = intersect(mine, other_out)
                for ev in Event.objects.filter(center=center, type=EventType.STAND_IN, post=post, start__lt=eod,
                                               end__gt=sod):
                    assert ev.start is not None and ev.end is not None  # the query compares them
                    empty = subtract(empty, [(engine.minute_of(sod, ev.start), engine.minute_of(sod, ev.end))])
                if empty:
                    gaps.append(Gap(post, day, sum(e - s for s, e in empty), empty,
                                    _candidates(center, post, staff, other, plans, empty, sod, eod)))
        day += dt.timedelta(days=1)
    return gaps


def _planned_absences(center: Center, sod: dt.datetime, eod: dt.datetime, ignore: Event | None) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for ev in Event.objects.filter(center=center, type__in=[EventType.LEAVE, EventType.AWAY], start__lt=eod,
                                   end__gt=sod).exclude(followups__type=EventType.VOID):
        if ignore is not None and ev.pk == ignore.pk:
            continue
        approvals = list(ev.followups.filter(type=EventType.APPROVAL))
        if engine.leave_approved(ev, approvals) is False:
            continue
        assert ev.staff_id is not None and ev.start is not None and ev.end is not None  # leave and away have them
        out.setdefault(ev.staff_id, []).append((engine.minute_of(sod, max(ev.start, sod)),
                                                engine.minute_of(sod, min(ev.end, eod))))
    return out


def _candidates(center: Center, post: Post, staff: Staff, other: Staff, plans: dict[int, list[tuple[int, int]]],
                spans: list[tuple[int, int]], sod: dt.datetime | None = None,
                eod: dt.datetime | None = None) -> list[Staff]:
    """Who could stand in (NV-7, NV-10): qualified for every item, not absent by plan, not already a
    stand-in elsewhere then; the post's own department first."""
    items = set(post.items.values_list("code", flat=True))
    busy: set[int] = set()
    if sod is not None:
        for ev in Event.objects.filter(center=center, type=EventType.STAND_IN, start__lt=eod, end__gt=sod).exclude(
                post=post):
            assert ev.staff_id is not None and ev.start is not None and ev.end is not None  # a stand-in has them
            if intersect(spans, [(engine.minute_of(sod, ev.start), engine.minute_of(sod, ev.end))]):
                busy.add(ev.staff_id)
    out = []
    for cand in Staff.objects.filter(center=center, active=True).exclude(
            pk__in=[staff.pk, other.pk, *busy]).prefetch_related("qualified_items"):
        if not items <= {i.code for i in cand.qualified_items.all()}:
            continue
        if intersect(spans, plans.get(cand.pk, [])):
            continue
        out.append(cand)
    out.sort(key=lambda c: (c.department_id != post.department_id, c.code))
    return out[:5]


@transaction.atomic
def request_absence(actor: ActorLike, center: Center, staff: Staff, type_: str, start: dt.datetime, end: dt.datetime,
                    kind: str = "", reason: str = "", now: dt.datetime | None = None) -> Event:
    """A leave or away request (ATT-2, NV-4): pending until its approval route completes."""
    if type_ not in (EventType.LEAVE, EventType.AWAY):
        raise RuleViolation(Problem("type", "a request is for leave or away"))
    today = clock.local_date(center, now or timezone.now())
    if clock.local_date(center, start) < today and not reason.strip():
        # Issue 17 item 2: a request reaching back into judged days says why; the office approves it too.
        raise RuleViolation(Problem.of(
            "reason", "a request starting on %(day)s, a day already judged, needs its reason; the center office "
                      "approves it after the department (ATT-2)", day=clock.local_date(center, start).isoformat()))
    data = {"type": type_, "staff": staff, "start": start, "end": end, "kind": kind, "reason": reason}
    rec = record_event(actor, center, data, source="staff", now=now)
    if not rec.event.filed_at:  # filed now (the caller's clock, as for the checks above): retroactive or not
        rec.event.filed_at = now or rec.event.recorded_at
        Event.objects.filter(pk=rec.event.pk).update(filed_at=rec.event.filed_at)
    return rec.event


@dataclass
class Effect:
    """What approving a retroactive request changes on one day (issue 17 item 2): a post's vacancy minutes
    charged to someone (``post`` set), or an attendance finding of a person (``kind`` set: present 1 or 0)."""

    date: dt.date
    who: str
    before: int
    after: int
    post: Post | None = None
    kind: str = ""

    @property
    def kind_label(self) -> str:
        return str(AnomalyKind(self.kind).label) if self.kind in AnomalyKind.values else self.kind


def retroactive_effect(request: Event) -> list[Effect]:
    """What approving a request for days already judged would change: each post-day's vacancy minutes by whom
    they are charged to, and the attendance findings (late, absent …), before and after — found by re-deriving
    those days as they stand and as if it were approved, inside a savepoint that is rolled back (nothing kept,
    nothing sent).
    Empty for a request filed in time."""
    if not engine.retroactive(request) or request.start is None or request.end is None:
        return []
    center = request.center
    first = clock.local_date(center, request.start)
    last = min(clock.local_date(center, request.end - dt.timedelta(microseconds=1)), clock.today(center))
    span = {"center": center, "date__gte": first, "date__lte": last}

    def state() -> dict[tuple[dt.date, int | None, str, str], int]:
        out: dict[tuple[dt.date, int | None, str, str], int] = defaultdict(int)
        for day, post_id, person, dept, m in Vacancy.objects.filter(**span).values_list(
                "date", "post_id", "staff__name", "department__name", "minutes"):
            out[(day, post_id, person or dept, "")] += m  # charged to, by name (NV-8)
        for day, person, kind in Anomaly.objects.filter(**span).values_list("date", "staff__name", "kind"):
            out[(day, None, person, kind)] = 1
        return out

    with transaction.atomic():
        # Both sides derived now, in the savepoint: time passing today, or days left stale by another change, is
        # never shown as the request's effect.
        rederive(center, [request])
        before = state()
        Event.objects.filter(pk=request.pk).update(approved=True)  # an explicit decision wins (ATT-2)
        request.refresh_from_db()
        rederive(center, [request])
        after = state()
        transaction.set_rollback(True)
    request.refresh_from_db()
    keys = sorted({*before, *after}, key=lambda k: (k[0], k[1] is None, k[1] or 0, k[2], k[3]))
    posts = Post.objects.in_bulk({k[1] for k in keys if k[1] is not None})
    return [Effect(day, who, before.get(k, 0), after.get(k, 0), posts.get(pid) if pid else None, kind)
            for k in keys for day, pid, who, kind in [k] if before.get(k, 0) != after.get(k, 0)]


@transaction.atomic
def approve_absence(actor: ActorLike, request: Event, level: str, approved: bool = True, override_reason: str = "",
                    now: dt.datetime | None = None) -> Event:
    """One step of the approval route (ATT-2): ``department`` leader, then ``office`` filing where needed.

    Approving an absence that would leave a post empty (NV-10) needs an
    explicit override with a reason; the gaps are named in the refusal.
    """
    actor = Actor.of(actor)
    if level not in APPROVAL_LEVELS:
        raise RuleViolation(Problem.of("level", "level is one of %(approval)s", approval=', '.join(APPROVAL_LEVELS)))
    if request.type not in (EventType.LEAVE, EventType.AWAY):
        raise RuleViolation(Problem("request", "only leave and away are approved"))
    # ATT-2: the department level is the leader of that person's department; the office files.
    authorize(actor, "absence.approve" if level == "department" else "absence.file",
              Target(request.center, person=request.staff))
    if Event.objects.filter(type=EventType.APPROVAL, target=request, kind=level).exists():
        raise RuleViolation(Problem.of("level", "%(level)s has already decided this request", level=level))
    if approved:
        assert request.staff is not None and request.start is not None and request.end is not None
        gaps = predict(request.center, request.staff, request.start, request.end, ignore=request)
        if gaps and not override_reason.strip():
            raise RuleViolation([
                Problem.of("override_reason", "post %(post_code)s would be empty on %(date_isoformat)s for %(g_minutes)s minutes; candidates: %(c)s (NV-10)", post_code=g.post.name or g.post.code, date_isoformat=g.date.isoformat(), g_minutes=g.minutes, c='、'.join(c.name for c in g.candidates) or '—')
                for g in gaps])
    rec = append_event(actor, request.center, f"approval-{request.ext_id}-{level}",
                       {"type": EventType.APPROVAL, "target": request, "kind": level, "approved": approved,
                        "reason": override_reason[:500]}, source="office")
    rederive(request.center, [request], now=now)
    return rec.event


@transaction.atomic
def register_device(actor: ActorLike, center: Center, code: str, name: str, kind: str = DeviceKind.CLOCK,
                    window: Window | None = None, *, new_only: bool = False) -> tuple[Device, str]:
    """Register a device of a kind (SEC-5); callers, rating pads and workstations are bound to their window.
    The token is shown once and stored hashed. Registering a code again replaces the device's token, unless
    ``new_only`` (the devices page: an active code in use is refused, its token is rotated on purpose)."""
    actor = Actor.of(actor)
    authorize(actor, "device.manage", Target(center))
    problems = []
    if not code or len(code) > 30:
        problems.append(Problem("code", "a device code of 1 to 30 characters is required"))
    if not name.strip() or len(name) > 100:
        problems.append(Problem("name", "a device name of 1 to 100 characters is required"))
    if kind not in DeviceKind.values:
        problems.append(Problem.of("kind", "kind is one of %(kinds)s (SEC-5)", kinds=", ".join(DeviceKind.values)))
    elif kind in WINDOW_DEVICES and window is None:
        problems.append(Problem("window", "a caller, rating pad or workstation is bound to its window (SEC-5)"))
    if window is not None and window.center_id != center.pk:
        problems.append(Problem("window", "the window is one of this center's (SEC-5)"))
    if new_only and Device.objects.filter(center=center, code=code, active=True).exists():
        problems.append(Problem.of("code", "device %(code)s is already registered: rotate its token or retire it "
                                           "first", code=code))
    if problems:
        raise RuleViolation(problems)
    token = Device.new_token()
    device = Device.objects.filter(center=center, code=code).first()
    before = snapshot(device, ["name", "kind", "window", "active"]) if device else None
    if device is None:
        device = Device(center=center, code=code, name=name, kind=kind)
    device.name, device.kind, device.active = name, kind, True
    device.window = window if kind in WINDOW_DEVICES else None
    device.token_hash = Device.hash_token(token)
    device.save()
    record(actor, "device.token", device, before, {"code": code, "name": name, "kind": kind,
                                                   "window": window.code if window and device.window else None})
    return device, token


@transaction.atomic
def rotate_device_token(actor: ActorLike, device: Device) -> str:
    """A new token for a device (SEC-5): the old one stops working at once; the new one is shown once."""
    actor = Actor.of(actor)
    authorize(actor, "device.manage", Target(device.center))
    if not device.active:
        raise RuleViolation(Problem("device", "a retired device gets no new token; register it again (SEC-5)"))
    token = Device.new_token()
    device.token_hash = Device.hash_token(token)
    device.save(update_fields=["token_hash"])
    record(actor, "device.rotate", device, None, {"code": device.code})
    return token


@transaction.atomic
def retire_device(actor: ActorLike, device: Device, reason: str = "") -> Device:
    """Retire (revoke) a device (SEC-5): its token is refused from now on; its events stay."""
    actor = Actor.of(actor)
    authorize(actor, "device.manage", Target(device.center))
    if not device.active:
        raise RuleViolation(Problem("device", "this device is already retired"))
    before = snapshot(device, ["active"])
    device.active = False
    # A retired device's token is replaced by one nobody holds, so re-activating it needs a new registration.
    device.token_hash = Device.hash_token(Device.new_token())
    device.save(update_fields=["active", "token_hash"])
    record(actor, "device.retire", device, before, {"active": False}, reason=reason[:500])
    return device


# A device's last-seen time is written at most this often (an error always): the devices page needs the minute,
# not a write per request from every kiosk, pad, terminal and workstation.
SEEN_EVERY = dt.timedelta(minutes=1)


def device_seen(device: Device, error: str = "", now: dt.datetime | None = None) -> None:
    """Bookkeeping, not a person's write: the device called now (and, with ``error``, was refused).
    Shown on the devices page; not audited (it would put every heartbeat in the trail). Throttled: without an
    error, nothing is written while the time held is less than ``SEEN_EVERY`` old."""
    now = now or timezone.now()
    if not error and device.last_seen_at is not None and now - device.last_seen_at < SEEN_EVERY:
        return
    fields: dict[str, Any] = {"last_seen_at": now}
    if error:
        fields.update(last_error=error[:300], last_error_at=now)
    Device.objects.filter(pk=device.pk).update(**fields)
    for k, v in fields.items():
        setattr(device, k, v)


def device_actor(device: Device) -> Actor:
    from servicehall.audit.services import system_actor

    base = system_actor("device")
    return Actor(user=base.user, label=f"device:{device.code}", device=device)


@transaction.atomic
def file_handover(actor: ActorLike, center: Center, post: Post, to: Staff, day: dt.date, emergency: bool = False,
                  reason: str = "", now: dt.datetime | None = None) -> Event:
    """工作移交 (NV-3): A hands the post's work to B (or another) for a day; filed now, judged by its lead time."""
    filed = now or timezone.now()
    held = assignments.for_post(post, day)
    rec = record_event(actor, center, {"type": EventType.HANDOVER, "post": post, "from": held.a if held else post.a, "to": to,
                                       "date": day, "filed_at": filed, "emergency": emergency, "reason": reason},
                       ext_id=f"handover-{post.code}-{day:%Y%m%d}-{filed:%H%M%S%f}", now=now)
    return rec.event


@transaction.atomic
def assign_stand_in(actor: ActorLike, center: Center, post: Post, staff: Staff, start: dt.datetime, end: dt.datetime,
                    reason: str = "", now: dt.datetime | None = None) -> Event:
    """顶岗 (NV-7): the center office assigns a qualified person to a post for a span.

    Only a person the stand-in list offers (issue 17 item 1): active staff of the center, qualified for
    every item of the post — refused otherwise, the person named."""
    problem = why_not(actor, center, "staff", staff)
    if problem is not None:
        raise RuleViolation(problem)
    rec = record_event(actor, center, {"type": EventType.STAND_IN, "post": post, "staff": staff, "start": start,
                                       "end": end, "reason": reason}, now=now)
    return rec.event


@transaction.atomic
def return_from_leave(actor: ActorLike, leave: Event, at: dt.datetime, now: dt.datetime | None = None) -> Event:
    """销假 (ATT-2): back before the leave's end; the rest of the leave no longer counts."""
    if leave.type not in (EventType.LEAVE, EventType.AWAY):
        raise RuleViolation(Problem("event", "only leave or away can be ended early"))
    assert leave.start is not None and leave.end is not None  # leave and away have a span
    if not (leave.start < at < leave.end):
        raise RuleViolation(Problem("at", "the return falls within the leave (ATT-2)"))
    if leave.followups.filter(type=EventType.LEAVE_RETURN).exists():
        raise RuleViolation(Problem("event", "this leave has already been ended"))
    rec = record_event(actor, leave.center, {"type": EventType.LEAVE_RETURN, "staff": leave.staff, "at": at,
                                             "target": leave}, ext_id=f"return-{leave.ext_id}", now=now)
    return rec.event


# -- extended sessions (ATT-4, 延时服务) ------------------------------------------------------------
def _extended_after(ext: ExtendedSession | None) -> dict[str, Any] | None:
    if ext is None or ext.pk is None:
        return None
    return {"date": ext.date.isoformat(), "start": f"{ext.start:%H:%M}", "end": f"{ext.end:%H:%M}",
            "windows": sorted(w.code for w in ext.windows.all())}


def _rederive_day(center: Center, day: dt.date) -> None:
    if get_calendar(center).covers(day.year):
        engine.recompute_day(center, day)


@transaction.atomic
def save_extended_session(actor: ActorLike, center: Center, day: dt.date, start: dt.time, end: dt.time,
                          windows: Iterable[str | Window]) -> ExtendedSession:
    """An extended session (延时服务, ATT-4): for the windows named, ``start``–``end`` of ``day`` is opening time.

    Keyed by (date, start): saving again changes its end and windows. The day is
    re-derived: the named windows are judged for coverage there (also on a
    non-working day); every other window stays closed.
    """
    actor = Actor.of(actor)
    authorize(actor, "duty.extended", Target(center))
    problems: list[Problem] = []
    if not start < end:
        problems.append(Problem.of("end", "%(end)s is not after the start %(start)s", end=f"{end:%H:%M}",
                                   start=f"{start:%H:%M}"))
    found: list[Window] = []
    codes = list(windows)
    if not codes:
        problems.append(Problem("windows", "an extended session names at least one window (ATT-4)"))
    for i, w in enumerate(codes):
        window = w if isinstance(w, Window) else Window.objects.filter(center=center, code=w).first()
        if window is None or window.center_id != center.pk:
            problems.append(Problem.of(f"windows[{i}]", "unknown window %(code)s", code=repr(w)))
        else:
            found.append(window)
    if problems:
        raise RuleViolation(problems)
    ext = ExtendedSession.objects.filter(center=center, date=day, start=start).first()
    before = _extended_after(ext)
    if ext is None:
        ext = ExtendedSession.objects.create(center=center, date=day, start=start, end=end)
    elif ext.end != end:
        ext.end = end
        ext.save(update_fields=["end"])
    if {w.pk for w in ext.windows.all()} != {w.pk for w in found}:
        ext.windows.set(found)
    after = _extended_after(ext)
    if after != before:
        record(actor, "extended_session.create" if before is None else "extended_session.update", ext, before, after)
        _rederive_day(center, day)
    return ext


@transaction.atomic
def remove_extended_session(actor: ActorLike, ext: ExtendedSession) -> None:
    """Withdraw an extended session (ATT-4); its day is re-derived without it."""
    actor = Actor.of(actor)
    center = ext.center
    authorize(actor, "duty.extended", Target(center))
    before = _extended_after(ext)
    record(actor, "extended_session.delete", ext, before, None)
    day = ext.date
    ext.delete()
    _rederive_day(center, day)


# -- removal from the post (ASM-3) ---------------------------------------------------------------------------
@transaction.atomic
def remove_from_post(actor: ActorLike, center: Center, staff: Staff, day: dt.date, reason: str, *, key: str,
                     now: dt.datetime | None = None) -> list[Event]:
    """ASM-3: the office's decision that a person leaves the window — from ``day`` on they no longer hold any
    post they are A or B of (one REMOVAL event per post, keyed by ``key`` so that the decision is recorded once).

    The engine then sees them away in order on that post: B covers A's post under the AB rules (NV-2) and an
    uncovered minute is B's or the department's (NV-6) until the office saves the post with a new A or B
    (``org.services.save_post``; a removal holds only against an assignment that began before it). Days already
    judged from ``day`` on are re-derived."""
    actor = Actor.of(actor)
    authorize(actor, "duty.adjudicate", Target(center, person=staff))
    problems = []
    if staff.center_id != center.pk:
        problems.append(Problem("staff", "the person is not on this center's staff"))
    if not reason.strip():
        problems.append(Problem("reason", "a removal from the post needs a reason (ASM-3, SEC-2)"))
    if not key.strip():
        problems.append(Problem("key", "a removal names the decision it records (ASM-3)"))
    problems += length_problems(Event, {"reason": reason})
    if problems:
        raise RuleViolation(problems)
    events: list[Event] = []
    held = {pid: asg for pid, asg in assignments.on(center, day).items()
            if asg.valid_from < day and staff.pk in (asg.a_id, asg.b_id)}
    for post in Post.objects.filter(pk__in=held).order_by("code"):
        rec = append_event(actor, center, f"removal-{key}-{post.code}",
                           {"type": EventType.REMOVAL, "staff": staff, "post": post, "date": day,
                            "reason": reason}, source="office")
        events.append(rec.event)
        if rec.created:
            rederive_from(center, day, post, now=now)
    return events
