"""Queue pages: the kiosk (取号), the clerk's caller, the hall display and the rating pad (Q-1..5, EVAL-1).

The kiosk and the rating pad are registered devices: the center office
opens ``/devices/activate/?token=…`` once on the device, and every ticket or
rating it takes is attributed to that device (SEC-2).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor, record_export
from servicehall.catalog.models import ServiceItem
from servicehall.core import clock, once, printouts
from servicehall.core.dbrouter import replica_reads
from servicehall.core.models import Device
from servicehall.core.xlsx import xlsx_response
from servicehall.duty.models import Event, EventType
from servicehall.duty.services import device_actor, device_seen, record_event
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center, department_limit, is_office, may
from servicehall.org.models import Post, Window
from servicehall.org.permissions import Forbidden
from servicehall.pages import date_range, pk_of

from . import hot
from . import services as q
from .models import Appointment, BadRatingCase, Rating, Ticket, TicketStatus
from .remoteviews import offered


def _device(request, kind: str) -> Device | None:
    """The kiosk or pad this browser was registered as; its page showing counts as the device being seen (the
    devices page's last-seen time, written at most once a minute)."""
    pk = request.session.get(f"device_{kind}")
    device = Device.objects.filter(pk=pk, active=True, kind=kind).select_related("center").first() if pk else None
    if device is not None:
        device_seen(device)
    return device


def activate(request):
    """Register this browser as a device (kiosk, pad) with the token the office was shown once."""
    device = Device.objects.filter(token_hash=Device.hash_token(request.GET.get("token", "")), active=True).first()
    if device is None:
        return HttpResponse(_("Unknown or withdrawn device token."), status=403)
    request.session[f"device_{device.kind}"] = device.pk
    return redirect("tickets:pad" if device.kind == "pad" else "tickets:kiosk")


def kiosk(request):
    """取号 at the kiosk: pick an item (grouped by department, searchable), optionally the ID number."""
    center = current_center(request)
    device = _device(request, "kiosk")
    ticket = None
    errors: list[str] = []
    if request.method == "POST":
        if device is None:
            raise PermissionDenied(_("This kiosk is not registered."))
        try:
            with transaction.atomic():
                sent = once.claim(request)
                if request.POST.get("code"):
                    from .appointments import check_in

                    ticket = check_in(device_actor(device), device.center, request.POST["code"])
                else:
                    ticket = q.issue_ticket(hot.device_actor(device), device.center, request.POST.get("item", ""),
                                            id_number=request.POST.get("id_number", ""))
                sent.made(ticket)
        except once.AlreadySent as first:  # pressed twice (SEC-2): the ticket the first press printed
            ticket = first.record if isinstance(first.record, Ticket) else None
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Ticket)) for p in exc.problems]
    query = request.GET.get("q", "").strip()
    groups = offered(center, query)  # only items within their ticket hours and under their cap
    return render(request, "tickets/kiosk.html", {
        "center": center, "groups": groups, "ticket": ticket, "errors": errors, "device": device, "q": query,
        "ahead": _ahead(ticket)})


def _ahead(ticket: Ticket | None) -> int | None:
    if ticket is None:
        return None
    ahead = getattr(ticket, "ahead", None)  # issue_ticket counted it with its own reads (issue 14)
    return q.waiting_ahead(ticket) if ahead is None else ahead


def _my_window(request, center) -> Window | None:
    code = request.GET.get("window") or request.POST.get("window")
    if code:
        return Window.objects.filter(center=center, code=code).first()
    staff = getattr(request.user, "staff", None)
    post = Post.objects.filter(center=center, a=staff).select_related("window").first() if staff else None
    return post.window if post else None


def _standing_in(request, window: Window) -> bool:
    """NV-7: a stand-in the office assigned uses the caller of the post's window while the assignment lasts."""
    from servicehall.duty import presence

    staff = getattr(request.user, "staff", None)
    return staff is not None and presence.standing_at(staff, window).role == presence.State.STAND_IN


