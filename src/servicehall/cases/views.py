"""Case pages: the clerk's workstation and acceptance, the printable receipt, one-time notice and refusal,
the manager's early-warning board, the public progress lookup (CASE-2..7, CASE-11, PUB-2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from servicehall.audit.context import address_of
from servicehall.audit.services import Actor
from servicehall.catalog.models import Material, ServiceItem
from servicehall.catalog.services import items_by_department
from servicehall.core import clock, once, printouts
from servicehall.core.dbrouter import replica_lookup, replica_reads
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center, department_limit, is_manager, is_office, may, require
from servicehall.org.choices import Role
from servicehall.org.models import Department
from servicehall.org.people import named_in_form, pickable, picked_in_form
from servicehall.org.permissions import Scope, scope_of
from servicehall.pages import pk_of

from . import origins, services
from .assist import AGENT_ROLES
from .forms import ProgressForm, case_number
from .models import (
    OPEN_STATUSES,
    AssistRequest,
    AssistVisit,
    Case,
    CaseMaterial,
    CaseStatus,
    CaseStep,
    CaseViolation,
    CourierSchedule,
    FileHandover,
    ProxyPackage,
    StepKind,
)

# PUB-2: four digits are few, so wrong answers are limited per case number (a guesser's target) and, with a
# ceiling a busy hall never reaches by honest use, per address (a whole hall shares one); a correct lookup never
# counts.
PROGRESS_WINDOW = 600
PROGRESS_NUMBER_TRIES = 5
PROGRESS_ADDRESS_TRIES = 300


def applicant_labels() -> dict:
    """The applicant's fields by the words of the form: "applicant.name" is the applicant, not the material's
    name (the intake page said 申报材料：需要申请人姓名)."""
    return {"applicant.name": Case._meta.get_field("applicant_name").verbose_name,
            "applicant.kind": Case._meta.get_field("applicant_kind").verbose_name}


def _me(request):
    return getattr(request.user, "staff", None)


@login_required
def workstation(request):
    """The clerk's workstation: today's cases, what is due, what waits on the applicant."""
    center = current_center(request)
    me = _me(request)
    today = clock.today(center)
    mine = Case.objects.filter(center=center).filter(Q(clerk=me) | Q(handler=me)) if me else Case.objects.none()
    mine = mine.select_related("item", "department")
    q = request.GET.get("q", "").strip()
    found: Iterable[Case] = []
    if q:
        # SEC-5: the search finds what the reader may read — their department's cases (and those transferred
        # to it), all of the center's for oversight, and otherwise the cases they received or handle.
        scope, person = scope_of(request.user, "case.read", center)
        matches = Case.objects.filter(center=center).filter(Q(number__icontains=q) | Q(applicant_name__contains=q))
        if scope is None or scope < Scope.CENTER:
            reach = Q(clerk=me) | Q(handler=me) if me else Q(pk__in=[])
            if scope is not None and person is not None:
                reach |= Q(department_id=person.department_id) | Q(
                    steps__kind=StepKind.TRANSFER, steps__to_department_id=person.department_id)
            matches = matches.filter(reach).distinct()
        found = matches.select_related("item")[:20]
    return render(request, "cases/workstation.html", {
        "center": center, "today": today, "q": q, "found": found,
        "received_today": mine.filter(received_on=today),
        "due": mine.filter(status__in=[CaseStatus.ACCEPTED, CaseStatus.PAUSED], card__in=["yellow", "red"])
        .order_by("due_date"),
        "awaiting": mine.filter(status=CaseStatus.AWAITING).order_by("received_at"),
        "open_count": mine.filter(status__in=OPEN_STATUSES).count(),
    })


@login_required
def new_case(request):
    """Acceptance at the window (CASE-2): tick the materials against the item's list, record the applicant,
    accept (receipt) or issue the one-time notice (CASE-3)."""
    center = current_center(request)
    errors: list[str] = []
    ticket = _ticket(request, center)
    item_code = request.POST.get("item") or request.GET.get("item", "") or (ticket.item.code if ticket else "")
    item = (ServiceItem.objects.filter(center=center, code=item_code)
            .prefetch_related(Prefetch("materials", Material.objects.order_by("sort"))).first())
    origin = origins.read(request, center)  # FIR-3: started from a first inquiry
    inquiry = origin[1] if origin else None
    if request.method == "POST" and item is not None:
        received, defects = [], {}
        for m in item.materials.all():
            if request.POST.get(f"has_{m.pk}"):
                try:
                    count = int(request.POST.get(f"count_{m.pk}") or 1)
                except ValueError:
                    count = 0
                received.append({"name": m.name, "count": count, "form": request.POST.get(f"form_{m.pk}") or m.form})
            problem = request.POST.get(f"defect_{m.pk}", "").strip()
            if problem:
                defects[m.name] = problem
        applicant = services.Applicant(
            kind=request.POST.get("kind", "person"), name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""), id_number=request.POST.get("id_number", ""),
            org_code=request.POST.get("org_code", ""), address=request.POST.get("address", ""))
        try:
            with transaction.atomic():
                sent = once.claim(request)
                case = services.receive_case(Actor.of(request.user), center, item.code, applicant, received,
                                             action=request.POST.get("action", "accept"), defects=defects,
                                             ticket=ticket, return_by=request.POST.get("return_by", ""))
                if origin is not None:  # FIR-3: the inquiry carries on as this case
                    origin[0].link(Actor.of(request.user), origin[1], case)
                sent.made(case)
        except once.AlreadySent as first:  # the same form again (SEC-2): answered as the first, with its case
            if not isinstance(first.record, Case):
                return once.sent_before(request, "cases:workstation")
            case = first.record
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Case, CaseMaterial, **applicant_labels())) for p in exc.problems]
        if not errors:
            if case.status == CaseStatus.AWAITING:
                notice = case.steps.filter(kind=StepKind.NOTICE).last()
                assert notice is not None  # a case awaiting materials was given its notice
                return redirect("cases:notice", number=case.number, step=notice.pk)
            return redirect("cases:receipt", number=case.number)
    template = "cases/_materials.html" if request.htmx and request.method == "GET" else "cases/new.html"
    post = request.POST if request.method == "POST" else (
        origin[0].prefill(origin[1]) if origin is not None else {})
    me = _me(request)
    return render(request, template, {"center": center, "item": item,
                                      "groups": items_by_department(center, first=me.department_id if me else None),
                                      "errors": errors, "return_by": _default_return_by(center),
                                      "post": post, "inquiry": inquiry, "ticket": ticket,
                                      "no_ticket": "none" in (request.GET.get("ticket"), request.POST.get("ticket"))})


def _default_return_by(center):
    """The return date a one-time notice form offers (CASE-3), or None when the calendar does not reach it."""
    try:
        return services.notice_return_by(center)
    except RuleViolation:
        return None


def _ticket(request, center):
    """The queue ticket this application is served on (Q-5): named in the form, else the one the clerk is
    serving now; ``ticket=none`` in the form receives without one."""
    from servicehall.tickets.models import Ticket, TicketStatus

    raw = request.POST.get("ticket") or request.GET.get("ticket") or ""
    if raw == "none":
        return None
    tickets = Ticket.objects.filter(center=center).select_related("item")
    if raw.isdigit():
        return tickets.filter(pk=int(raw)).first()
    me = getattr(request.user, "staff", None)
    if me is None:
        return None
    return (tickets.filter(staff=me, day=clock.today(center),
                           status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).order_by("-called_at").first())


@login_required
def detail(request, number: str):
    center = current_center(request)
    case = get_object_or_404(Case.objects.select_related("item", "department", "clerk", "handler"), number=number,
                             center=center)
    services.authorize_case(request.user, "case.read", case)  # SEC-5: the handling department and oversight
    actor = Actor.of(request.user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "notice":
                items = {m.name: request.POST.get(f"defect_{m.pk}", "").strip() or "未提交"
                         for m in case.item.materials.all() if request.POST.get(f"ask_{m.pk}")}
                try:
                    with transaction.atomic():
                        sent = once.claim(request)
                        step = sent.made(services.issue_notice(actor, case, items,
                                                               confirm_breach=bool(request.POST.get("confirm")),
                                                               return_by=request.POST.get("return_by", "")))
                except once.AlreadySent as first:  # sent twice (SEC-2): the same notice, not a second one (CASE-3)
                    step = first.record
                    if step is None:
                        return once.sent_before(request, "cases:detail", number=case.number)
                return redirect("cases:notice", number=case.number, step=step.pk)
            if action == "correct":
                services.correct(actor, case, [{"name": m.name, "count": 1} for m in case.item.materials.all()
                                               if request.POST.get(f"got_{m.pk}")])
            elif action == "refuse":
                services.refuse(actor, case, request.POST.get("reason", ""), request.POST.get("legal_basis", ""))
                return redirect("cases:refusal", number=case.number)
            elif action == "transfer":
                to_staff = named_in_form(center, "to_staff", request.POST.get("to_staff", ""))
                to_dept = Department.objects.filter(center=center, code=request.POST.get("to_department", "")).first()
                services.transfer(actor, case, to_staff=to_staff, to_department=to_dept,
                                  note=request.POST.get("note", ""), urgent=bool(request.POST.get("urgent")))
            elif action == "pause":
                services.pause(actor, case, request.POST.get("procedure", ""))
            elif action == "resume":
                services.resume(actor, case)
            elif action == "extension":
                try:
                    days = int(request.POST.get("days", ""))
                except ValueError:
                    days = 0
                services.request_extension(actor, case, days, request.POST.get("reason", ""))
            elif action == "extension_decision":
                step = get_object_or_404(CaseStep, pk=pk_of(request.POST.get("step")), case=case)
                services.decide_extension(actor, step, request.POST.get("approved") == "1")
            elif action == "decide":
                services.decide(actor, case, request.POST.get("approved") == "1", request.POST.get("reason", ""))
            elif action == "deliver":
                services.deliver(actor, case, request.POST.get("method", ""), request.POST.get("tracking_number", ""))
            else:
                raise RuleViolation(_("unknown action"))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Case, CaseStep)))
            if action != "notice":
                return redirect("cases:detail", number=case.number)
            # a refused notice is shown again with what was ticked and typed (never lost)
        else:
            messages.success(request, _("Recorded."))
            return redirect("cases:detail", number=case.number)
    typed = request.POST if request.method == "POST" else {}
    steps = list(case.steps.select_related("staff", "to_department"))
    pending_ext = [s for s in steps if s.kind == StepKind.EXTENSION_REQUEST
                   and not any(x.kind == StepKind.EXTENSION_DECISION and x.data.get("request") == s.pk for x in steps)]
    return render(request, "cases/detail.html", {
        "center": center, "case": case, "steps": steps, "materials": case.materials.all(),
        "item_materials": case.item.materials.order_by("sort"),
        "notice_rows": [(m, bool(typed.get(f"ask_{m.pk}")), typed.get(f"defect_{m.pk}", ""))
                        for m in case.item.materials.order_by("sort")],
        "typed_return_by": typed.get("return_by", ""),
        "office": may(request, "case.extension.decide", center, department=case.department),
        "pending_ext": pending_ext, "departments": Department.objects.filter(center=center),
        # issue 17 item 1: approvers by name, grouped by department, the case's department first
        # (of the departments answering for the case: CASE-8, the ones whose approvers may handle it, SEC-5)
        "approvers": pickable(request.user, center, roles=[Role.APPROVER], department=case.department,
                              departments=services.handling_departments(case)),
        "show_personal": is_manager(request.user) or case.clerk_id == getattr(_me(request), "pk", None),
        "return_by": _default_return_by(center),
    })


def _case_for_print(request, number):
    center = current_center(request)
    case = get_object_or_404(Case.objects.select_related("item", "department", "clerk"), number=number, center=center)
    services.authorize_case(request.user, "case.read", case)  # SEC-5
    return center, case


def _document(request, center, case):
    """The shared header of a case's printout: its number and the QR code of its progress lookup (PUB-2)."""
    return printouts.document(request, center, case.number, case_number=case.number)


