"""Duty pages: the live hall board, vacancies with evidence and appeals, sanctions with the 通报 draft,
attendance anomalies, leave and away with the NV-10 prediction, alerts (NV-1..10, ATT-1..2, ORG-6)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehall.audit.services import Actor, record_export
from servicehall.core import clock, once
from servicehall.core.dbrouter import replica_reads
from servicehall.core.models import Notification
from servicehall.core.xlsx import xlsx_response
from servicehall.errors import Problem, RuleViolation, labels_of, shown
from servicehall.org import assignments
from servicehall.org.access import current_center, department_limit, may, reach
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Department, ExtendedSession, Post, Staff, Window
from servicehall.org.people import named_in_form, pickable
from servicehall.pages import date_param, date_range, year_param

from . import engine, exports, presence, services
from .devicepages import clock_rows
from .models import Anomaly, AnomalyKind, Answerable, AwayKind, Event, EventType, SanctionLevel, Vacancy
from .queries import arrival_rows, sanctions

STATE_LABELS = dict(presence.State.choices)


# -- the hall board (public: PUB-2, ORG-6) ------------------------------------------
def whereabouts(center, now: dt.datetime) -> list[dict]:
    """去向公示 (ORG-6): where each window person is now, read from presence."""
    out = []
    for w in presence.staff_whereabouts(center, now):
        if w.place in AwayKind.values:
            where = str(AwayKind(w.place).label)
        elif w.place == "away":
            where = str(EventType.AWAY.label)
        else:
            where = {"leave": _("On leave"), "paused": _("Paused, back soon"), "window": _("At the window"),
                     "absent": _("Not at the center")}[w.place]
        out.append({"staff": w.staff, "where": where, "here": w.here, "since": w.since})
    return out


def _board_context(request):
    center = current_center(request)
    now = timezone.now()
    tiles = presence.board_posts(presence.hall_state(center, now))
    counts = Counter(t.state for t in tiles)
    cal = get_calendar(center)
    today = clock.local_date(center, now)
    return {"center": center, "tiles": tiles, "counts": counts, "now": now.astimezone(ZoneInfo(center.timezone)),
            "labels": STATE_LABELS, "workday": cal.covers(today.year) and cal.is_workday(today),
            "whereabouts": whereabouts(center, now)}


@replica_reads
def board(request):
    """The live hall board: a tile per window, refreshing itself (htmx) without a full reload."""
    return render(request, "duty/board.html", _board_context(request))


@replica_reads
def board_tiles(request):
    return render(request, "duty/_board_tiles.html", _board_context(request))


# -- vacancies ----------------------------------------------------------------------
@login_required
@replica_reads
def vacancies(request):
    """Vacancies by day, department, person (NV-6), with which working days are judged or unrecorded."""
    center = current_center(request)
    limit = department_limit(request, "duty.read", center)
    if request.method == "POST":
        return _vacancies_post(request, center)
    first, last = date_range(request, center)
    qs = (Vacancy.objects.filter(center=center, date__gte=first, date__lte=last)
          .select_related("post", "post__window", "staff", "department").order_by("-date", "post__code", "start"))
    if limit is not None:
        qs = qs.filter(department_id=limit)
    dept = request.GET.get("dept", "")
    person = request.GET.get("person", "").strip()
    if dept:
        qs = qs.filter(department__code=dept)
    rows = list(qs)
    history = assignments.timeline(center, {v.post_id for v in rows})
    for v in rows:
        v.held = assignments.pick(history.get(v.post_id, []), v.date)  # type: ignore[attr-defined]  # that day's A and B (ORG-3, NV-6)
    if person:  # who answers, or the post's A on that day (not today's A)

        def named(s: Staff | None) -> bool:
            return s is not None and (s.code == person or person in s.name)

        rows = [v for v in rows if named(v.staff) or (v.held is not None and named(v.held.a))]  # type: ignore[attr-defined]
    by_day = defaultdict(list)
    for v in rows:
        by_day[v.date].append(v)
    if request.GET.get("format") == "xlsx":  # the same rows as the page (issue 13 item 8); SEC-7 audited
        record_export(request.user, "vacancies.xlsx", {"center": center.code, "from": first.isoformat(),
                                                        "to": last.isoformat(), "dept": dept, "person": person,
                                                        "rows": len(rows)})
        return xlsx_response(exports.vacancies(center, rows), f"vacancies-{first}-{last}.xlsx")
    judged = set(Event.objects.filter(center=center, type__in=[EventType.CLOCK_IN, EventType.CLOCK_OUT],
                                      at__date__gte=first - dt.timedelta(days=1),
                                      at__date__lte=last + dt.timedelta(days=1))
                 .values_list("at", flat=True))
    tz = ZoneInfo(center.timezone)
    judged_days = {a.astimezone(tz).date() for a in judged if a is not None}
    cal = get_calendar(center)
    days = []
    d = first
    while d <= last and (last - first).days <= 62:
        if cal.covers(d.year) and cal.is_workday(d):
            days.append({"date": d, "judged": d in judged_days, "count": len(by_day.get(d, []))})
        d += dt.timedelta(days=1)
    office = may(request, "duty.adjudicate", center)
    return render(request, "duty/vacancies.html", {
        "center": center, "by_day": sorted(by_day.items(), reverse=True), "first": first, "last": last,
        "dept": dept, "person": person, "departments": Department.objects.filter(center=center), "days": days,
        "total_minutes": sum(v.minutes for v in rows), "count": len(rows), "kinds": Answerable,
        "by_kind": Counter(v.answerable_kind for v in rows), "office": office,
        "waive_day": may(request, "duty.waive_day", center), "tz": ZoneInfo(center.timezone),
        "appeals": pending_appeals(center) if office else [],
    })


def pending_appeals(center) -> list[Event]:
    """Appeals against vacancies the office has not decided yet (NV-6), the oldest first."""
    found = (Event.objects.filter(center=center, type=EventType.APPEAL).select_related("staff", "post", "post__window")
             .prefetch_related("followups").order_by("recorded_at", "id"))
    return [a for a in found if services.appeal_state(a) is None]


def _vacancies_post(request, center):
    """The office's decisions on the vacancies page: an appeal upheld or rejected, or a whole day waived (NV-6)."""
    action = request.POST.get("action")
    back = "duty:vacancies"
    try:
        if action == "decide":
            appeal = get_object_or_404(Event, center=center, type=EventType.APPEAL,
                                       pk=_int(request.POST.get("appeal")) or 0)
            services.decide_appeal(Actor.of(request.user), appeal, request.POST.get("upheld") == "yes",
                                   request.POST.get("reason", ""))
            messages.success(request, _("Decision recorded; the day was re-derived."))
        elif action == "waive_day":
            try:
                day = dt.date.fromisoformat(request.POST.get("date", ""))
            except ValueError:
                raise RuleViolation(Problem("date", "not a date")) from None
            waived = services.waive_day(Actor.of(request.user), center, day, request.POST.get("reason", ""),
                                        department=request.POST.get("dept", ""))
            messages.success(request, _("%(n)s vacancies of %(day)s waived; the day was re-derived.")
                             % {"n": sum(e.post_id is not None for e in waived), "day": day.isoformat()})
            return redirect(f"/manage/vacancies/?from={day}&to={day}")
        else:
            raise RuleViolation(Problem("action", "unknown action"))
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, shown(p, labels=labels_of(Event, Vacancy)))
    return redirect(back)


