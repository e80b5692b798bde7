"""Duty API: device endpoints (clock terminal, workstation pause) and the office's reads (NV-1..8).

Devices authenticate with ``Authorization: Bearer <token>``; every device post
carries the device's own event id, and a repeated post returns the original
result — never a second event.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from typing import Annotated
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.utils import timezone, translation
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from servicehall.apischema import (
    DEVICE,
    PUBLIC,
    STAFF,
    Code,
    Date,
    Moment,
    RequestId,
    Year,
    answers,
    bounded,
    center_of,
    own_center,
)
from servicehall.busy import DatabaseBusy
from servicehall.core import hot
from servicehall.core.dbrouter import replica_context
from servicehall.core.models import Device, DeviceKind
from servicehall.errors import Problem, RuleViolation, shown
from servicehall.org.access import department_limit
from servicehall.org.calendar import held as held_calendar
from servicehall.org.calendar import version_sql as calendar_version_sql
from servicehall.org.models import Staff, Window
from servicehall.org.people import named
from servicehall.org.permissions import Forbidden
from servicehall.tickets.hot import device_actor, device_by_token

from . import presence, services
from .models import Event, EventType, Vacancy
from .queries import sanction_json, sanctions, vacancy_json, vacancy_rows


class DeviceToken(HttpBearer):
    def authenticate(self, request, token):
        # The device kept per process (issue 14 item 7), read again once any device changed: the generation is
        # read first, so a retired device or a rotated token is refused on the next call of every process (SEC-5).
        hot.check()
        device = device_by_token(token)
        if device is not None:
            request.device = device
            services.device_seen(device)  # issue 13: the devices page shows when it last called
        return device


def noting_errors(view):
    """A device call that is refused leaves its reason on the device (issue 13: the devices page shows the
    last error); the refusal itself is answered as before."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DatabaseBusy:
            raise  # a busy database is answered 503; writing the device's error now would only wait again
        except (RuleViolation, PermissionDenied, HttpError) as exc:
            # Kept for the office's page, so in the center's language; the device's answer stays English.
            with translation.override(settings.LANGUAGE_CODE):
                if isinstance(exc, RuleViolation):
                    text = "; ".join(shown(p) for p in exc.problems)
                elif isinstance(exc, HttpError):
                    text = f"{getattr(exc, 'field', '')}: {exc}".lstrip(": ")
                else:
                    text = str(getattr(exc, "message", "") or exc or "not allowed")
            services.device_seen(request.device, error=text or type(exc).__name__)
            raise
    # The schema reads the view's annotations resolved in the view's own module (another router's view too).
    wrapped.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapped


class ClockIn(Schema):
    event_id: RequestId
    staff: Annotated[str, bounded(20)]
    type: Annotated[str, bounded(20)]
    at: Moment | None = None


class PauseIn(Schema):
    event_id: RequestId
    staff: Annotated[str, bounded(20)]
    window: Annotated[str, bounded(20)]
    action: Annotated[str, bounded(20)]
    at: Moment | None = None


class EventOut(Schema):
    id: str
    type: str
    staff: str | None
    at: dt.datetime | None
    start: dt.datetime | None
    end: dt.datetime | None
    duplicate: bool
    vacancies_open: int


def _open_vacancies(center_id: int) -> int:
    """The center's open vacancies now (NV-1), one plain count: no query built on a punch (issue 14 item 7)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(Vacancy._meta.db_table)} WHERE {q('center_id')} = %s AND {q('open')}",
                       [center_id])
        return int(cursor.fetchone()[0])


def _event_out(ev: Event, duplicate: bool) -> dict:
    open_now = _open_vacancies(ev.center_id)
    return {"id": ev.ext_id, "type": ev.type, "staff": ev.staff.code if ev.staff is not None else None, "at": ev.at,
            "start": ev.start, "end": ev.end, "duplicate": duplicate, "vacancies_open": open_now}


devices = Router(tags=["devices"], auth=DeviceToken())


def _device_ext_id(device: Device, event_id: str) -> str:
    if not event_id or len(event_id) > 60:
        raise RuleViolation(Problem("event_id", "a device event id of 1 to 60 characters is required"))
    return f"dev-{device.code}-{event_id}"


@devices.post("/devices/clock", response=answers(EventOut, *DEVICE))
@noting_errors
def device_clock(request, payload: ClockIn):
    """A clock-in or clock-out from a terminal (ATT-1); idempotent by the device's event id."""
    device: Device = request.device
    if device.kind != DeviceKind.CLOCK:
        # A workstation signs in only the clerk logged in at it (its own page), never a staff code posted here (SEC-5).
        raise Forbidden("device.clock", "only a clock terminal posts clock events for any staff member (SEC-5)")
    if payload.type not in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
        raise RuleViolation(Problem("type", "type is clock_in or clock_out"))
    ext_id = _device_ext_id(device, payload.event_id)
    center = device.center
    repeated, version = _repeat_and_calendar(center.pk, ext_id)
    if repeated is not None:  # a repeated post
        return _event_out(Event.objects.get(pk=repeated), True)
    staff = services.staff_by_code(center, payload.staff)
    data = {"type": payload.type, "staff": staff or payload.staff, "at": payload.at or timezone.now()}
    try:
        with held_calendar(center, version):  # the calendar at the version just read: not asked again
            rec = services.record_event(device_actor(device), center, data, ext_id=ext_id, source="device",
                                        device=device, ext_id_checked=True)
    except IntegrityError:
        existing = services.event_with_ext_id(center, ext_id)  # the same post twice at once: the other one won
        if existing is None:
            raise
        return _event_out(existing, True)
    return _event_out(rec.event, not rec.created)