def _return_by(step):
    """The return date a notice step names (CASE-3), as a date; None for a notice from before it was kept."""
    return printouts.date_of((step.data or {}).get("return_by")) if step is not None else None


@login_required
def receipt(request, number: str):
    """收件回执 (CASE-2): applicant, contact, item, materials received with counts, promised due date."""
    from servicehall.tickets.ratingviews import rating_link_block

    center, case = _case_for_print(request, number)
    return render(request, "cases/receipt.html", {"center": center, "case": case,
                                                  "materials": case.materials.all(),
                                                  **_document(request, center, case),
                                                  **rating_link_block(request, case)})  # EVAL-4 一事一评


@login_required
def result(request, number: str):
    """办结通知 (CASE-7, EVAL-4): the result of a finished case, with the link and QR code to rate it."""
    from servicehall.tickets.ratingviews import rating_link_block

    center, case = _case_for_print(request, number)
    if case.is_open:
        raise PermissionDenied(_("This case is not finished yet."))
    decision = case.steps.filter(kind__in=[StepKind.DECISION, StepKind.FINISH, StepKind.REFUSAL]).last()
    return render(request, "cases/result.html", {"center": center, "case": case, "decision": decision,
                                                 **_document(request, center, case),
                                                 **rating_link_block(request, case)})