@login_required
def appeal(request, pk: int):
    """申诉 (NV-6): who answers for a vacancy appeals it from their own record; the office decides."""
    center = current_center(request)
    v = get_object_or_404(Vacancy.objects.select_related("post", "staff"), pk=pk, center=center)
    if request.method != "POST":
        return redirect("feedback:record", code=v.staff.code) if v.staff is not None else redirect("web:dashboard")
    try:
        services.appeal_vacancy(Actor.of(request.user), v, request.POST.get("reason", ""))
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, shown(p, labels=labels_of(Event, Vacancy)))
    else:
        messages.success(request, _("Appeal filed; the center office will decide."))
    if v.staff is None:  # a department's vacancy: refused above, back to the workbench with the reason
        return redirect("web:dashboard")
    return redirect(f"/manage/staff/{v.staff.code}/record/?year={v.date.year}")


@login_required
@replica_reads
def vacancy_detail(request, pk: int):
    """One incident with its evidence — the events behind it — and the appeal (NV-6)."""
    center = current_center(request)
    limit = department_limit(request, "duty.read", center)
    v = get_object_or_404(Vacancy.objects.select_related("post", "post__a", "post__b", "post__window", "department"),
                          pk=pk, center=center, **({"department_id": limit} if limit is not None else {}))
    if request.method == "POST":
        try:
            services.waive_vacancy(Actor.of(request.user), v, request.POST.get("reason", ""))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Event, Vacancy)))
        else:
            messages.success(request, _("Adjudication recorded; the day was re-derived."))
            return redirect(f"/manage/vacancies/?from={v.date}&to={v.date}")
    sod, eod, tz = engine.local_day_bounds(center, v.date)
    held = assignments.for_post(v.post, v.date)  # the A and B in force on the judged day (ORG-3), not today's
    people = [held.a_id, held.b_id] if held is not None else [v.post.a_id, v.post.b_id]
    evidence: Iterable[Event] = (Event.objects.filter(center=center)
                .filter(Q(staff_id__in=people) | Q(post=v.post) | Q(other_id__in=people))
                .filter(Q(at__gte=sod, at__lt=eod) | Q(start__lt=eod, end__gt=sod) | Q(start__lt=eod, start__gte=sod)
                        | Q(date=v.date))
                .select_related("staff", "other", "actor", "device").order_by("at", "start", "id"))
    stand_in_staff = [e.staff_id for e in evidence if e.type == EventType.STAND_IN and e.staff_id is not None]
    if stand_in_staff:
        evidence = list(evidence) + list(Event.objects.filter(center=center, staff_id__in=stand_in_staff,
                                                              at__gte=sod, at__lt=eod).select_related("staff"))
    # The appeals against this vacancy's span (NV-6): who, when, the reason and the office's decision.
    appeals = list(Event.objects.filter(center=center, type=EventType.APPEAL, post=v.post, date=v.date,
                                        start__lt=v.end, end__gt=v.start)
                   .select_related("staff", "actor").prefetch_related("followups__actor")
                   .order_by("recorded_at", "id"))
    for a in appeals:
        a.state = services.appeal_state(a)  # type: ignore[attr-defined]
        a.decision = next((f for f in a.followups.all()  # type: ignore[attr-defined]
                           if f.type in (EventType.WAIVER, EventType.APPROVAL)), None)
    return render(request, "duty/vacancy_detail.html", {
        "center": center, "v": v, "held": held, "evidence": evidence, "tz": tz, "kinds": Answerable,
        "appeals": appeals,
        "office": may(request, "duty.adjudicate", center),
        "followups": {e.target_id for e in Event.objects.filter(center=center, type=EventType.VOID)},
    })


