"""Pages of the assessment's consequences and overview: rankings (ASM-4) with award eligibility (CMP-5, ASM-3),
replacement requests for people graded 不称职 (ASM-2), and the director's view.

Scope (SEC-5): rankings are circulated, so every reader of ``ranking.read`` (the office, inspectors, a county
office, a department's leader and window heads) sees the whole ranking of departments and windows; the people
who lost their award eligibility, and links to a person's month, are shown only where ``record.read`` reaches
(a department's heads: their own people). Replacement requests: the office all, a department's heads their
department's. The director's view: ``director.read`` (the management office, where the center's leadership
sits, and a county office).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor, record_export
from servicehall.core import clock, once
from servicehall.core.svg import bar_chart, line_chart
from servicehall.core.xlsx import xlsx_response
from servicehall.errors import Problem, RuleViolation, labels_of, shown
from servicehall.org.access import current_center
from servicehall.org.models import Staff
from servicehall.org.people import People, named_in_form, pickable
from servicehall.org.permissions import Forbidden, Scope, Target, allowed, authorize, scope_of
from servicehall.pages import month_param, pk_of, year_param

from . import director, rankings, scores, services
from .models import ReplacementRequest
from .views import KIND_LABELS


def _reader_scope(request, center, action: str):
    scope, me = scope_of(request.user, action, center)
    if scope is None:
        raise Forbidden(action)
    return scope, me


@login_required
def rankings_page(request):
    """Departments and windows ranked by score, for a month (``?month=YYYY-MM``) or the year so far
    (``?year=YYYY``: the mean of the year's monthly means, ASM-4); ``&format=xlsx`` for the workbook."""
    center = current_center(request)
    _reader_scope(request, center, "ranking.read")
    details, _me = scope_of(request.user, "record.read", center)
    today = clock.today(center)
    yearly = "year" in request.GET
    if yearly:
        year = year_param(request, today.year)
        r = rankings.year_ranking(center, year)
        first = dt.date(year, 1, 1)
    else:
        y, m = month_param(request, (today.year, today.month))
        first = dt.date(y, m, 1)
        year = first.year
        r = rankings.month_ranking(center, first)
    lost = r.eligibility.lost()
    staff = {s.pk: s for s in Staff.objects.filter(pk__in=list(lost)).select_related("department")}
    people = [(staff[pk], reasons) for pk, reasons in lost.items() if pk in staff
              and allowed(request.user, "record.read", Target(center, person=staff[pk]))]
    people.sort(key=lambda pr: pr[0].code)
    if request.GET.get("format") == "xlsx":
        record_export(request.user, "rankings.xlsx", {"center": center.code, "period": r.title,
                                                      "people": len(people)})
        return xlsx_response(rankings.xlsx(center, r, people), f"rankings-{r.title}.xlsx")

    def kinds(row):
        return [(KIND_LABELS.get(k, k), n) for k, n in row.violations.items()]

    return render(request, "assessment/rankings.html", {
        "center": center, "r": r, "yearly": yearly, "year": year, "month": f"{first:%Y-%m}",
        "prev": f"{scores.prev_month(first):%Y-%m}", "next": f"{scores.next_month(first):%Y-%m}",
        "departments": [(row, kinds(row)) for row in r.departments],
        "windows": [(row, kinds(row)) for row in r.windows], "people": people,
        "closed": [m for m in r.months if scores.is_closed(center, m)],
        "department_scope": details is not None and details < Scope.CENTER})


@login_required
def replacements_page(request):
    """People graded 不称职 in a closed month and the center's requests that their department replace them,
    with the answers (ASM-2). The office asks; the person's department leader answers."""
    center = current_center(request)
    scope, me = _reader_scope(request, center, "record.read")
    if scope < Scope.DEPARTMENT:
        raise Forbidden("record.read")
    if scope == Scope.DEPARTMENT and me is None:  # a department's reach without a department (fail closed)
        raise Forbidden("record.read")
    department_id = me.department_id if scope == Scope.DEPARTMENT and me is not None else None
    labels = labels_of(ReplacementRequest)
    if request.method == "POST":
        try:
            with transaction.atomic():
                sent = once.claim(request)
                if request.POST.get("action") == "answer":
                    pk = pk_of(request.POST.get("request"))
                    req = ReplacementRequest.objects.filter(center=center, pk=pk).first() if pk else None
                    if req is None:
                        raise RuleViolation([Problem("answer", "no such replacement request")])
                    code = request.POST.get("replacement", "").strip()
                    agree = request.POST.get("answer") == "agree"
                    who = named_in_form(center, "replacement", code) if agree else None
                    sent.made(services.answer_replacement(Actor.of(request.user), req, agree, who,
                                                          request.POST.get("answer_reason", "")))
                else:
                    staff = named_in_form(center, "staff", request.POST.get("staff", "").strip())
                    if staff is None:
                        raise RuleViolation([Problem("staff", "no such person on this center's staff")])
                    try:
                        first = scores.parse_month(request.POST.get("month", ""))
                    except ValueError:
                        raise RuleViolation([Problem("month", "a month (YYYY-MM)")]) from None
                    sent.made(services.request_replacement(Actor.of(request.user), center, staff, first,
                                                           request.POST.get("reason", "")))
        except once.AlreadySent:
            pass
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels))
        else:
            messages.success(request, _("Recorded."))
        return redirect(request.path)
    requests = ReplacementRequest.objects.filter(center=center).select_related(
        "staff", "department", "replacement")
    if department_id is not None:
        requests = requests.filter(department_id=department_id)
    rows = []
    lists: dict[int, People] = {}  # one list per department, not per request
    for q in requests[:200]:
        may_answer = allowed(request.user, "assessment.replace_answer",
                             Target(center, department=q.department, person=q.staff)) and not q.answer
        # issue 17 item 1: the replacement picked by name among the department's other active people
        if may_answer and q.department_id not in lists:
            lists[q.department_id] = pickable(request.user, center, department=q.department, only_department=True)
        people = lists[q.department_id].without(q.staff_id) if may_answer else None
        rows.append((q, may_answer, people))
    may_request = allowed(request.user, "assessment.replace", Target(center))
    return render(request, "assessment/replacements.html", {
        "center": center, "candidates": rankings.replacement_candidates(center, department_id),
        "rows": rows, "may_request": may_request})


