"""Assessment pages (ASM-1, ASM-2): a month's scores (the office all, a department's heads their department,
everyone their own — SEC-5 through ``record.read``), and one person's month explaining every point."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehall.audit.services import Actor
from servicehall.core import clock, once
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center
from servicehall.org.models import Center, Post, Staff
from servicehall.org.permissions import Forbidden, Scope, Target, allowed, authorize, person_of, scope_of
from servicehall.pages import month_param
from servicehall.rules.assessment import summarize

from . import scores, services
from .models import MonthClosing, Praise, PraiseKind

# Which permission opens the record behind a deduction of each kind (SEC-5: only links a reader may follow).
_LINK_ACTION = {"vacancy": "duty.read", "red_case": "case.read", "late_notice": "case.read",
                "notice_breach": "case.read", "complaint": "complaint.read", "poor_rating": "rating.handle"}


# The kinds of SCENARIO.md's contract, in words for the pages.
KIND_LABELS = {
    "vacancy": gettext_lazy("Vacancy answered as A"), "absent": gettext_lazy("Absent without leave"),
    "late": gettext_lazy("Late"), "early_leave": gettext_lazy("Left early"), "red_case": gettext_lazy("Red case"),
    "late_notice": gettext_lazy("Late one-time notice"), "notice_breach": gettext_lazy("One-time notice breach"),
    "inquiry": gettext_lazy("First-inquiry violation"), "complaint": gettext_lazy("Complaint upheld"),
    "poor_rating": gettext_lazy("Poor rating upheld"), "inspection": gettext_lazy("Inspection finding"),
    "praise": gettext_lazy("Praise"),
}


def _month(request, center: Center) -> dt.date:
    today = clock.today(center)
    year, month = month_param(request, (today.year, today.month))
    return dt.date(year, month, 1)


def _nav(first: dt.date) -> dict[str, str]:
    return {"month": f"{first:%Y-%m}", "prev": f"{scores.prev_month(first):%Y-%m}",
            "next": f"{scores.next_month(first):%Y-%m}"}


@login_required
def scores_page(request):
    """The month's scores: the office (and inspectors) all, a department's leader and window heads their
    department, anyone else their own line (SEC-5)."""
    center = current_center(request)
    first = _month(request, center)
    if request.method == "POST":
        try:
            with transaction.atomic():
                sent = once.claim(request)
                sent.made(services.close_month(Actor.of(request.user), center, first))
        except once.AlreadySent:
            pass
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(MonthClosing)))
        else:
            messages.success(request, _("Month closed."))
        return redirect(f"{request.path}?month={first:%Y-%m}")
    scope, me = scope_of(request.user, "record.read", center)
    people = Staff.objects.filter(center=center, active=True).select_related("department")
    if scope is None:
        raise Forbidden("record.read")
    if scope <= Scope.WINDOW:  # their own line only (SEC-5)
        if me is None or me.center_id != center.pk:
            raise Forbidden("record.read")
        people = people.filter(pk=me.pk)
    elif scope == Scope.DEPARTMENT and me is not None:
        people = people.filter(department_id=me.department_id)
    rows = scores.month_scores(center, first, list(people))
    by_department: dict[str, list] = {}
    for pm in rows:
        by_department.setdefault(pm.staff.department.name, []).append(pm.score)
    departments = [(g, [(KIND_LABELS.get(k, k), n) for k, n in g.violations.items()])
                   for g in summarize(by_department)]  # ASM-1: a department's mean and violations by kind
    # A window's people are the A of its posts (ORG-3); one person A of two windows counts for each.
    window_of: dict[int, list[str]] = {}
    for staff_id, name in (Post.objects.filter(center=center, a__in=[pm.staff for pm in rows])
                           .values_list("a_id", "window__name").order_by("window__sort", "window__code")):
        if name not in window_of.setdefault(staff_id, []):
            window_of[staff_id].append(name)
    by_window: dict[str, list] = {}
    for pm in rows:
        for name in window_of.get(pm.staff.pk, []):
            by_window.setdefault(name, []).append(pm.score)
    windows = [(g, [(KIND_LABELS.get(k, k), n) for k, n in g.violations.items()]) for g in summarize(by_window)]
    return render(request, "assessment/scores.html", {
        "center": center, "rows": rows, "departments": departments, "windows": windows, **_nav(first),
        "closed": scores.is_closed(center, first),
        "may_close": allowed(request.user, "assessment.close", Target(center))})


@login_required
def person_page(request, code: str):
    """One person's month: every point with the record behind it (ASM-2); the office records praise here."""
    center = current_center(request)
    staff = get_object_or_404(Staff.objects.select_related("department"), center=center, code=code)
    authorize(request.user, "record.read", Target(center, person=staff))
    first = _month(request, center)
    may_praise = allowed(request.user, "assessment.praise", Target(center, person=staff))
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            messages.error(request, _("date: a date (YYYY-MM-DD)"))
            return redirect(f"{request.path}?month={first:%Y-%m}")
        try:
            with transaction.atomic():
                sent = once.claim(request)
                sent.made(services.record_praise(Actor.of(request.user), center, staff,
                                                 request.POST.get("kind", ""), day, request.POST.get("note", "")))
        except once.AlreadySent:
            pass
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Praise)))
        else:
            messages.success(request, _("Recorded."))
        return redirect(f"{request.path}?month={day:%Y-%m}")
    pm = scores.month_scores(center, first, [staff])[0]
    target = Target(center, department=staff.department, person=staff)
    links = {kind: allowed(request.user, action, target) for kind, action in _LINK_ACTION.items()}
    entries = [(d, links.get(d.kind, True), KIND_LABELS.get(d.kind, d.kind)) for d in pm.score.deductions]
    me = person_of(request.user)
    return render(request, "assessment/person.html", {
        "center": center, "staff": staff, "pm": pm, "entries": entries, **_nav(first),
        "closed": scores.is_closed(center, first), "may_praise": may_praise, "praise_kinds": PraiseKind.choices,
        "mine": me is not None and me.pk == staff.pk,
        "may_list": allowed(request.user, "record.read", Target(center, department=staff.department))})