# -- sanctions (NV-8) ---------------------------------------------------------------
@login_required
@replica_reads
def sanctions_page(request):
    center = current_center(request)
    limit = department_limit(request, "duty.read", center)
    year = year_param(request, clock.local_date(center, timezone.now()).year)
    rows = sanctions(center, year)
    staff = {s.code: s for s in Staff.objects.filter(center=center).select_related("department")}
    if limit is not None:
        rows = [s for s in rows if s.staff in staff and staff[s.staff].department_id == limit]
    if request.GET.get("format") == "xlsx":  # the same rows as the page (issue 13 item 8); SEC-7 audited
        record_export(request.user, "sanctions.xlsx", {"center": center.code, "year": year, "rows": len(rows)})
        return xlsx_response(exports.sanctions(rows, staff), f"sanctions-{year}.xlsx")
    return render(request, "duty/sanctions.html", {
        "center": center, "year": year, "levels": SanctionLevel,
        "rows": [{"s": s, "staff": staff.get(s.staff), "level": SanctionLevel(s.level).label} for s in rows],
    })


@login_required
@replica_reads
def sanction_notice(request):
    """A printable 通报 draft for one counted vacancy (NV-8)."""
    center = current_center(request)
    limit = department_limit(request, "duty.read", center)
    code = request.GET.get("staff", "")
    day = date_param(request, "date", dt.date.min)
    match = [s for s in sanctions(center, day.year) if s.staff == code and s.date == day] if day.year > 1 else []
    if not match:
        raise PermissionDenied(_("No such counted vacancy."))
    s = match[0]
    person = get_object_or_404(Staff.objects.select_related("department"), center=center, code=code,
                               **({"department_id": limit} if limit is not None else {}))
    runs = Vacancy.objects.filter(center=center, date=day, staff=person, answerable_kind="a").order_by("start")
    tz = ZoneInfo(center.timezone)
    return render(request, "duty/notice.html", {
        "center": center, "s": s, "person": person, "runs": runs, "tz": tz, "level": SanctionLevel(s.level).label,
        "today": clock.local_date(center, timezone.now()),
    })