@login_required
def notice(request, number: str, step: int):
    """一次性告知单 (CASE-3); a notice that asked for more than the first is shown beside it."""
    center, case = _case_for_print(request, number)
    this = get_object_or_404(CaseStep, pk=step, case=case, kind=StepKind.NOTICE)
    first = CaseStep.objects.filter(pk=this.data.get("first")).first() if this.data.get("first") else None
    return render(request, "cases/notice.html", {"center": center, "case": case, "notice": this, "first": first,
                                                 "return_by": _return_by(this), **_document(request, center, case)})


@login_required
def refusal(request, number: str):
    center, case = _case_for_print(request, number)
    step = case.steps.filter(kind=StepKind.REFUSAL).last()
    if step is None:
        raise PermissionDenied(_("This case was not refused."))
    return render(request, "cases/refusal.html", {"center": center, "case": case, "step": step,
                                                  **_document(request, center, case)})


@login_required
@replica_reads
def warnings(request):
    """The manager's early-warning board (CASE-11): yellow and red cases by department, with the clerks."""
    center = current_center(request)
    limit = department_limit(request, "duty.read", center)
    mine = {"department_id": limit} if limit is not None else {}
    rows = (Case.objects.filter(center=center, status__in=OPEN_STATUSES, card__in=["yellow", "red"], **mine)
            .select_related("item", "department", "clerk", "handler").order_by("department__sort", "-card", "due_date"))
    by_dept = defaultdict(list)
    for c in rows:
        by_dept[c.department].append(c)
    return render(request, "cases/warnings.html", {
        "center": center, "by_dept": dict(by_dept), "today": clock.today(center),
        "red": sum(1 for c in rows if c.card == "red"), "yellow": sum(1 for c in rows if c.card == "yellow"),
        "late_notices": Case.objects.filter(center=center, notice_late=True, **mine).select_related("clerk")[:50],
        "breaches": Case.objects.filter(center=center, notice_breach=True, **mine).select_related("clerk")[:50],
        # CASE-11: red cases recorded as violations of the clerk and department (derived; withdrawn ones shown).
        "violations": CaseViolation.objects.filter(center=center, **mine).select_related(
            "case", "case__item", "staff", "department").order_by("department__sort", "-red_on")[:200],
    })


