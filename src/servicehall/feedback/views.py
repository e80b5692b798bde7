"""Complaint and first-inquiry pages: the public form and status (CMP-1, no login, rate-limited), the office's
desk and detail (CMP-3, CMP-4), the department's inbox, the monthly summary, one person's record (CMP-5, FIR-5),
and the first-inquiry register (FIR-1..4)."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from servicehall.audit.context import address_of
from servicehall.audit.services import Actor, record_export, system_actor
from servicehall.catalog.models import ServiceItem
from servicehall.core import clock, once, printouts
from servicehall.core.dbrouter import replica_reads
from servicehall.core.xlsx import xlsx_response
from servicehall.duty import presence
from servicehall.errors import Problem, RuleViolation, labels_of, shown
from servicehall.org import assignments
from servicehall.org.access import current_center
from servicehall.org.choices import Role
from servicehall.org.models import Department, Staff, Window
from servicehall.org.people import named_in_form, pickable
from servicehall.org.permissions import (
    Forbidden,
    Scope,
    Target,
    allowed,
    authorize,
    is_unlimited,
    person_of,
    scope_of,
)
from servicehall.pages import month_param, number_of, pk_of, year_param

from . import inquiries as fir
from . import services, summary
from .attachments import too_large
from .models import (
    Accountability,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintStatus,
    Ground,
    Inquiry,
    InquiryChannel,
    InquiryStatus,
    Outcome,
)
from .record import person_record

PUBLIC_TRIES, PUBLIC_WINDOW = 10, 600
DEPT_ROLES = {Role.DEPT_LEADER, Role.WINDOW_HEAD}


def _limited(request, what: str) -> bool:
    key = f"{what}:{address_of(request)}"  # the client's, also behind the reverse proxy (issue 14)
    tries = cache.get_or_set(key, 0, PUBLIC_WINDOW) or 0
    if tries >= PUBLIC_TRIES:
        return True
    cache.incr(key)
    return False


def _office_view(user) -> bool:
    """The center office and inspectors see every complaint of their center (CMP-4, SEC-5)."""
    person = person_of(user)
    if person is None:
        return is_unlimited(user)
    scope, _person = scope_of(user, "complaint.read", person.center)
    return scope is not None and scope >= Scope.CENTER


def _dept_of(user) -> Staff | None:
    """A department leader or window head sees their own department's complaints (SEC-5)."""
    person = person_of(user)
    if person is None:
        return None
    scope, _person = scope_of(user, "complaint.read", person.center)
    return person if scope == Scope.DEPARTMENT else None


def _may_see(user, c: Complaint) -> bool:
    return allowed(user, "complaint.read", Target(c.center, department=c.department))


def _may_read_case(user, case) -> bool:
    from servicehall.cases.services import authorize_case

    try:
        authorize_case(user, "case.read", case)
    except Forbidden:
        return False
    return True


def _forbid() -> NoReturn:
    raise Forbidden("complaint.read")


def _file(request, actor, center, channel: str) -> Complaint:
    post = request.POST
    files = request.FILES.getlist("attachments")
    problems: list[Problem] = []
    too_large(request, problems)
    if problems:  # the upload was cut short: refuse the whole complaint rather than file it without its files
        raise RuleViolation(problems)
    return services.file_complaint(actor, center, channel=channel, ground=post.get("ground", ""),
                                   matter=post.get("matter", ""), name=post.get("name", ""),
                                   phone=post.get("phone", ""), anonymous=bool(post.get("anonymous")),
                                   target_text=post.get("target", ""), attachments=files)


def new_complaint(request):
    """The public complaint form: real name encouraged, anonymity allowed; photos or PDFs may be attached;
    a tracking code comes back."""
    center = current_center(request)
    errors: list[str] = []
    if request.method == "POST":
        if _limited(request, "complaint"):
            return render(request, "feedback/new.html", {"center": center, "limited": True}, status=429)
        try:
            with transaction.atomic():
                sent = once.claim(request)
                c = sent.made(_file(request, system_actor("public-complaint"), center, Channel.ONLINE))
        except once.AlreadySent as first:  # the same form again (SEC-2): the tracking code the first one got
            return once.answer(request, first, lambda c: render(request, "feedback/filed.html",
                                                                {"center": center, "c": c}), "feedback:new")
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Complaint)) for p in exc.problems]
        else:
            return render(request, "feedback/filed.html", {"center": center, "c": c})
    return render(request, "feedback/new.html", {"center": center, "grounds": Ground.choices, "errors": errors,
                                                 "post": request.POST}, status=400 if errors else 200)