def _repeat_and_calendar(center_id: int, ext_id: str) -> tuple[int | None, int | None]:
    """A punch's first statement (issue 14 item 7): the id of the event already posted with ``ext_id`` (a repeated
    post) and the center's calendar version (``org.calendar``), together."""
    q = connection.ops.quote_name
    version, params = calendar_version_sql(center_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT id FROM {q(Event._meta.db_table)} WHERE {q('center_id')} = %s"
                       f" AND {q('ext_id')} = %s), ({version})", [center_id, ext_id, *params])
        row = cursor.fetchone()
    return row[0], row[1]


@devices.post("/devices/pause", response=answers(EventOut, *DEVICE))
@noting_errors
def device_pause(request, payload: PauseIn):
    """暂停办理 from the workstation (NV-5): ``start`` opens a pause, ``end`` closes the open one."""
    device: Device = request.device
    center = device.center
    ext_id = _device_ext_id(device, payload.event_id)
    existing = Event.objects.filter(center=center, ext_id=ext_id).first()
    if existing is not None:
        return _event_out(existing, True)
    staff = Staff.objects.filter(center=center, code=payload.staff).first()
    window = Window.objects.filter(center=center, code=payload.window).first()
    problems = []
    if staff is None:
        problems.append(Problem.of("staff", "unknown staff %(code)s", code=repr(payload.staff)))
    if window is None:
        problems.append(Problem.of("window", "unknown window %(code)s", code=repr(payload.window)))
    if payload.action not in ("start", "end"):
        problems.append(Problem("action", "action is start or end"))
    if problems:
        raise RuleViolation(problems)
    assert staff is not None and window is not None  # refused above otherwise
    at = payload.at or timezone.now()
    open_pause = (Event.objects.filter(center=center, type=EventType.PAUSE, staff=staff, window=window, end__isnull=True)
                  .exclude(followups__type__in=[EventType.PAUSE_END, EventType.VOID]).order_by("-start").first())
    actor = services.device_actor(device)
    if payload.action == "start":
        if open_pause is not None and open_pause.start is not None:
            since = f"{open_pause.start.astimezone(ZoneInfo(center.timezone)):%H:%M}"
            raise RuleViolation(Problem.of("action", "%(staff)s already has an open pause since %(since)s (NV-5)",
                                           staff=named(staff), since=since))
        rec = services.record_event(actor, center, {"type": EventType.PAUSE, "staff": staff, "window": window,
                                                    "start": at}, ext_id=ext_id, source="device", device=device)
    else:
        if open_pause is None or open_pause.start is None:
            raise RuleViolation(Problem.of("action", "%(staff)s has no open pause to end (NV-5)", staff=named(staff)))
        if at <= open_pause.start:
            raise RuleViolation(Problem("at", "a pause ends after it starts"))
        rec = services.record_event(actor, center, {"type": EventType.PAUSE_END, "staff": staff, "window": window,
                                                    "at": at, "target": open_pause}, ext_id=ext_id,
                                    source="device", device=device)
    return _event_out(rec.event, not rec.created)


office = Router(tags=["duty"], auth=django_auth)


class VacancyOut(Schema):
    post: str
    window: str
    date: str
    start: str
    end: str
    minutes: int
    answerable_kind: str
    answerable: str
    reason: str


class SanctionOut(Schema):
    staff: str
    post: str
    date: str
    rank_in_year: int
    rank_in_month: int
    level: str


class TileOut(Schema):
    window: str
    post: str
    state: str
    person: str | None
    since: str | None
    minutes: int | None


@office.get("/centers/{code}/vacancies", response=answers(list[VacancyOut], *STAFF))
def vacancies(request, code: Code, first: Date, last: Date):
    """Vacancies as SCENARIO.md's contract (NV-6): the center's for the office and inspectors, a department's
    own for its managers (SEC-5, ``duty.read``)."""
    with replica_context(request):  # a report: on the replica like the report pages (issue 14 item 8)
        center = own_center(request, code)
        limit = department_limit(request, "duty.read", center)
        mine = {"department_id": limit} if limit is not None else {}
        return [vacancy_json(center, v) for v in vacancy_rows(center, first, last, **mine)]


@office.get("/centers/{code}/sanctions", response=answers(list[SanctionOut], *STAFF))
def sanctions_list(request, code: Code, year: Year):
    """The NV-8 ladder of a year, limited like the vacancies (SEC-5, ``duty.read``)."""
    with replica_context(request):
        center = own_center(request, code)
        limit = department_limit(request, "duty.read", center)
        rows = sanctions(center, year)
        if limit is not None:
            mine = set(Staff.objects.filter(center=center, department_id=limit).values_list("code", flat=True))
            rows = [s for s in rows if s.staff in mine]
        return [sanction_json(s) for s in rows]


public_board = Router(tags=["public"])


@public_board.get("/centers/{code}/board", response=answers(list[TileOut], *PUBLIC))
def board(request, code: Code):
    """Live window states for hall screens (PUB-2, NV-2, NV-5)."""
    with replica_context(request):  # polled by every hall screen, like the board page
        center = center_of(code)
        tz = ZoneInfo(center.timezone)
        return [{"window": t.window.code, "post": t.post.code, "state": t.state,
                 "person": t.staff.name if t.staff else None,
                 "since": t.since.astimezone(tz).isoformat() if t.since else None, "minutes": t.minutes}
                for t in presence.board_posts(presence.hall_state(center))]
