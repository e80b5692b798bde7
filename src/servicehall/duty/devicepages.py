"""Devices from the office's pages, and check-in at the window workstation (issue 13; SEC-5, ATT-1, ORG-6).

The system administrator registers a device of a kind (clock terminal, kiosk, hardware caller, rating pad,
window workstation), names it, binds it to the center and, for the window kinds, to a window; its token is
shown once, right after registering or rotating, and never again (only its hash is stored). Rotating
replaces the token, retiring refuses it; the page shows when each device last called and its last error.

The window workstation is a browser on the window's computer. It is set up once: someone holding the
workstation's token (shown once on the devices page) opens ``/workstation/setup/`` on that computer and
enters it; the token is kept in an HttpOnly, SameSite=Strict cookie on that machine only. Signing in and out
(签到/签退) then needs both: the cookie says which window's workstation this is (looked up by hash on every
request, so a rotated or retired token stops working at once) and the clerk's own login says who signs in.
A password alone cannot clock in from home, and a workstation alone cannot clock in anyone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.core import clock, once
from servicehall.core.models import WINDOW_DEVICES, Device, DeviceKind
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center, may
from servicehall.org.models import Window
from servicehall.org.permissions import Forbidden, person_of

from . import services
from .models import Event, EventType

WORKSTATION_COOKIE = "servicehall_workstation"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600  # the workstation stays set up until its token is rotated or retired


# -- the devices page (system administrator, SEC-5) ----------------------------------------------------
@login_required
def devices_page(request):
    """Register, list, rotate and retire devices; a new token is shown on the answer page only."""
    center = current_center(request)
    if not may(request, "device.manage", center):
        raise Forbidden("device.manage")
    actor = Actor.of(request.user)
    errors: list[str] = []
    shown_token: dict | None = None
    form = {"code": "", "name": "", "kind": DeviceKind.CLOCK.value, "window": ""}
    if request.method == "POST":
        action = request.POST.get("action", "register")
        try:
            if action == "register":
                form = {k: request.POST.get(k, "").strip() for k in form}
                window = (Window.objects.filter(center=center, code=form["window"]).first()
                          if form["window"] else None)
                if form["window"] and window is None:
                    raise RuleViolation(_("No such window in this center."), field="window")
                device, token = services.register_device(actor, center, form["code"], form["name"], form["kind"],
                                                         window, new_only=True)
                shown_token = {"device": device, "token": token}
                form = {"code": "", "name": "", "kind": form["kind"], "window": ""}
            else:
                device = get_object_or_404(Device, center=center, pk=_int(request.POST.get("device")))
                if action == "rotate":
                    shown_token = {"device": device, "token": services.rotate_device_token(actor, device)}
                elif action == "retire":
                    services.retire_device(actor, device, request.POST.get("reason", ""))
                    messages.success(request, _("Device %(name)s retired: its token is refused from now on.")
                                     % {"name": device.name})
                    return redirect(request.get_full_path())
                else:
                    raise RuleViolation(_("unknown action"))
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Device)) for p in exc.problems]
    devices = (Device.objects.filter(center=center).select_related("window")
               .order_by("-active", "kind", "code"))
    response = render(request, "duty/devices.html", {
        "center": center, "devices": devices, "errors": errors, "shown": shown_token, "form": form,
        "kinds": DeviceKind.choices, "window_kinds": sorted(str(k) for k in WINDOW_DEVICES),
        "windows": Window.objects.filter(center=center),  # the hall's order (sort, code)
    }, status=422 if errors else 200)
    response["Cache-Control"] = "no-store"  # a token shown once must not come back from a cache
    return response


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


# -- the window workstation (ATT-1 签到/签退) ----------------------------------------------------
def workstation_of(request) -> Device | None:
    """The workstation this browser was set up as, if its token is still valid (SEC-5)."""
    token = request.COOKIES.get(WORKSTATION_COOKIE, "")
    if not token or len(token) > 200:
        return None
    return (Device.objects.filter(token_hash=Device.hash_token(token), active=True, kind=DeviceKind.WORKSTATION)
            .select_related("center", "window").first())


def workstation_setup(request):
    """Set this computer up as a window workstation with the token the devices page showed once."""
    errors: list[str] = []
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        device = (Device.objects.filter(token_hash=Device.hash_token(token), active=True).first()
                  if token and len(token) <= 200 else None)
        if device is None or device.kind != DeviceKind.WORKSTATION:
            errors.append(_("This is not the token of a registered window workstation. Ask the system "
                            "administrator for the token shown on the devices page."))
        else:
            response = redirect("duty:workstation")
            response.set_cookie(WORKSTATION_COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True,
                                samesite="Strict", secure=request.is_secure())
            return response
    return render(request, "duty/workstation_setup.html", {"errors": errors, "device": workstation_of(request)},
                  status=422 if errors else 200)


def workstation(request):
    """签到/签退 at the window: the clerk's own login on a registered workstation (see the module's docstring)."""
    device = workstation_of(request)
    if device is None:
        return render(request, "duty/workstation.html", {"device": None}, status=403)
    services.device_seen(device)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    center = device.center
    me = person_of(request.user)
    if me is None or me.center_id != center.pk:
        raise Forbidden("device.clock", _("Only this center's staff sign in at its workstations."))
    if request.method == "POST":
        kind = request.POST.get("action")
        try:
            if kind not in (EventType.CLOCK_IN, EventType.CLOCK_OUT):
                raise RuleViolation(_("unknown action"))
            actor = Actor(user=request.user, label=f"{request.user.get_username()}@device:{device.code}",
                          staff=me, device=device)
            once.guard(request, lambda: services.record_event(
                actor, center, {"type": kind, "staff": me, "at": timezone.now()}, source="workstation",
                device=device).event)()
            messages.success(request, _("Signed in.") if kind == EventType.CLOCK_IN else _("Signed out."))
        except RuleViolation as exc:
            services.device_seen(device, error="; ".join(str(p) for p in exc.problems))
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Event)))
        return redirect("duty:workstation")
    events = Event.objects.filter(center=center, staff=me, type__in=[EventType.CLOCK_IN, EventType.CLOCK_OUT],
                                  at__gte=_day_start(center, clock.today(center)))
    events = events.exclude(followups__type=EventType.VOID).select_related("device").order_by("-at")
    last = events.first()
    shown_events = list(events[:10])
    for ev in shown_events:  # "导入" / "1号窗口工作站", never the source's code ("import")
        setattr(ev, "source_text", source_label(ev))  # noqa: B010  (read by the template)
    return render(request, "duty/workstation.html", {
        "device": device, "center": center, "me": me, "events": shown_events,
        "signed_in": last is not None and last.type == EventType.CLOCK_IN,
    })


def _day_start(center, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.zone(center))


# -- where a clock event came from (the attendance page) --------------------------------------------
def source_label(ev: Event) -> str:
    """The source of a clock event in words: the terminal or workstation by name, an import, or by hand."""
    if ev.device is not None and ev.source == "workstation":
        return _("Workstation %(name)s") % {"name": ev.device.name}
    if ev.device is not None:
        return _("Terminal %(name)s") % {"name": ev.device.name}
    return {"import": _("Import"), "office": _("Entered by hand"), "staff": _("Entered by hand"),
            "workstation": _("Workstation"), "device": _("Terminal")}.get(ev.source, ev.source)


def clock_rows(center, first: dt.date, last: dt.date, department: int | None = None, limit: int = 500) -> list[dict]:
    """The clock events of a range with their source, newest first (ATT-1; issue 13)."""
    tz_first, tz_last = _day_start(center, first), _day_start(center, last + dt.timedelta(days=1))
    rows = (Event.objects.filter(center=center, type__in=[EventType.CLOCK_IN, EventType.CLOCK_OUT],
                                 at__gte=tz_first, at__lt=tz_last)
            .filter(~Q(followups__type=EventType.VOID))
            .select_related("staff", "device").order_by("-at"))
    if department is not None:
        rows = rows.filter(staff__department_id=department)
    return [{"event": ev, "source": source_label(ev)} for ev in rows[:limit]]