@login_required
def caller(request):
    """The clerk's caller: call, recall, start, finish, no-show, transfer, pause (NV-5)."""
    center = current_center(request)
    window = _my_window(request, center)
    if window is not None and not may(request, "ticket.serve", center, window=window) and not _standing_in(
            request, window):
        raise Forbidden("ticket.serve")  # SEC-5: one's own window's caller only (or the one the office assigned)
    actor = Actor.of(request.user)
    if request.method == "POST" and window is not None:
        action = request.POST.get("action")
        ticket = Ticket.objects.filter(pk=pk_of(request.POST.get("ticket")) or 0, center=center).first()
        try:
            if action == "call":
                q.call_next(actor, window)
            elif action in ("recall", "start", "finish", "no_show") and ticket:
                getattr(q, action)(actor, ticket)
            elif action == "transfer" and ticket:
                q.transfer(actor, ticket, get_object_or_404(Window, center=center, code=request.POST.get("to")))
            elif action in ("pause", "resume"):
                _pause(actor, center, window, request, action)
            else:
                raise RuleViolation(_("unknown action"))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Ticket)))
        return redirect(f"{request.path}?window={window.code}")
    today = clock.today(center)
    current = (Ticket.objects.filter(center=center, window=window, status__in=[TicketStatus.CALLED,
                                                                               TicketStatus.SERVING])
               .select_related("item").order_by("-called_at").first()) if window else None
    items = Post.objects.filter(window=window).values_list("items", flat=True) if window else []
    waiting = Ticket.objects.filter(center=center, day=today, item__in=items, status=TicketStatus.WAITING)
    staff = getattr(request.user, "staff", None)
    return render(request, "tickets/caller.html", {
        "center": center, "window": window, "current": current, "waiting": waiting.count(),
        "priority_waiting": waiting.exclude(priority="").count(),
        "windows": Window.objects.filter(center=center), "paused": _open_pause(center, staff, window),
    })


def _open_pause(center, staff, window):
    if staff is None or window is None:
        return None
    return (Event.objects.filter(center=center, type=EventType.PAUSE, staff=staff, window=window, end__isnull=True)
            .exclude(followups__type__in=[EventType.PAUSE_END, EventType.VOID]).order_by("-start").first())


