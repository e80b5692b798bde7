"""Inspection pages (明察暗访, ASM-3, ATT-5): the list of findings scoped by SEC-5 (the office and inspectors
all, a department's leader and window heads their department, anyone else the findings naming them), the
record form, a finding's page with its evidence, the person's answer and the office's decision, and the
center's finding types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehall.audit.services import Actor
from servicehall.core import clock, once
from servicehall.errors import Problem, RuleViolation, labels_of, shown
from servicehall.feedback.attachments import too_large
from servicehall.org import services as org
from servicehall.org.access import current_center
from servicehall.org.models import Department, Policy, Window
from servicehall.org.people import named_in_form, pickable
from servicehall.org.permissions import Forbidden, Scope, Target, allowed, authorize, person_of, scope_of
from servicehall.pages import month_param

from . import inspections
from .models import Inspection, InspectionEvidence, InspectionState

LABELS = {"at": gettext_lazy("date and time"), "evidence": gettext_lazy("evidence"),
          "decision": gettext_lazy("decision"), "inspection_kinds": gettext_lazy("inspection finding types")}


def _labels() -> dict[str, Any]:
    return labels_of(Inspection, InspectionEvidence, **LABELS)


def _target(insp: Inspection) -> Target:
    return Target(insp.center, department=insp.department, window=insp.window, person=insp.staff)


def _errors(exc: RuleViolation) -> list[str]:
    return [shown(p, labels=_labels()) for p in exc.problems]


@login_required
def inspections_page(request):
    """The findings, newest first, filtered by state, month and department (SEC-5 scope)."""
    center = current_center(request)
    scope, me = scope_of(request.user, "inspection.read", center)
    if scope is None:
        raise Forbidden("inspection.read")
    rows = Inspection.objects.filter(center=center).select_related("window", "staff", "department")
    if scope <= Scope.WINDOW:
        if me is None:
            raise Forbidden("inspection.read")
        rows = rows.filter(staff=me)
    elif scope == Scope.DEPARTMENT:
        if me is None:  # a department's reach without a department (fail closed)
            raise Forbidden("inspection.read")
        rows = rows.filter(department_id=me.department_id)
    state = request.GET.get("state", "")
    if state in InspectionState.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    month = ""
    if request.GET.get("month"):
        year, mon = month_param(request, (clock.today(center).year, clock.today(center).month))
        first = dt.date(year, mon, 1)
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        tz = clock.zone(center)
        rows = rows.filter(at__gte=dt.datetime.combine(first, dt.time(), tz), at__lt=dt.datetime.combine(nxt, dt.time(), tz))
        month = f"{first:%Y-%m}"
    departments = list(Department.objects.filter(center=center).order_by("code")) if scope >= Scope.CENTER else []
    department = request.GET.get("department", "")
    if departments and department:
        rows = rows.filter(department__code=department)
    kinds = inspections.kinds_of(center)
    listed = [(i, kinds.get(i.kind, i.kind)) for i in rows.order_by("-at", "-id")[:500]]
    return render(request, "assessment/inspections.html", {
        "center": center, "rows": listed, "states": InspectionState.choices, "state": state, "month": month,
        "departments": departments, "department": department,
        "may_record": allowed(request.user, "inspection.record", Target(center)),
        "may_kinds": allowed(request.user, "policy.edit", Target(center))})


def _parse(request, center) -> dict[str, Any]:
    """The record form's fields as the service takes them; a field that cannot be read is a problem."""
    post = request.POST
    problems: list[Problem] = []
    too_large(request, problems, "evidence")
    at = None
    try:
        at = dt.datetime.fromisoformat(post.get("at", "").strip())
    except ValueError:
        problems.append(Problem("at", "the date and time of the finding (ASM-3)"))
    else:
        if at.tzinfo is None:
            at = at.replace(tzinfo=clock.zone(center))
    window = staff = None
    if post.get("window", "").strip():
        window = Window.objects.filter(center=center, code=post["window"].strip()).first()
        if window is None:
            problems.append(Problem("window", "the window is not one of this center's (ASM-3)"))
    if post.get("staff", "").strip():
        try:
            staff = named_in_form(center, "staff", post["staff"].strip())
        except RuleViolation as exc:
            problems += exc.problems
    if problems:
        raise RuleViolation(problems)
    return {"at": at, "window": window, "staff": staff, "kind": post.get("kind", ""),
            "description": post.get("description", ""), "hidden": post.get("hidden") == "on",
            "media": post.get("media") == "on", "evidence": request.FILES.getlist("evidence")}