@login_required
def director_page(request):
    """The director's view: the hall now, today and this month, the last 30 days drawn as SVG, and the month's
    lowest scores with their causes, each linking to its record."""
    center = current_center(request)
    authorize(request.user, "director.read", Target(center))
    now = timezone.now()
    today = clock.today(center, now)
    first = today.replace(day=1)
    since = today - dt.timedelta(days=director.TREND_DAYS - 1)
    series = director.days(center, min(since, first), today)
    trend = [d for d in series if d.day >= since]
    labels = [f"{d.day:%m-%d}" for d in trend]
    charts = [
        bar_chart(_("Tickets a day"), [d.tickets for d in trend], labels),
        line_chart(_("Mean wait (minutes)"), [d.mean_wait for d in trend], labels),
        bar_chart(_("Poor ratings a day"), [d.poor for d in trend], labels, colour="#b62424"),
        bar_chart(_("Red cases and complaints a day"), [d.red_cases + d.complaints for d in trend], labels,
                  colour="#b67a24"),
    ]
    lowest = director.lowest(center, first)
    links = {kind: allowed(request.user, action, Target(center))
             for kind, action in (("vacancy", "duty.read"), ("red_case", "case.read"), ("late_notice", "case.read"),
                                  ("notice_breach", "case.read"), ("complaint", "complaint.read"),
                                  ("poor_rating", "rating.handle"))}
    return render(request, "assessment/director.html", {
        "center": center, "now": director.now_local(center, now), "hall": director.hall_now(center, now),
        "today": director.total([d for d in series if d.day == today]),
        "month_figures": director.total([d for d in series if d.day >= first]),
        "charts": charts, "month": f"{first:%Y-%m}", "days": director.TREND_DAYS,
        "lowest": [(pm, [(d, links.get(d.kind, True), KIND_LABELS.get(d.kind, d.kind)) for d in pm.score.deductions])
                   for pm in lowest]})