# -- attendance anomalies (ATT-1) ------------------------------------------------------
@login_required
@replica_reads
def anomalies(request):
    center = current_center(request)
    limit = department_limit(request, "duty.read", center)
    first, last = date_range(request, center)
    rows = (Anomaly.objects.filter(center=center, date__gte=first, date__lte=last)
            .select_related("staff", "staff__department", "post").order_by("-date", "staff__code", "start"))
    if limit is not None:
        rows = rows.filter(staff__department_id=limit)
    if request.GET.get("format") == "xlsx":  # the same rows as the page (issue 13 item 8); SEC-7 audited
        found = list(rows.select_related("post"))
        record_export(request.user, "anomalies.xlsx", {"center": center.code, "from": first.isoformat(),
                                                        "to": last.isoformat(), "rows": len(found)})
        return xlsx_response(exports.anomalies(center, found), f"anomalies-{first}-{last}.xlsx")
    return render(request, "duty/anomalies.html", {
        "center": center, "rows": rows, "first": first, "last": last, "labels": AnomalyKind,
        "counts": Counter(a.kind for a in rows),
        # ATT-1: arrivals of the range's last day, session by session, against arrive_early_minutes
        "arrivals": arrival_rows(center, last, limit), "arrive_early": center.policy.arrive_early_minutes,
        # issue 13: every clock event of the range with where it came from (terminal, workstation, import, by hand)
        "clocks": clock_rows(center, first, last, limit),
    })


# -- extended sessions (ATT-4, 延时服务) -------------------------------------------------
@login_required
def extended_sessions(request):
    """The office sets extended sessions (lunch, weekend) for named windows; the days are re-derived (ATT-4)."""
    center = current_center(request)
    if not may(request, "duty.extended", center):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                ext = get_object_or_404(ExtendedSession, center=center, pk=_int(request.POST.get("session")) or 0)
                services.remove_extended_session(Actor.of(request.user), ext)
                messages.success(request, _("Extended session removed."))
                return redirect("duty:extended")
            try:
                day = dt.date.fromisoformat(request.POST.get("date", ""))
            except ValueError:
                raise RuleViolation(_("date: not a date")) from None
            times = []
            for key, label in (("start", _("start")), ("end", _("end"))):
                try:
                    times.append(dt.time.fromisoformat(request.POST.get(key, "")))
                except ValueError:
                    errors.append(_("%(field)s: not a time of day (HH:MM)") % {"field": label})
            if not errors:
                windows = request.POST.getlist("windows")
                once.guard(request, lambda: services.save_extended_session(
                    Actor.of(request.user), center, day, times[0], times[1], windows))()
                messages.success(request, _("Extended session saved."))
                return redirect("duty:extended")
        except RuleViolation as exc:
            errors.extend(shown(p, labels=labels_of(ExtendedSession)) for p in exc.problems)
    rows = (ExtendedSession.objects.filter(center=center).prefetch_related("windows")
            .order_by("-date", "start")[:200])  # the latest first
    return render(request, "duty/extended.html", {
        "center": center, "rows": rows, "errors": errors, "post": request.POST,
        "windows": Window.objects.filter(center=center),  # the hall's order (sort, code)
    }, status=400 if errors else 200)


# -- leave and away (ATT-2, NV-4, NV-10) -----------------------------------------------
def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _parse_local(center, value: str, field: str, errors: list[str]) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(center.timezone))
    except (TypeError, ValueError):
        errors.append(_("%(field)s: not a date and time") % {"field": field})
        return None