@replica_reads
def status(request):
    """Status by tracking code: the state and the answer, nothing about anyone (CMP-1)."""
    center = current_center(request)
    c = None
    asked = "code" in request.GET
    limited = asked and _limited(request, "complaint-status")
    if asked and not limited:
        c = Complaint.objects.filter(code=request.GET.get("code", "").strip().upper()).first()
    return render(request, "feedback/status.html", {"center": center, "c": c, "asked": asked, "limited": limited},
                  status=429 if limited else 200)


@login_required
def desk(request):
    """The office's complaint desk: by status, overdue supervision orders first; office entry of complaints
    received by phone, letter, e-mail or from the box."""
    if not _office_view(request.user):
        if _dept_of(request.user):
            return redirect("feedback:inbox")
        _forbid()
    center = current_center(request)
    errors: list[str] = []
    if request.method == "POST":
        try:
            with transaction.atomic():
                sent = once.claim(request)
                c = sent.made(_file(request, Actor.of(request.user), center, request.POST.get("channel", "")))
        except once.AlreadySent as first:  # the same form again (SEC-2): the complaint the first one entered
            return once.answer(request, first, lambda c: redirect("feedback:detail", code=c.code), "feedback:desk")
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Complaint)) for p in exc.problems]
        else:
            messages.success(request, _("Complaint %(code)s entered.") % {"code": c.code})
            return redirect("feedback:detail", code=c.code)
    wanted = request.GET.get("status", "")
    overdue_ids = set(services.overdue(center).values_list("pk", flat=True))
    rows = Complaint.objects.filter(center=center).select_related("department")
    if wanted in ComplaintStatus.values:
        rows = rows.filter(status=wanted)
    elif wanted == "overdue":
        rows = rows.filter(pk__in=overdue_ids)
    rows = rows.annotate(late=Case(When(pk__in=overdue_ids, then=Value(0)), default=Value(1),
                                   output_field=IntegerField())).order_by("late", "status", "-received_at")[:200]
    counts = dict.fromkeys(ComplaintStatus.values, 0)
    counts.update(Complaint.objects.filter(center=center).values_list("status").annotate(n=Count("id")))
    return render(request, "feedback/desk.html", {
        "center": center, "rows": rows, "overdue": overdue_ids, "wanted": wanted, "errors": errors,
        "post": request.POST, "statuses": [(v, label, counts[v]) for v, label in ComplaintStatus.choices],
        "channels": [c for c in Channel.choices if c[0] != Channel.ONLINE], "grounds": Ground.choices,
        "year_escalations": services.escalations(center, clock.today(center).year),
        "can_enter": allowed(request.user, "complaint.handle", Target(center))})


@login_required
def inbox(request):
    """A department's complaint inbox: supervision orders to answer in writing (overdue first), complaints
    withdrawn after its windows' explanation (fed back, CMP-3), and what was answered."""
    me = _dept_of(request.user)
    if me is None:
        if _office_view(request.user):
            return redirect("feedback:desk")
        _forbid()
    center = current_center(request)
    today = clock.today(center)
    mine = Complaint.objects.filter(center=center, department_id=me.department_id).select_related("window", "staff")
    orders = list(mine.filter(status=ComplaintStatus.SUPERVISED).order_by("due", "received_at"))
    return render(request, "feedback/inbox.html", {
        "center": center, "department": me.department, "orders": orders, "today": today,
        "fed_back": mine.filter(status=ComplaintStatus.WITHDRAWN).order_by("-received_at")[:30],
        "registered": mine.filter(status=ComplaintStatus.REGISTERED).order_by("-received_at")[:30],
        "done": mine.filter(status__in=[ComplaintStatus.REPLIED, ComplaintStatus.ANSWERED])
        .order_by("-received_at")[:30]})