def _pause(actor, center, window, request, action):
    """暂停办理 from the workstation: the same NV-5 pause event the coverage engine judges."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise RuleViolation(_("only staff pause a window"))
    open_pause = _open_pause(center, staff, window)
    now = timezone.now()
    if action == "pause":
        if open_pause is not None:
            raise RuleViolation(_("this window is already paused"))
        record_event(actor, center, {"type": EventType.PAUSE, "staff": staff, "window": window, "start": now},
                     source="workstation")
    else:
        if open_pause is None:
            raise RuleViolation(_("this window is not paused"))
        record_event(actor, center, {"type": EventType.PAUSE_END, "staff": staff, "window": window, "at": now,
                                     "target": open_pause}, source="workstation")


@replica_reads
def display(request):
    """The hall calling display (Q-1): full screen, the number just called in large type, the last calls, the paused
    windows (NV-5) and the waiting count, refreshed by htmx; an optional spoken call through the browser's own
    speech synthesis. ``?window=W01`` is the window screen above one window: its number and its last calls."""
    center = current_center(request)
    today = clock.today(center)
    window = None
    if request.GET.get("window"):
        window = Window.objects.filter(center=center, code=request.GET["window"]).first()
        if window is None:
            raise Http404(_("No such window."))
    calls = (Ticket.objects.filter(center=center, day=today, called_at__isnull=False).select_related("window")
             .order_by("-called_at"))
    if window is not None:
        calls = calls.filter(window=window)
    recent = list(calls[:9])
    current = recent[0] if recent and recent[0].status in (TicketStatus.CALLED, TicketStatus.SERVING) else None
    paused_events = (Event.objects.filter(center=center, type=EventType.PAUSE, end__isnull=True, start__date__gte=today)
                     .exclude(followups__type__in=[EventType.PAUSE_END, EventType.VOID]).select_related("window"))
    paused = [e.window for e in paused_events if e.window]
    context = {"center": center, "window": window, "current": current,
               "recent": [t for t in recent if t is not current][:8], "paused": paused,
               "window_paused": window is not None and any(w.pk == window.pk for w in paused),
               "called": [t for t in recent if t.status in (TicketStatus.CALLED, TicketStatus.SERVING)],
               "now": clock.local(center, timezone.now()),
               "waiting": Ticket.objects.filter(center=center, day=today, status=TicketStatus.WAITING).count()}
    template = "tickets/_display.html" if request.htmx else "tickets/display.html"
    return render(request, template, context)


def pad(request):
    """The rating pad at a window (Q-4, EVAL-1): the clerk's photo and name, five levels, one rating a service.

    The pad is bound to the window the office registered it for (SEC-5): no window to choose, no staff links; a
    level is chosen, a comment may be typed (kept while levels are tapped), then the rating is sent."""
    device = _device(request, "pad")
    center = device.center if device else current_center(request)
    window = device.window if device is not None else None
    done = None
    if window is not None:
        done = (Ticket.objects.filter(center=center, window=window, status=TicketStatus.DONE, rating__isnull=True)
                .select_related("staff").order_by("-finished_at").first())
    errors: list[str] = []
    thanks = False
    if request.method == "POST":
        if device is None:
            raise PermissionDenied(_("This rating pad is not registered."))
        if window is None:
            raise PermissionDenied(_("This rating pad is not bound to a window."))
        ticket = get_object_or_404(Ticket, pk=pk_of(request.POST.get("ticket")) or 0, center=center, window=window)
        try:
            q.rate(device_actor(device), ticket, int(request.POST.get("level", "0") or 0),
                   request.POST.get("comment", ""), reasons=request.POST.getlist("reasons"),
                   indicators={k: request.POST.get(k, "") for k in q.INDICATOR_FIELDS})
            thanks = True
            done = None
        except (RuleViolation, ValueError) as exc:
            errors = [shown(p, labels=labels_of(Rating)) for p in getattr(exc, "problems", [exc])]
    from .ratingviews import rating_fields

    return render(request, "tickets/pad.html", {"center": center, "window": window, "ticket": done, "device": device,
                                                "levels": Rating.LEVELS, "errors": errors, "thanks": thanks,
                                                **(rating_fields(center, request.POST if errors else None)
                                                   if done is not None else {}),
                                                "comment": request.POST.get("comment", "") if errors else "",
                                                "chosen": request.POST.get("level", "") if errors else ""})


@login_required
@replica_reads
def stats_page(request):
    """Waiting and service times with the 90th percentile per item, window and hour (Q-6), and satisfaction."""
    from . import stats

    center = current_center(request)
    department_limit(request, "queue.read", center)
    first, last = date_range(request, center)
    t = stats.times(center, first, last)
    peak = max([r["wait_p90"] for r in t["hour"]] or [1]) or 1
    for r in t["hour"]:
        r["bar"] = round(200 * r["wait_p90"] / peak)
    return render(request, "tickets/stats.html", {"center": center, "first": first, "last": last, "t": t,
                                                  "sat": stats.satisfaction_table(center, first, last),
                                                  "late": stats.late_service(center, first, last)})


@login_required
@replica_reads
def stats_xlsx(request):
    from . import stats

    center = current_center(request)
    department_limit(request, "queue.read", center)
    first, last = date_range(request, center)
    record_export(request.user, "queue.stats.xlsx",  # SEC-7: satisfaction per named clerk
                  {"center": center.code, "from": first.isoformat(), "to": last.isoformat()})
    return xlsx_response(stats.xlsx(center, first, last), f"queue-{first}-{last}.xlsx")


@login_required
def bad_ratings(request):
    """The departments' bad-rating loop (EVAL-2): verify, rectify, answer, follow-up visit; overdue flagged."""

    center = current_center(request)
    if request.method == "POST":
        case = get_object_or_404(BadRatingCase.objects.filter(  # of a service or of a case (EVAL-4)
            Q(rating__ticket__center=center) | Q(rating__rated_case__center=center)), pk=pk_of(request.POST.get("case")))
        try:
            q.handle_bad_rating(Actor.of(request.user), case, verified=request.POST.get("verified") == "1",
                                rectification=request.POST.get("rectification", ""),
                                answer=request.POST.get("answer", ""), visited=bool(request.POST.get("visited")))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(BadRatingCase)))
        return redirect("tickets:bad_ratings")
    limit = department_limit(request, "rating.handle", center)  # SEC-5: the department's heads, the office
    rows = (BadRatingCase.objects.filter(Q(rating__ticket__center=center) | Q(rating__rated_case__center=center))
            .select_related("rating", "rating__staff", "rating__window", "rating__ticket", "rating__rated_case",
                            "rating__appeal", "department"))
    if limit is not None:
        rows = rows.filter(department_id=limit)
    return render(request, "tickets/bad_ratings.html", {
        "center": center, "rows": rows, "today": clock.today(center),
        "may_appeals": may(request, "rating.appeal.decide", center), "may_reasons": may(request, "rating.reasons", center)})


