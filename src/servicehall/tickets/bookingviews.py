"""Appointment pages of Q-8: the applicant's cancel link (no login) and the office's no-shows and blocks."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.core import clock
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center, department_limit, may
from servicehall.pages import pk_of
from servicehall.rules import bookings

from . import appointments as ap
from .models import Appointment, NoShowLift


def cancel(request, token: str):
    """The booking's cancel link (Q-8), from the booking page and the reminders: shows the booking; a press
    cancels it once, before the slot starts; after the start it says plainly that it cannot."""
    appt = ap.of_token(token)
    if appt is None:
        raise Http404(_("No such booking link."))
    errors: list[str] = []
    done = False
    if request.method == "POST":
        try:
            appt = ap.cancel(token)
            done = True
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Appointment), public=True) for p in exc.problems]
            appt.refresh_from_db()
    start = dt.datetime.combine(appt.slot.date, appt.slot.start, tzinfo=clock.zone(appt.slot.center))
    return render(request, "tickets/appointment_cancel.html", {
        "center": appt.slot.center, "appt": appt, "errors": errors, "done": done,
        "started": timezone.now() >= start})


@login_required
def no_shows(request):
    """The office's view of no-shows and the blocks they caused (Q-8); a block is lifted with a reason."""
    center = current_center(request)
    limit = department_limit(request, "queue.read", center)  # SEC-5: the department's heads, the oversight
    may_lift = may(request, "appointment.lift_block", center)
    errors: list[str] = []
    if request.method == "POST":
        appt = get_object_or_404(Appointment, pk=pk_of(request.POST.get("appointment")), slot__center=center)
        try:
            ap.lift_block(Actor.of(request.user), center, appt.id_number, request.POST.get("reason", ""))
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(NoShowLift)) for p in exc.problems]
        else:
            messages.success(request, _("The block is lifted."))
            return redirect("tickets:no_shows")
    now = timezone.now()
    today = clock.today(center, now)
    since = today - bookings.NO_SHOW_WINDOW - dt.timedelta(days=center.policy.no_show_block_days)
    rows = (Appointment.objects.filter(slot__center=center, no_show=True, slot__date__gte=since)
            .select_related("slot__item__department", "slot__center").order_by("-slot__date", "-slot__start"))
    if limit is not None:
        rows = rows.filter(slot__item__department_id=limit)
    missed = list(rows[:500])
    blocks = []
    seen: set[str] = set()
    for appt in missed:
        if not appt.id_number or appt.id_number in seen:
            continue
        seen.add(appt.id_number)
        until = ap.blocked_until(center, appt.id_number, now)
        if until is not None:
            blocks.append({"appt": appt, "until": clock.local(center, until),
                           "count": sum(1 for a in missed if a.id_number == appt.id_number)})
    lifts = NoShowLift.objects.filter(center=center)[:50]
    return render(request, "tickets/no_shows.html", {
        "center": center, "missed": missed, "blocks": blocks, "lifts": lifts, "errors": errors,
        "may_lift": may_lift, "policy": center.policy})
