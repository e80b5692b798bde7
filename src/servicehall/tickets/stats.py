"""Waiting and service times (Q-6) and satisfaction (EVAL-3), from the tickets and ratings themselves."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from servicehall.core import clock
from servicehall.core.xlsx import xlsx_bytes
from servicehall.org.models import Center

from .models import Rating, Ticket, TicketStatus


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def _minutes(a, b) -> float | None:
    return (b - a).total_seconds() / 60 if a and b else None


def times(center: Center, first: dt.date, last: dt.date) -> dict[str, list[dict]]:
    """Waiting (issue → call) and service (start → finish) minutes per item, window and hour of day."""
    tz = ZoneInfo(center.timezone)
    groups: dict[str, dict[str, dict[str, list[float]]]] = {k: defaultdict(lambda: {"wait": [], "service": []})
                                                            for k in ("item", "window", "hour")}
    rows = (Ticket.objects.filter(center=center, day__gte=first, day__lte=last, status=TicketStatus.DONE)
            .select_related("item", "window"))
    for t in rows:
        wait, service = _minutes(t.issued_at, t.called_at), _minutes(t.started_at, t.finished_at)
        keys = {"item": t.item.name, "window": t.window.name if t.window else "—",
                "hour": f"{t.issued_at.astimezone(tz).hour:02d}:00"}
        for dim, key in keys.items():
            if wait is not None:
                groups[dim][key]["wait"].append(wait)
            if service is not None:
                groups[dim][key]["service"].append(service)
    out = {}
    for dim, by in groups.items():
        out[dim] = [{"key": k, "count": len(v["wait"]),
                     "wait_avg": round(sum(v["wait"]) / len(v["wait"]), 1) if v["wait"] else 0.0,
                     "wait_p90": round(percentile(v["wait"], 90), 1),
                     "service_avg": round(sum(v["service"]) / len(v["service"]), 1) if v["service"] else 0.0,
                     "service_p90": round(percentile(v["service"], 90), 1)} for k, v in sorted(by.items())]
    return out


def late_minutes(opening: list[tuple[int, int]], start: dt.datetime, finish: dt.datetime, tz: ZoneInfo) -> int:
    """Whole minutes of a service (start → finish) outside the window's opening time of its day — served after
    closing (NV-9), which count as service."""
    day_start = dt.datetime.combine(start.astimezone(tz).date(), dt.time(0), tzinfo=tz)
    a = (start - day_start).total_seconds() / 60
    b = (finish - day_start).total_seconds() / 60
    inside = sum(max(0.0, min(b, e) - max(a, s)) for s, e in opening)
    return max(0, round(b - a - inside))


def late_service(center: Center, first: dt.date, last: dt.date) -> list[dict]:
    """Per clerk: services finished after closing and their minutes after closing (NV-9: working late is service,
    not a violation)."""
    from .services import window_opening

    tz = ZoneInfo(center.timezone)
    openings: dict[tuple[int, dt.date], list[tuple[int, int]]] = {}
    by: dict[str, dict[str, int]] = defaultdict(lambda: {"tickets": 0, "minutes": 0})
    rows = (Ticket.objects.filter(center=center, day__gte=first, day__lte=last, status=TicketStatus.DONE,
                                  window__isnull=False, staff__isnull=False, started_at__isnull=False,
                                  finished_at__isnull=False).select_related("window", "staff"))
    for t in rows:
        assert t.window is not None and t.staff is not None and t.started_at and t.finished_at  # filtered above
        key = (t.window.pk, t.day)
        if key not in openings:
            openings[key] = window_opening(center, t.window, t.day)
        minutes = late_minutes(openings[key], t.started_at, t.finished_at, tz)
        if minutes:
            row = by[t.staff.name]
            row["tickets"] += 1
            row["minutes"] += minutes
    return [{"key": k, **v} for k, v in sorted(by.items())]


def current_wait(center: Center, day: dt.date, now: dt.datetime) -> dict[str, float | int]:
    """For the public: how many wait now and how long the last hour's callers waited on average (Q-6)."""
    waiting = Ticket.objects.filter(center=center, day=day, status=TicketStatus.WAITING).count()
    recent = Ticket.objects.filter(center=center, day=day, called_at__gte=now - dt.timedelta(hours=1))
    waits = [w for t in recent if (w := _minutes(t.issued_at, t.called_at)) is not None]
    return {"waiting": waiting, "recent_wait": round(sum(waits) / len(waits), 1) if waits else 0.0}


def ratings_of(center: Center, first: dt.date, last: dt.date) -> QuerySet[Rating]:
    """The ratings of ``first..last`` (EVAL-1, EVAL-4): of window services by the ticket's day (一次一评) and of
    finished cases by the rating's day in the hall's zone (一事一评) — every count of satisfaction reads these."""
    tz = clock.zone(center)
    since = dt.datetime.combine(first, dt.time(), tz)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return Rating.objects.filter(Q(ticket__center=center, ticket__day__gte=first, ticket__day__lte=last)
                                 | Q(rated_case__center=center, at__gte=since, at__lt=until))


def rating_day(rating: Rating, center: Center) -> dt.date:
    """The day a rating counts on: its ticket's day, or for a case its time in the hall's zone."""
    return rating.ticket.day if rating.ticket_id and rating.ticket else clock.local_date(center, rating.at)


def satisfaction_table(center: Center, first: dt.date, last: dt.date) -> dict[str, list[dict]]:
    """Satisfaction per clerk, window and department (EVAL-3), window services and finished cases together
    (EVAL-4); a case rated without a ticket names no window and counts for its clerk and department only."""
    from .services import satisfaction

    rows = list(ratings_of(center, first, last)
                .select_related("staff", "window", "ticket__queue", "rated_case__department"))

    def department(r: Rating) -> str:
        if r.ticket is not None:
            return r.ticket.queue.name
        assert r.rated_case is not None  # a rating is of a service or of a case (the model's constraint)
        return r.rated_case.department.name

    out = {}
    for dim, key in (("staff", lambda r: r.staff.name), ("window", lambda r: r.window.name if r.window else None),
                     ("department", department)):
        by = defaultdict(list)
        for r in rows:
            k = key(r)
            if k is not None:
                by[k].append(r)
        out[dim] = [{"key": k, **satisfaction(v)} for k, v in sorted(by.items())]
    return out


def xlsx(center: Center, first: dt.date, last: dt.date) -> bytes:
    """The daily or monthly statistics as an xlsx workbook; no cell is a formula (SEC-3)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    names = {"item": "按事项", "window": "按窗口", "hour": "按时段"}
    for dim, rows in times(center, first, last).items():
        ws = wb.create_sheet(names[dim])
        ws.append(["", "办结数", "平均等候(分)", "等候P90(分)", "平均办理(分)", "办理P90(分)"])
        for r in rows:
            ws.append([r["key"], r["count"], r["wait_avg"], r["wait_p90"], r["service_avg"], r["service_p90"]])
    sat = satisfaction_table(center, first, last)
    for dim, title in (("staff", "满意度-人员"), ("window", "满意度-窗口"), ("department", "满意度-部门")):
        ws = wb.create_sheet(title)
        ws.append(["", "评价数", "满意率(%)", "差评数"])
        for r in sat[dim]:
            ws.append([r["key"], r["count"], r["satisfied"], r["bad"]])
    return xlsx_bytes(wb)