@replica_reads
def public_satisfaction(request):
    """Published satisfaction per window and department, and the current wait (EVAL-3, PUB-2)."""
    import datetime as dt

    from . import stats

    center = current_center(request)
    today = clock.today(center)
    sat = stats.satisfaction_table(center, today - dt.timedelta(days=30), today)
    return render(request, "tickets/satisfaction.html", {
        "center": center, "sat": sat, "wait": stats.current_wait(center, today, timezone.now())})


def appointments(request):
    """Book an appointment (Q-3): upcoming slots with places left; the office opens slots here too."""
    import datetime as dt

    from . import appointments as ap
    from .models import AppointmentSlot

    center = current_center(request)
    booked = None
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "open":
                with transaction.atomic():
                    sent = once.claim(request)
                    sent.made(ap.open_slot(Actor.of(request.user), center, request.POST.get("item", ""),
                                           dt.date.fromisoformat(request.POST.get("date", "")),
                                           dt.time.fromisoformat(request.POST.get("start", "")),
                                           dt.time.fromisoformat(request.POST.get("end", "")),
                                           int(request.POST.get("capacity") or 4),
                                           extended=bool(request.POST.get("extended"))))
                messages.success(request, _("Slot opened."))
                return redirect("tickets:appointments")
            slot = get_object_or_404(AppointmentSlot, pk=pk_of(request.POST.get("slot")), center=center)
            from servicehall.audit.services import system_actor

            actor = Actor.of(request.user) if request.user.is_authenticated else system_actor("public-booking")
            with transaction.atomic():
                sent = once.claim(request)
                booked = sent.made(ap.book(actor, slot, request.POST.get("name", ""), request.POST.get("phone", ""),
                                           request.POST.get("id_number", "")))
        except once.AlreadySent as first:  # the same form again (SEC-2): answered as the first was
            if request.POST.get("action") == "open":
                return redirect("tickets:appointments")
            booked = first.record
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Appointment)) for p in exc.problems]
        except ValueError:
            errors = [_("date and times: YYYY-MM-DD and HH:MM")]
    today = clock.today(center)
    slots = (AppointmentSlot.objects.filter(center=center, date__gte=today).select_related("item")
             .prefetch_related("appointments")[:100])
    rows = [{"slot": s, "left": s.capacity - sum(1 for a in s.appointments.all() if not a.cancelled)} for s in slots]
    return render(request, "tickets/appointments.html", {
        "center": center, "rows": rows, "booked": booked, "errors": errors, "office": is_office(request.user),
        # a refused booking keeps what was typed, in the row of the slot it was for
        "typed": request.POST if errors else {}, "chosen": pk_of(request.POST.get("slot")) if errors else None,
        "cancel_link": ap.cancel_url(booked, request.build_absolute_uri("/")) if booked and booked.cancel_token else "",
        "items": ServiceItem.objects.filter(center=center, active=True, pk__in=Post.objects.filter(
            center=center).values_list("items", flat=True))})


@login_required
def ticket_back(request, pk: int):
    """The back of the queue ticket (Q-5): what is still missing, from the one-time notices of the cases received
    on it, so the applicant brings everything next time; sized for the ticket printer."""
    from servicehall.cases.models import StepKind

    center = current_center(request)
    ticket = get_object_or_404(Ticket.objects.select_related("item", "window", "staff"), pk=pk, center=center)
    notices = []
    for case in ticket.cases.select_related("item").order_by("received_at"):
        last = case.steps.filter(kind=StepKind.NOTICE).order_by("-at", "-id").first()
        if last is not None:
            notices.append({"case": case, "notice": last, "items": last.data.get("items", {}),
                            "return_by": printouts.date_of(last.data.get("return_by"))})
    # The code opens the progress lookup of the ticket's (first) case — its number only (PUB-2).
    doc = printouts.document(request, center, ticket.display,
                             case_number=notices[0]["case"].number if notices else "")
    return render(request, "tickets/ticket_back.html", {"center": center, "ticket": ticket, "notices": notices,
                                                        **doc})