@login_required
def absences(request):
    """Requests for leave and away, their approval route (ATT-2), and the NV-10 prediction before approval."""
    center = current_center(request)
    me = getattr(request.user, "staff", None)
    office = may(request, "absence.file", center)
    reads_all = reach(request, "duty.read", center)  # None: all, a department id, or False: one's own
    errors: list[str] = []
    action = request.POST.get("action") if request.method == "POST" else None
    # a refusal names the field by the label its form shows (issue 17 item 1): the stand-in form's person is 顶岗
    labels = labels_of(Event, reason=_("Reason"), start=_("Start"), end=_("End"),
                       staff=_("Stand-in") if action == "stand_in" else _("Person"))
    if request.method == "POST":
        try:
            if action == "request":
                # a number not on the staff is named, never taken as oneself (issue 17 item 1)
                target = named_in_form(center, "staff", request.POST.get("staff", "")) or me
                if target is None:
                    raise RuleViolation(Problem("staff", "this event needs a staff member"))
                start = _parse_local(center, request.POST.get("start", ""), _("start"), errors)
                end = _parse_local(center, request.POST.get("end", ""), _("end"), errors)
                if not errors and start is not None and end is not None:
                    try:
                        with transaction.atomic():
                            sent = once.claim(request)
                            sent.made(services.request_absence(
                                Actor.of(request.user), center, target, request.POST.get("type", ""), start, end,
                                kind=request.POST.get("kind", ""), reason=request.POST.get("reason", "")))
                    except once.AlreadySent:
                        pass  # the same form again (SEC-2): the first one filed it
                    messages.success(request, _("Request filed."))
                    return redirect("duty:absences")
            elif action == "handover":
                post = get_object_or_404(Post, center=center, code=request.POST.get("post", ""))
                try:
                    day = dt.date.fromisoformat(request.POST.get("date", ""))
                except ValueError:
                    raise RuleViolation(_("date: not a date")) from None
                held = assignments.for_post(post, day)  # the B of that day (ORG-3), not today's
                to = (Staff.objects.filter(center=center, code=request.POST.get("to", "")).first()
                      or (held.b if held is not None else post.b))
                try:
                    with transaction.atomic():
                        sent = once.claim(request)
                        sent.made(services.file_handover(Actor.of(request.user), center, post, to, day,
                                                         emergency=bool(request.POST.get("emergency")),
                                                         reason=request.POST.get("reason", "")))
                except once.AlreadySent:
                    pass  # the same form again (SEC-2): the first one filed it
                messages.success(request, _("Handover filed."))
                return redirect("duty:absences")
            elif action == "stand_in":
                post = get_object_or_404(Post, center=center, code=request.POST.get("post", ""))
                person = named_in_form(center, "staff", request.POST.get("staff", ""))
                start = _parse_local(center, request.POST.get("start", ""), _("Start"), errors)
                end = _parse_local(center, request.POST.get("end", ""), _("End"), errors)
                if person is None:
                    errors.append(shown(Problem("staff", "this event needs a staff member"), labels=labels))
                if not errors and person is not None and start is not None and end is not None:
                    try:
                        with transaction.atomic():
                            sent = once.claim(request)
                            sent.made(services.assign_stand_in(Actor.of(request.user), center, post, person, start,
                                                               end, reason=request.POST.get("reason", "")))
                    except once.AlreadySent:
                        pass  # the same form again (SEC-2): the first one assigned it
                    messages.success(request, _("Stand-in assigned."))
                    return redirect("duty:absences")
            elif action == "return":
                ev = get_object_or_404(Event, pk=_int(request.POST.get("event")), center=center)
                services.return_from_leave(Actor.of(request.user), ev, timezone.now())
                messages.success(request, _("Welcome back: the leave ended now."))
                return redirect("duty:absences")
            elif action in ("approve", "reject"):
                ev = get_object_or_404(Event, pk=_int(request.POST.get("event")), center=center)
                level = request.POST.get("level", "")
                services.approve_absence(Actor.of(request.user), ev, level, approved=action == "approve",
                                         override_reason=request.POST.get("override_reason", ""))
                messages.success(request, _("Decision recorded."))
                return redirect("duty:absences")
        except RuleViolation as exc:
            errors.extend(shown(p, labels=labels) for p in exc.problems)
    events: Iterable[Event] = (Event.objects.filter(center=center, type__in=[EventType.LEAVE, EventType.AWAY])
              .exclude(followups__type=EventType.VOID).select_related("staff", "staff__department")
              .prefetch_related("followups").order_by("-start")[:60])
    if reads_all is False:  # SEC-5: one's own requests only
        events = [e for e in events if me is not None and e.staff_id == me.pk]
    elif reads_all is not None:  # a department's managers: their department's
        events = [e for e in events if (e.staff is not None and e.staff.department_id == reads_all)
                  or (me and e.staff_id == me.pk)]
    leader_here = may(request, "absence.approve", center, department=me.department) if me is not None else office
    rows = []
    for e in sorted(events, key=lambda e: engine.leave_approved(
            e, [f for f in e.followups.all() if f.type == EventType.APPROVAL]) is not None):
        approvals = [f for f in e.followups.all() if f.type == EventType.APPROVAL]
        state = engine.leave_approved(e, approvals)
        gaps = (services.predict(center, e.staff, e.start, e.end, ignore=e)
                if state is None and e.staff is not None and e.start is not None and e.end is not None else [])
        retro = engine.retroactive(e)
        rows.append({"e": e, "state": state, "gaps": gaps, "retroactive": retro,
                     "decided": [(APPROVAL_LABELS.get(a.kind, a.kind), a.approved) for a in approvals],
                     "department_decided": any(a.kind == "department" for a in approvals),
                     "effect": services.retroactive_effect(e) if retro and state is None and leader_here else []})
    tz = ZoneInfo(center.timezone)
    return render(request, "duty/absences.html", {
        "center": center, "rows": rows, "errors": errors, "tz": tz, "kinds": AwayKind.choices,
        "office": office, "leader": leader_here,
        # issue 17 item 1: people by name, grouped by department; the stand-in list narrows to those qualified
        # for the chosen post (NV-7, ORG-4), the service refuses anyone else
        "people": pickable(request.user, center, action="absence.file").chosen(
            (request.POST.get("staff") if errors and request.POST.get("action") == "request" else None)
            or (me.code if me is not None else None)) if office else None,
        "standin_people": pickable(request.user, center, action="duty.adjudicate").chosen(
            request.POST.get("staff") if errors and action == "stand_in" else None) if office else None,
        # a refused stand-in keeps what was typed: the post, the person, the times, the reason
        "standin": request.POST if errors and action == "stand_in" else {},
        "me": me, "post": request.POST if errors else {}, "now": timezone.now(),
        # a refused request keeps what was typed: the person, the times, the reason (never back to oneself)
        "typed": request.POST if errors and request.POST.get("action") == "request" else {},
        "posts": Post.objects.filter(center=center).select_related("a", "b", "window", "department")
        .order_by("window__sort", "window__code", "code")
        if office else Post.objects.filter(center=center, a=me).select_related("b", "window")
        if me else [],
    })