@never_cache  # a shared kiosk's Back button never shows the person before's case
@replica_lookup
def progress(request):
    """Public progress lookup (PUB-2): case number plus the last four digits of the phone; nothing else shown.

    The lookup is a posted form, so the phone's digits never stand in an address (browser history, the proxy's
    and the server's logs: SEC-3); an address carries at most the case number (a printout's QR code). A lookup
    without a number or without exactly four digits is an error next to its field and no wrong answer: only a
    well-formed lookup that finds nothing counts toward the limits."""
    center = current_center(request)
    case = None
    # A printout's QR code opens this page with the case number only (never the phone digits): that fills the
    # form in and asks nothing, so it counts as no wrong answer; a lookup needs the four digits too.
    form = ProgressForm(request.POST) if request.method == "POST" else None
    asked = form is not None and form.is_valid()
    number = (form.cleaned_data["number"] if asked and form is not None
              else case_number((request.POST if form is not None else request.GET).get("number")))
    limited = False
    if asked:
        assert form is not None
        # The client's own address, also behind the reverse proxy (SERVICEHALL_PROXY_COUNT; issue 14).
        keys = (f"progress:number:{number}", f"progress:addr:{address_of(request)}")
        limits = (PROGRESS_NUMBER_TRIES, PROGRESS_ADDRESS_TRIES)
        limited = any((cache.get(k) or 0) >= n for k, n in zip(keys, limits, strict=True))
        if not limited:
            case = services.progress_for_public(number, form.cleaned_data["phone4"])
            if case is None:  # only a wrong answer counts
                for k in keys:
                    cache.add(k, 0, PROGRESS_WINDOW)
                    try:
                        cache.incr(k)
                    except ValueError:  # expired in between
                        cache.set(k, 1, PROGRESS_WINDOW)
    corrections, return_by = services.corrections_asked(case) if case is not None else ({}, None)
    return render(request, "cases/progress.html", {"center": center, "case": case, "asked": asked, "form": form,
                                                   "number": number, "limited": limited, "now": timezone.now(),
                                                   "corrections": corrections, "return_by": return_by},
                  status=429 if limited else 200)