@login_required
def detail(request, code: str):
    center = current_center(request)
    c = get_object_or_404(Complaint.objects.select_related("department", "window", "staff"), center=center,
                          code=code)
    if not _may_see(request.user, c):
        _forbid()
    office = allowed(request.user, "complaint.handle", Target(center))
    if request.method == "POST":
        actor = Actor.of(request.user)
        action = request.POST.get("action")
        if not (office or action == "reply" and services.may_reply(request.user, c)):
            _forbid()
        dept = Department.objects.filter(center=center, code=request.POST.get("department", "")).first()
        try:
            if action in ("register", "withdrawn", "invalid"):
                services.intake(actor, c, action, reason=request.POST.get("reason", ""), department=dept,
                                window=Window.objects.filter(center=center, code=request.POST.get("window", "")).first(),
                                staff=named_in_form(center, "staff", request.POST.get("staff", "")))
            elif action == "supervise":
                days = number_of(request.POST.get("days"), "days", 1, 365)
                if dept is None and c.department is None:
                    raise RuleViolation(Problem("department", _("choose the department to supervise")))
                to_dept = dept or c.department
                assert to_dept is not None  # refused just above when neither is known
                services.supervise(actor, c, to_dept, days, request.POST.get("instruction", ""))
            elif action == "reply":
                services.department_reply(actor, c, request.POST.get("result", ""),
                                          request.POST.get("rectification", ""), request.POST.get("upheld") == "1")
            elif action in ("answer", "on_the_spot"):
                upheld = request.POST.get("upheld")
                services.answer(actor, c, request.POST.get("answer", ""), on_the_spot=action == "on_the_spot",
                                upheld=None if upheld in (None, "") else upheld == "1")
            elif action == "accountable":
                person = Staff.objects.filter(center=center, code=request.POST.get("person", "")).first()
                if person is None:
                    raise RuleViolation(Problem("person", _("choose the person held accountable (CMP-5)")))
                try:
                    with transaction.atomic():
                        sent = once.claim(request)
                        sent.made(services.hold_accountable(actor, center, person, request.POST.get("outcome", ""),
                                                            clock.today(center), complaint=c,
                                                            note=request.POST.get("note", "")))
                except once.AlreadySent:
                    pass  # the same form again (SEC-2): recorded once
            else:
                raise RuleViolation(_("unknown action"))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Accountability)))
        except ValueError:
            messages.error(request, _("days: a whole number"))
        else:
            messages.success(request, _("Recorded."))
        if not office and not _may_see(request.user, Complaint.objects.get(pk=c.pk)):
            return redirect("feedback:inbox")
        return redirect("feedback:detail", code=c.code)
    return render(request, "feedback/detail.html", {
        "center": center, "c": c, "steps": c.steps.all(), "attachments": c.attachments.all(),
        "target_words": _target_words(c),
        "departments": Department.objects.filter(center=center),
        "windows": Window.objects.filter(center=center).select_related("department"),
        # issue 17 item 1: the target person and the person held accountable by name, grouped by department,
        # the complaint's window's people first (site.js narrows when another window is chosen)
        # (people who have left too, marked: a complaint names who served then, CMP-3, CMP-5)
        "target_people": pickable(request.user, center, action="complaint.handle", window=c.window,
                                  department=c.department, former=True) if office else None,
        "accountable_people": pickable(request.user, center, action="accountability.record", window=c.window,
                                       department=c.department, former=True).chosen(c.staff.code if c.staff else None)
        if office else None,
        "outcomes": [o for o in Outcome.choices if o[0] != Outcome.EFFICIENCY_ACCOUNTABILITY],
        "accountability": c.accountabilities.select_related("staff"), "office": office,
        "may_reply": services.may_reply(request.user, c),
        "overdue": c.status == ComplaintStatus.SUPERVISED and c.due is not None and c.due < clock.today(center)})


def _target_words(c: Complaint) -> str:
    """The complainant's own words about whom they complain of, when they say more than the department, window
    and person already named (issue 17 item 4: the detail names its target once)."""
    words = (c.target_text or "").strip()
    rest = words
    for name in (c.department.name if c.department else "", c.window.name if c.window else "",
                 c.staff.name if c.staff else ""):
        if name:
            rest = rest.replace(name, "")
    return words if rest.strip(" ，,、;；.。/") else ""


@login_required
def attachment(request, code: str, pk: int):
    """An attachment, for those who may see the complaint; served as stored, never guessed from its name."""
    center = current_center(request)
    c = get_object_or_404(Complaint, center=center, code=code)
    if not _may_see(request.user, c):
        _forbid()
    a = get_object_or_404(ComplaintAttachment, complaint=c, pk=pk)
    response = FileResponse(a.file.open("rb"), content_type=a.content_type,
                            as_attachment=a.content_type == "application/pdf", filename=a.name)
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _month(request, center) -> tuple[int, int]:
    today = clock.today(center)
    return month_param(request, (today.year, today.month))