# The approval route's steps as a person reads them (ATT-2), not their codes.
APPROVAL_LABELS = {"department": gettext_lazy("Department leader"), "office": gettext_lazy("Center office")}


@login_required
def notifications(request):
    from servicehall.core.models import MutedKind
    from servicehall.core.notify import kind_name, mutable_kinds
    from servicehall.core.notify import unread as notify_unread
    from servicehall.org import services as org
    from servicehall.org.digest import digest_lists

    center = current_center(request)
    me = getattr(request.user, "staff", None)
    mine = Notification.objects.filter(center=center, recipient=me) if me else Notification.objects.none()
    if request.method == "POST" and request.POST.get("action") == "mute" and me is not None:
        # Issue 17 item 3: the kinds one only needs in the daily digest — one's own setting.
        try:
            org.set_muted_kinds(Actor.of(request.user), me, request.POST.getlist("mute"))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(MutedKind, kinds=gettext_lazy("Alert kinds"))))
        else:
            messages.success(request, _("Alert settings saved."))
        return redirect("duty:notifications")
    if request.method == "POST":
        # Reading an alert is the reader's own matter: no audit record, only the flag.
        mine.filter(read=False).update(read=True)
        return redirect("duty:notifications")
    muted = set(MutedKind.objects.filter(staff=me).values_list("kind", flat=True)) if me else set()
    # Alerts of one kind in one minute are one entry (issue 17 item 3), read from the rows: deterministic.
    grouped: dict[tuple[str, dt.datetime], list[Notification]] = {}
    for n in mine.order_by("-created_at", "pk")[:100]:
        grouped.setdefault((n.kind, clock.local(center, n.created_at).replace(second=0, microsecond=0)), []).append(n)
    groups = list(grouped.values())
    for group in groups:  # a daily digest reads as lists: per kind its count and its alerts, linked (issue 17 item 3)
        for n in group:
            setattr(n, "digest", digest_lists(n) if n.kind == "digest" else [])  # noqa: B010 (read by the template)
    return render(request, "duty/notifications.html", {
        "center": center, "groups": groups, "unread": notify_unread(me), "me": me,
        "kinds": [{"code": k, "name": kind_name(k), "muted": k in muted} for k in mutable_kinds()]})
