"""Complaint pages: the public form and status (CMP-1, no login, rate-limited), the office's desk (CMP-3, CMP-4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor, system_actor
from servicehall.errors import RuleViolation
from servicehall.org.access import current_center, is_manager
from servicehall.org.calendar import local_today
from servicehall.org.models import Department, Staff, Window

from . import services
from .models import Channel, Complaint, ComplaintStatus, Ground

PUBLIC_TRIES, PUBLIC_WINDOW = 10, 600


def _limited(request, what: str) -> bool:
    key = f"{what}:{request.META.get('REMOTE_ADDR', '')}"
    tries = cache.get_or_set(key, 0, PUBLIC_WINDOW)
    if tries >= PUBLIC_TRIES:
        return True
    cache.incr(key)
    return False


def new_complaint(request):
    """The public complaint form: real name encouraged, anonymity allowed; a tracking code comes back."""
    center = current_center(request)
    errors: list[str] = []
    if request.method == "POST":
        if _limited(request, "complaint"):
            return render(request, "feedback/new.html", {"center": center, "limited": True}, status=429)
        try:
            c = services.file_complaint(system_actor("public-complaint"), center, channel=Channel.ONLINE,
                                        ground=request.POST.get("ground", ""), matter=request.POST.get("matter", ""),
                                        name=request.POST.get("name", ""), phone=request.POST.get("phone", ""),
                                        anonymous=bool(request.POST.get("anonymous")),
                                        target_text=request.POST.get("target", ""))
        except RuleViolation as exc:
            errors = [str(p) for p in exc.problems]
        else:
            return render(request, "feedback/filed.html", {"center": center, "c": c})
    return render(request, "feedback/new.html", {"center": center, "grounds": Ground.choices, "errors": errors,
                                                 "post": request.POST})


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
    """The office's complaint desk: by status, overdue supervision orders first."""
    if not is_manager(request.user):
        raise PermissionDenied(_("This page is for the hall's managers."))
    center = current_center(request)
    overdue_ids = set(services.overdue(center).values_list("pk", flat=True))
    rows = (Complaint.objects.filter(center=center).select_related("department")
            .annotate(late=Case(When(pk__in=overdue_ids, then=Value(0)), default=Value(1),
                                 output_field=IntegerField())).order_by("late", "status", "-received_at")[:200])
    return render(request, "feedback/desk.html", {"center": center, "rows": rows, "overdue": overdue_ids,
                                                  "year_escalations": services.escalations(
                                                      center, local_today(center).year)})


@login_required
def detail(request, code: str):
    if not is_manager(request.user):
        raise PermissionDenied(_("This page is for the hall's managers."))
    center = current_center(request)
    c = get_object_or_404(Complaint, center=center, code=code)
    if request.method == "POST":
        actor = Actor.of(request.user)
        action = request.POST.get("action")
        dept = Department.objects.filter(center=center, code=request.POST.get("department", "")).first()
        try:
            if action in ("register", "withdrawn", "invalid"):
                services.intake(actor, c, action, reason=request.POST.get("reason", ""), department=dept,
                                window=Window.objects.filter(center=center, code=request.POST.get("window", "")).first(),
                                staff=Staff.objects.filter(center=center, code=request.POST.get("staff", "")).first())
            elif action == "supervise":
                services.supervise(actor, c, dept or c.department, int(request.POST.get("days") or 0),
                                   request.POST.get("instruction", ""))
            elif action == "reply":
                services.department_reply(actor, c, request.POST.get("result", ""),
                                          request.POST.get("rectification", ""), request.POST.get("upheld") == "1")
            elif action in ("answer", "on_the_spot"):
                upheld = request.POST.get("upheld")
                services.answer(actor, c, request.POST.get("answer", ""), on_the_spot=action == "on_the_spot",
                                upheld=None if upheld in (None, "") else upheld == "1")
            elif action == "accountable":
                services.hold_accountable(actor, center, get_object_or_404(Staff, center=center,
                                                                           code=request.POST.get("person")),
                                          request.POST.get("outcome", ""), local_today(center), complaint=c,
                                          note=request.POST.get("note", ""))
            else:
                raise RuleViolation(_("unknown action"))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, str(p))
        except ValueError:
            messages.error(request, _("days: a whole number"))
        return redirect("feedback:detail", code=c.code)
    from .models import Outcome

    return render(request, "feedback/detail.html", {
        "center": center, "c": c, "steps": c.steps.all(), "departments": Department.objects.filter(center=center),
        "windows": Window.objects.filter(center=center), "staff": Staff.objects.filter(center=center, active=True),
        "outcomes": Outcome.choices, "statuses": ComplaintStatus})


@login_required
def inquiries(request):
    """首问登记 at the workstation or guide desk (FIR-1..4): a fast form, my list (transfers stay until closed),
    what others passed to me."""
    from . import inquiries as fir
    from .models import Inquiry, InquiryStatus

    center = current_center(request)
    me = getattr(request.user, "staff", None)
    actor = Actor.of(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register":
                to = Staff.objects.filter(center=center, code=request.POST.get("to_staff", "")).first()
                window = Window.objects.filter(center=center, code=request.POST.get("to_window", "")).first()
                also = list(Staff.objects.filter(center=center, code__in=request.POST.getlist("also")))
                mats = [{"name": n.strip(), "count": 1} for n in request.POST.get("materials", "").replace("，", ",")
                        .split(",") if n.strip()]
                inq = fir.register(actor, center, channel=request.POST.get("channel", "visit"),
                                   asker=request.POST.get("asker", ""), phone=request.POST.get("phone", ""),
                                   matter=request.POST.get("matter", ""), materials=mats, also_asked=also,
                                   transfer_to=to, to_window=window)
                if inq.status == InquiryStatus.TRANSFERRED:
                    return redirect("feedback:inquiry_slip", pk=inq.pk)
            else:
                inq = get_object_or_404(Inquiry, pk=request.POST.get("inquiry"), center=center, to_staff=me)
                if action == "close":
                    fir.close(actor, inq, request.POST.get("outcome", ""))
                else:
                    fir.send_back(actor, inq, request.POST.get("reason", ""))
            messages.success(request, _("Recorded."))
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, str(p))
        return redirect("feedback:inquiries")
    today = local_today(center)
    mine = Inquiry.objects.filter(center=center, responsible=me).select_related("to_staff", "to_window")[:50]
    inbox = Inquiry.objects.filter(center=center, to_staff=me, status=InquiryStatus.TRANSFERRED)
    return render(request, "feedback/inquiries.html", {
        "center": center, "mine": mine, "inbox": inbox, "today": today, "channels": Channel.choices,
        "staff": Staff.objects.filter(center=center, active=True), "windows": Window.objects.filter(center=center),
        "overdue": set(fir.overdue_transfers(center, today).values_list("pk", flat=True))})


@login_required
def inquiry_slip(request, pk: int):
    """The printable slip telling the applicant exactly where to go (FIR-2)."""
    from .models import Inquiry

    center = current_center(request)
    inq = get_object_or_404(Inquiry.objects.select_related("to_staff", "to_window", "to_staff__department",
                                                           "responsible"), pk=pk, center=center)
    return render(request, "feedback/inquiry_slip.html", {"center": center, "inq": inq})