@login_required
def new_inspection(request):
    """An inspector's record form (ASM-3): type from the center's list, evidence uploaded."""
    center = current_center(request)
    authorize(request.user, "inspection.record", Target(center))
    errors: list[str] = []
    if request.method == "POST":
        try:
            with transaction.atomic():
                sent = once.claim(request)
                insp = sent.made(inspections.record_inspection(Actor.of(request.user), center,
                                                               **_parse(request, center)))
        except once.AlreadySent as first:
            return once.answer(request, first, lambda i: redirect("assessment:inspection", i.number),
                               "assessment:inspections")
        except RuleViolation as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("assessment:inspection", insp.number)
    return render(request, "assessment/inspection_new.html", {
        "center": center, "errors": errors, "post": request.POST, "kinds": list(inspections.kinds_of(center).items()),
        "windows": Window.objects.filter(center=center).select_related("department").order_by("sort", "code"),
        # issue 17 item 1: the person by name, grouped by department, the chosen window's people first
        "people": pickable(request.user, center).chosen(request.POST.get("staff", "").strip() or None),
        "now": clock.local(center, timezone.now()).strftime("%Y-%m-%dT%H:%M"),
        "max_files": inspections.EVIDENCE_MAX_FILES,
        "max_mb": inspections.EVIDENCE_MAX_BYTES // (1024 * 1024)}, status=400 if errors else 200)


@login_required
def inspection_page(request, number: str):
    """A finding: its facts and evidence for those who may read it; the person's answer; the office's decision."""
    center = current_center(request)
    insp = get_object_or_404(Inspection.objects.select_related("center", "window", "staff", "department"),
                             center=center, number=number)
    authorize(request.user, "inspection.read", _target(insp))
    me = person_of(request.user)
    may_answer = (insp.staff is not None and insp.state == InspectionState.OPEN
                  and allowed(request.user, "inspection.answer", Target(center, person=insp.staff)))
    may_decide = (insp.state in (InspectionState.OPEN, InspectionState.ANSWERED)
                  and allowed(request.user, "inspection.decide", _target(insp)))
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            with transaction.atomic():
                sent = once.claim(request)
                if action == "answer":
                    sent.made(inspections.answer_inspection(Actor.of(request.user), insp,
                                                            request.POST.get("answer", "")))
                elif action in ("confirm", "dismiss"):
                    sent.made(inspections.decide_inspection(Actor.of(request.user), insp, action == "confirm",
                                                            request.POST.get("note", "")))
                else:
                    raise RuleViolation(Problem("decision", "confirm or dismiss (ASM-3)"))
        except once.AlreadySent:
            return redirect("assessment:inspection", insp.number)
        except RuleViolation as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("assessment:inspection", insp.number)
    oversight = allowed(request.user, "inspection.record", Target(center)) or allowed(
        request.user, "inspection.decide", Target(center))
    return render(request, "assessment/inspection.html", {
        "center": center, "i": insp, "kind": inspections.kinds_of(center).get(insp.kind, insp.kind),
        "evidence": list(insp.evidence.all()), "may_answer": may_answer, "may_decide": may_decide,
        "mine": me is not None and insp.staff_id == me.pk, "oversight": oversight, "errors": errors,
        "post": request.POST}, status=400 if errors else 200)


@login_required
def inspection_evidence(request, number: str, pk: int):
    """A photo or still of a finding, for those who may read the finding; served as stored."""
    center = current_center(request)
    insp = get_object_or_404(Inspection.objects.select_related("center", "window", "staff", "department"),
                             center=center, number=number)
    authorize(request.user, "inspection.read", _target(insp))
    ev = get_object_or_404(InspectionEvidence, inspection=insp, pk=pk)
    response = FileResponse(ev.file.open("rb"), content_type=ev.content_type, filename=ev.name)
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def kinds_text(kinds: dict[str, str]) -> str:
    return "\n".join(f"{code} {name}" for code, name in kinds.items())


def parse_kinds(text: str) -> list[dict[str, str]]:
    """One finding type a line, ``code name``; blank lines skipped; an empty text is ATT-5's list."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        code, _sep, name = line.strip().partition(" ")
        out.append({"code": code.strip(), "name": name.strip()})
    return out


@login_required
def inspection_kinds(request):
    """The center's finding types (setting ``inspection_kinds``, ATT-5), edited by who edits the settings."""
    center = current_center(request)
    authorize(request.user, "policy.edit", Target(center))
    errors: list[str] = []
    text = kinds_text(inspections.kinds_of(center))
    if request.method == "POST":
        text = request.POST.get("kinds", "")
        try:
            org.save_center(Actor.of(request.user), center.code, center.name,
                            policy={"inspection_kinds": parse_kinds(text)})
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Policy, **LABELS)) for p in exc.problems]
        else:
            messages.success(request, _("Settings saved."))
            return redirect("assessment:inspection_kinds")
    return render(request, "assessment/inspection_kinds.html", {
        "center": center, "text": text, "errors": errors, "custom": bool(center.policy.inspection_kinds)},
        status=400 if errors else 200)
