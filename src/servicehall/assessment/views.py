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
from servicehall.org.models import Center, Department, Post, Staff
from servicehall.org.permissions import Forbidden, Scope, Target, allowed, authorize, person_of, scope_of
from servicehall.pages import month_param
from servicehall.rules.assessment import summarize

from . import scores, services
from .models import MonthClosing, Praise, PraiseKind, Report, ReportKind

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
        "may_close": allowed(request.user, "assessment.close", Target(center)),
        "may_reports": scope_of(request.user, "assessment.report.read", center)[0] is not None})


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


# -- the Monday report and the monthly bulletin (ATT-3, ASM-5) ---------------------------------------------

def _report_scope(request, center: Center) -> Department | None:
    """Who reads which report (SEC-5): the office, inspectors and the county office every report (None); a
    department's leader the Monday report's pages of their department's windows (their department)."""
    scope, me = scope_of(request.user, "assessment.report.read", center)
    if scope is None:
        raise Forbidden("assessment.report.read")
    if scope >= Scope.CENTER:
        return None
    if me is None:  # a department's reach without a department: nothing to read (fail closed)
        raise Forbidden("assessment.report.read")
    return me.department


def _mondays(center: Center, n: int = 8) -> list[dt.date]:
    """The Mondays of the last ``n`` weeks that are over (a week the Monday report may review)."""
    today = clock.today(center)
    this = today - dt.timedelta(days=today.weekday())
    return [this - dt.timedelta(days=7 * i) for i in range(1, n + 1)]


@login_required
def reports_page(request):
    """The prepared Monday reports and bulletins; the office prepares or regenerates one (ASM-5)."""
    center = current_center(request)
    department = _report_scope(request, center)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            if kind == ReportKind.MONTHLY:
                period = dt.datetime.strptime(request.POST.get("period", ""), "%Y-%m").date()
            else:
                period = dt.date.fromisoformat(request.POST.get("period", ""))
        except ValueError:
            messages.error(request, _("period: a week's Monday (YYYY-MM-DD) or a month (YYYY-MM)"))
            return redirect(request.path)
        try:
            with transaction.atomic():
                sent = once.claim(request)
                sent.made(services.generate_report(Actor.of(request.user), center, kind, period))
        except once.AlreadySent:
            pass
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Report)))
        else:
            messages.success(request, _("Report prepared."))
        return redirect(request.path)
    rows = Report.objects.filter(center=center).select_related("generated_by").defer("data")  # a list, not the figures
    if department is not None:
        rows = rows.filter(kind=ReportKind.WEEKLY)
    today = clock.today(center)
    shown_rows = list(rows[:60])
    for r in shown_rows:
        r.until = r.period + dt.timedelta(days=6)  # type: ignore[attr-defined]  # the week's Sunday
    return render(request, "assessment/reports.html", {
        "center": center, "rows": shown_rows, "department": department,
        "may_generate": allowed(request.user, "assessment.report", Target(center)),
        "mondays": _mondays(center), "last_month": f"{scores.prev_month(today.replace(day=1)):%Y-%m}"})


def _visible(report: Report, department: Department | None) -> tuple[list[dict], bool]:
    """The windows' pages a reader sees and whether the hall's figures are theirs (SEC-5)."""
    if report.kind == ReportKind.MONTHLY and department is not None:
        raise Forbidden("assessment.report.read")
    windows = report.data.get("windows", [])
    if department is None:
        return windows, True
    return [w for w in windows if w.get("department") == department.code], False


@login_required
def report_page(request, pk: int):
    """One report, printable: the Monday report one A4 page per window, or the bulletin (ASM-5)."""
    center = current_center(request)
    department = _report_scope(request, center)
    report = get_object_or_404(Report, center=center, pk=pk)
    windows, hall = _visible(report, department)
    from .reports import FIGURE_NAMES, FIGURES

    def rows(figures: dict) -> list[tuple[str, object]]:
        return [(FIGURE_NAMES[k], figures.get(k, 0)) for k in FIGURES]

    return render(request, "assessment/report.html", {
        "center": center, "report": report, "d": report.data, "department": department, "hall": hall,
        "hall_rows": rows(report.data.get("hall", {})) if hall else [],
        "windows": [(w, rows(w.get("figures", {}))) for w in windows],
        "may_generate": allowed(request.user, "assessment.report", Target(center))})


@login_required
def report_docx(request, pk: int):
    """The report's .docx: the stored file for the office; a department's leader gets their windows' pages
    made from the same stored figures (SEC-5). Downloads are audited (SEC-7: names and scores of people)."""
    from django.http import HttpResponse

    from servicehall.audit.services import record_export

    from . import documents

    center = current_center(request)
    department = _report_scope(request, center)
    report = get_object_or_404(Report, center=center, pk=pk)
    windows, hall = _visible(report, department)
    content = b""
    if hall and report.docx:
        try:
            with report.docx.open("rb") as f:
                content = f.read()
        except OSError:  # the stored file is gone (a restored database without its files): made again below
            content = b""
    if content:
        pass
    elif report.kind == ReportKind.WEEKLY:
        content = documents.weekly_docx(report.data, windows, hall=hall)
    else:
        content = documents.monthly_docx(report.data, dt.date.fromisoformat(report.data.get("signed") or
                                                                          f"{report.generated_at:%Y-%m-%d}"))
    record_export(request.user, "assessment.report.docx", {"center": center.code, "kind": report.kind,
                                                           "period": report.period.isoformat(),
                                                           "department": department.code if department else ""})
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{center.code}-{report.kind}-{report.period:%Y%m%d}.docx"'
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