def _report(request, action, to: str):
    """Run a write from a form; show its refusal (every problem) or say it was recorded, then go back."""
    try:
        action()
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, shown(p, labels=labels_of(Case, CaseStep, CourierSchedule, FileHandover, ProxyPackage, AssistRequest, AssistVisit)))
    else:
        messages.success(request, _("Recorded."))
    return redirect(to)


@login_required
def courier(request):
    """取送件 (CASE-10): files waiting to be carried, the couriers' schedule, every hand-over logged."""
    from . import courier as log

    center = current_center(request)
    actor = Actor.of(request.user)
    if request.method == "POST":
        def write():
            if request.POST.get("action") == "schedule":
                log.set_schedule(actor, get_object_or_404(Department, center=center, code=request.POST.get("department")),
                                 picked_in_form(center, "courier", request.POST.get("courier")),
                                 [t.strip() for t in request.POST.get("pickups", "").replace("，", ",").split(",")
                                  if t.strip()])
            else:
                chosen = list(Case.objects.filter(center=center, number__in=request.POST.getlist("case")))
                log.log_handover(actor, center, chosen,
                                 picked_in_form(center, "from_staff", request.POST.get("from_staff")),
                                 picked_in_form(center, "to_staff", request.POST.get("to_staff")),
                                 urgent=bool(request.POST.get("urgent")))

        return _report(request, once.guard(request, write), "cases:courier")
    from .models import CourierSchedule, FileHandover

    return render(request, "cases/courier.html", {
        "center": center, "waiting": log.waiting_files(center), "office": is_office(request.user), "me": _me(request),
        "schedules": CourierSchedule.objects.filter(center=center).select_related("department", "courier"),
        "handovers": FileHandover.objects.filter(center=center).select_related("from_staff", "to_staff")
        .prefetch_related("cases")[:30],
        # issue 17 item 1: people by name, grouped by department (one's own first); the courier's list puts the
        # chosen department's people first
        "hand_people": (everyone := pickable(request.user, center)).chosen(getattr(_me(request), "code", None)),
        "take_people": everyone,
        "courier_people": pickable(request.user, center, action="courier.schedule"),
        "departments": Department.objects.filter(center=center),
    })


@login_required
def joint_notice(request, number: str):
    """The combined one-time notice of a joint case: every department's missing materials (CASE-8, CASE-3)."""
    from .assist import joint_cases, joint_missing

    center = current_center(request)
    rows = [c for c in joint_cases(number) if c.center_id == center.pk]
    if not rows:
        raise PermissionDenied(_("No such joint case."))
    missing = joint_missing(rows)
    # one return date on the combined notice (CASE-3): the earliest the departments' notices name
    days = [d for c, _items in missing
            if (d := _return_by(next((s for s in reversed(list(c.steps.all())) if s.kind == StepKind.NOTICE),
                                     None)))]
    return render(request, "cases/joint_notice.html", {
        "center": center, "number": number, "cases": rows, "missing": missing,
        "applicant": rows[0].applicant_name, "receiving": rows[0].department.name,
        "phone": next((c.item.consult_phone for c in rows if c.item.consult_phone), "") or center.consult_phone,
        "return_by": min(days) if days else None,
        # the joint number is no case number: the code opens the lookup of the first case listed (PUB-2)
        **printouts.document(request, center, number, case_number=rows[0].number),
        "today": clock.today(center)})