@login_required
@replica_reads
def monthly_summary(request):
    """The monthly complaint summary (CMP-1..6, FIR-4), printable; ``?format=xlsx`` for the workbook."""
    if not _office_view(request.user):
        _forbid()
    center = current_center(request)
    year, month = _month(request, center)
    s = summary.monthly(center, year, month)
    if request.GET.get("format") == "xlsx":
        record_export(request.user, "complaints.summary.xlsx",  # SEC-7: complainants' names, masked contacts
                      {"center": center.code, "month": f"{year}-{month:02d}", "complaints": len(s.complaints)})
        return xlsx_response(summary.xlsx(center, s), f"complaints-{year}-{month:02d}.xlsx")
    prev = dt.date(year, month, 1) - dt.timedelta(days=1)
    nxt = dt.date(year, month, 28) + dt.timedelta(days=4)
    return render(request, "feedback/summary.html", {"center": center, "s": s, "month": f"{year}-{month:02d}",
                                                     "prev": f"{prev:%Y-%m}", "next": f"{nxt:%Y-%m}"})


@login_required
@replica_reads
def record(request, code: str):
    """One person's record for a year across complaints, first inquiries and vacancies (CMP-5, FIR-5, NV-8).
    The office and inspectors see anyone; a department's leader or window head their own department; everyone
    their own."""
    center = current_center(request)
    staff = get_object_or_404(Staff.objects.select_related("department"), center=center, code=code)
    authorize(request.user, "record.read", Target(center, person=staff))  # oneself, heads, oversight (SEC-5)
    office = allowed(request.user, "accountability.record", Target(center))
    if request.method == "POST":
        # FIR-5: the office records 诫勉谈话, 考核扣分 or 通报批评 for a first inquiry not followed to the end.
        inq = Inquiry.objects.filter(center=center, pk=pk_of(request.POST.get("inquiry")) or 0).first()
        try:
            if inq is None or staff.pk not in (inq.responsible_id, inq.to_staff_id):
                raise RuleViolation(Problem("inquiry", _("a first inquiry this person answered for or received")))
            try:
                with transaction.atomic():
                    sent = once.claim(request)
                    sent.made(services.hold_accountable(Actor.of(request.user), center, staff,
                                                        request.POST.get("outcome", ""), clock.today(center),
                                                        inquiry=inq, note=request.POST.get("note", "")))
            except once.AlreadySent:
                pass  # the same form again (SEC-2): recorded once
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Accountability)))
        else:
            messages.success(request, _("Recorded."))
        return redirect(f"{request.path}?year={request.GET.get('year', '')}")
    year = year_param(request, clock.today(center).year)
    from servicehall.duty.models import SanctionLevel

    r = person_record(center, staff, year)
    # Links only to pages this reader may open (SEC-5): a clerk reads the complaints naming them here, not the file.
    for c in r.complaints:
        c.linked = _may_see(request.user, c)  # type: ignore[attr-defined]
    for a in r.accountability:
        a.linked = a.complaint is not None and _may_see(request.user, a.complaint)  # type: ignore[attr-defined]
    for violation in r.red_cases:
        violation.linked = _may_read_case(request.user, violation.case)  # type: ignore[attr-defined]
    linked_records = {e.staff.code for e in r.as_window_head
                      if allowed(request.user, "record.read", Target(center, person=e.staff))}
    me = person_of(request.user)
    from servicehall.duty.models import AnomalyKind
    from servicehall.tickets.models import Rating

    return render(request, "feedback/record.html", {
        "center": center, "r": r, "year": year, "levels": SanctionLevel, "office": office,
        "mine": me is not None and me.pk == staff.pk, "linked_records": linked_records,
        "appeals_open": allowed(request.user, "duty.appeal", Target(center, person=staff)),
        "duty_reader": allowed(request.user, "duty.read", Target(center, person=staff)),
        "staff_list": allowed(request.user, "record.read", Target(center, department=staff.department)),
        "anomaly_kinds": AnomalyKind, "rating_levels": [(k, label, r.ratings.get(k, 0)) for k, label in Rating.LEVELS],
        "fir_outcomes": [o for o in Outcome.choices if o[0] in (Outcome.ADMONITION, Outcome.POINTS,
                                                                Outcome.CRITICISM)]})