@login_required
def proxy(request):
    """全程代办 packages with their summed promised and actual working days (CASE-8)."""
    from .assist import create_package, package_sums
    from .models import ProxyPackage

    center = current_center(request)
    if request.method == "POST":
        def write():
            numbers = [n.strip() for n in request.POST.get("cases", "").replace("，", ",").split(",") if n.strip()]
            found = list(Case.objects.filter(center=center, number__in=numbers))
            missing = sorted(set(numbers) - {c.number for c in found})
            if missing:
                raise RuleViolation(_("cases: unknown case numbers %(n)s") % {"n": ", ".join(missing)})
            create_package(Actor.of(request.user), center,
                           picked_in_form(center, "agent", request.POST.get("agent")),
                           request.POST.get("applicant_name", ""), request.POST.get("phone", ""), found)

        return _report(request, once.guard(request, write), "cases:proxy")
    rows = [{"pkg": p, "sums": package_sums(p)} for p in ProxyPackage.objects.filter(center=center)
            .select_related("agent").prefetch_related("cases")[:50]]
    return render(request, "cases/proxy.html", {
        "center": center, "rows": rows,
        # issue 17 item 1: the agents by name, grouped by department
        "agents": pickable(request.user, center, roles=AGENT_ROLES)})


@login_required
def assist(request):
    """帮办代办 requests, visits and follow-ups (CASE-9)."""
    from .assist import log_visit, register_assist
    from .models import AssistGroup, AssistRequest

    center = current_center(request)
    require(request, "assist.handle", center)  # SEC-5: applicants' data for assisted service and the office
    me = _me(request)
    if request.method == "POST":
        def write():
            if request.POST.get("action") == "visit":
                req = get_object_or_404(AssistRequest, pk=pk_of(request.POST.get("request")), center=center)
                if me is None:
                    raise RuleViolation(_("only staff log visits"))
                log_visit(Actor.of(request.user), req, me, request.POST.get("kind", ""), request.POST.get("note", ""),
                          close=bool(request.POST.get("close")))
            else:
                item = ServiceItem.objects.filter(center=center, code=request.POST.get("item", "")).first()
                register_assist(Actor.of(request.user), center, applicant_name=request.POST.get("applicant_name", ""),
                                phone=request.POST.get("phone", ""), group=request.POST.get("group", ""),
                                place=request.POST.get("place", ""), id_number=request.POST.get("id_number", ""),
                                item=item, assignee=picked_in_form(center, "assignee", request.POST.get("assignee")))

        return _report(request, once.guard(request, write), "cases:assist")
    return render(request, "cases/assist.html", {
        "center": center, "today": clock.today(center), "groups": AssistGroup.choices,
        "rows": AssistRequest.objects.filter(center=center).select_related("item", "assignee")
        .prefetch_related("visits")[:100],
        "items": ServiceItem.objects.filter(center=center, active=True),
        # issue 17 item 1: the agents by name, grouped by department
        "agents": pickable(request.user, center, roles=AGENT_ROLES)})


@login_required
def joint_new(request):
    """Receive a joint case at one window (CASE-8)."""
    from .assist import receive_joint

    center = current_center(request)
    codes = request.POST.getlist("items") or request.GET.getlist("items")
    chosen = list(ServiceItem.objects.filter(center=center, code__in=codes, active=True).select_related("department")
                  .prefetch_related(Prefetch("materials", Material.objects.order_by("sort"))))
    errors: list[str] = []
    if request.method == "POST":
        materials = {i.code: [{"name": m.name, "count": m.copies} for m in i.materials.all()
                              if request.POST.get(f"has_{m.pk}")] for i in chosen}
        applicant = services.Applicant("person", request.POST.get("name", ""), request.POST.get("phone", ""),
                                       request.POST.get("id_number", ""))
        try:
            with transaction.atomic():
                sent = once.claim(request)
                rows = receive_joint(Actor.of(request.user), center, codes, applicant, materials,
                                     return_by=request.POST.get("return_by", ""))
                sent.made(rows[0])
        except once.AlreadySent as first:  # the same form again (SEC-2): answered with the joint case it made
            return once.answer(request, first, lambda case: redirect("cases:joint_notice", number=case.joint_number),
                               "cases:workstation")
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Case, CaseMaterial, **applicant_labels())) for p in exc.problems]
        else:
            return redirect("cases:joint_notice", number=rows[0].joint_number)
    return render(request, "cases/joint_new.html", {"center": center, "groups": items_by_department(center), "chosen": chosen,
                                                    "errors": errors, "post": request.POST,
                                                    "return_by": _default_return_by(center)})