@login_required
def inquiries(request):
    """首问登记 at the workstation or guide desk (FIR-1..4): a fast form, my list (transfers stay until closed),
    what others passed to me."""
    center = current_center(request)
    me = getattr(request.user, "staff", None)
    actor = Actor.of(request.user)
    kept = QueryDict()  # a refused registration comes back with what was typed (FIR-1: seconds, not a second try)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register":
                try:
                    with transaction.atomic():
                        sent = once.claim(request)
                        inq = sent.made(_register(request, actor, center))
                except once.AlreadySent as first:  # the same form again (SEC-2): answered as the first was
                    inq = first.record
                    if inq is None:
                        return once.sent_before(request, "feedback:inquiries")
                if inq.status == InquiryStatus.TRANSFERRED:
                    return redirect("feedback:inquiry_slip", pk=inq.pk)
                if inq.missing:
                    return redirect("feedback:inquiry_slip", pk=inq.pk)
            elif action == "pass_on":
                inq = get_object_or_404(Inquiry, pk=pk_of(request.POST.get("inquiry")), center=center, responsible=me)
                inq = fir.pass_on(actor, inq, named_in_form(center, "transfer_to", request.POST.get("to_staff", "")),
                                  Window.objects.filter(center=center, code=request.POST.get("to_window", "")).first())
                return redirect("feedback:inquiry_slip", pk=inq.pk)
            else:
                inq = get_object_or_404(Inquiry, pk=pk_of(request.POST.get("inquiry")), center=center)
                if action == "close":
                    fir.close(actor, inq, request.POST.get("outcome", ""))
                elif action == "send_back":
                    fir.send_back(actor, inq, request.POST.get("reason", ""))
                else:
                    raise RuleViolation(_("unknown action"))
            messages.success(request, _("Recorded."))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, shown(p, labels=labels_of(Inquiry)))
            if action == "register":
                kept = request.POST
        if not kept:
            return redirect("feedback:inquiries")
    today = clock.today(center)
    mine = (Inquiry.objects.filter(center=center, responsible=me)
            .select_related("to_staff", "to_window", "item", "case")[:50])
    inbox = fir.inbox(center, me)
    people = pickable(request.user, center, action="inquiry.register", exclude=[me])  # read once, three lists
    return render(request, "feedback/inquiries.html", {
        "center": center, "mine": mine, "inbox": inbox, "today": today, "channels": InquiryChannel.choices, "me": me,
        "v": kept, "also": kept.getlist("also") if kept else [],
        # issue 17 item 1: whom to transfer to, by name, grouped by department, the chosen window's people first
        "transfer_people": people.chosen(kept.get("to_staff") if kept else None),
        "pass_people": people,
        "also_people": people.chosen(kept.getlist("also") if kept else None),
        "windows": Window.objects.filter(center=center).select_related("department"),
        "items": ServiceItem.objects.filter(center=center, active=True).order_by("code"),
        "overdue": set(fir.overdue_transfers(center, today).values_list("pk", flat=True))})


def _split(text: str) -> list[str]:
    return [n.strip() for n in text.replace("，", ",").replace("、", ",").split(",") if n.strip()]


def _register(request, actor, center) -> Inquiry:
    post = request.POST
    item = ServiceItem.objects.filter(center=center, code=post.get("item", "")).first()
    return fir.register(
        actor, center, channel=post.get("channel", "visit"), asker=post.get("asker", ""),
        phone=post.get("phone", ""), matter=post.get("matter", ""),
        materials=[{"name": n, "count": 1} for n in _split(post.get("materials", ""))],
        also_asked=list(Staff.objects.filter(center=center, code__in=post.getlist("also"))),
        transfer_to=named_in_form(center, "transfer_to", post.get("to_staff", "")),
        to_window=Window.objects.filter(center=center, code=post.get("to_window", "")).first(),
        item=item, missing=_split(post.get("missing", "")))


@login_required
def inquiry_slip(request, pk: int):
    """The printable slip (FIR-2): where to go for a transfer, or the one-time notice of what is still needed."""
    center = current_center(request)
    inq = get_object_or_404(Inquiry.objects.select_related("to_staff", "to_window", "to_staff__department",
                                                           "responsible", "responsible__department", "item", "case"),
                            pk=pk, center=center)
    # The slip's own number (FIR-2); its QR code opens the case's progress lookup (the number only, PUB-2),
    # else the item's guide, else the center's home page.
    if inq.case is not None:
        doc = printouts.document(request, center, f"SW{inq.pk:06d}", case_number=inq.case.number)
    else:
        path = reverse("web:guide", args=[inq.item.code]) if inq.item else reverse("web:home")
        doc = printouts.document(request, center, f"SW{inq.pk:06d}",
                                 path=path + "?" + urlencode({"center": center.code}))
    # FIR-2: a matter passed to a person (not a window) says where that person works on the inquiry's day — the
    # windows of the posts they hold as A or B; with none, their department (nothing is guessed).
    day = clock.local_date(center, inq.at)
    staff_windows = ([{"window": w, "role": role} for w, role in assignments.windows_of(
        inq.to_staff, day, center, removed=presence.removed_from)]  # ASM-3: not a post they were removed from
                     if inq.to_staff is not None and inq.to_window is None else [])
    return render(request, "feedback/inquiry_slip.html", {"center": center, "inq": inq, "day": day,
                                                          "staff_windows": staff_windows, **doc})
