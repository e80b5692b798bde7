"""Pages: the public site (PUB-1/2, CASE-1) and the managers' daily tools (ORG-3/4, CASE-5)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Field, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.catalog.models import Material, ServiceItem, SpecialProcedure
from servicehall.catalog.services import search_items
from servicehall.core.dbrouter import replica_reads
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org import services as org
from servicehall.org.abcheck import ab_report
from servicehall.org.access import current_center, department_limit, is_manager, may, roles_of
from servicehall.org.calendar import covered_years
from servicehall.org.choices import Role
from servicehall.org.models import CalendarDay, CalendarYear, Center, Department, Post, Staff
from servicehall.org.permissions import Forbidden
from servicehall.rules.arrangement import parse_notice
from servicehall.rules.identity import mask_id_number, mask_phone
from servicehall.rules.workdays import official_arrangement


# -- public --------------------------------------------------------------------
@replica_reads
def home(request):
    """The center's public home page (PUB-1, ORG-5): who we are, who serves where, what we do."""
    center = current_center(request)
    # the departments the public deals with: those with a window or a published item (not the center's office)
    departments = [d for d in Department.objects.filter(center=center)
                   .annotate(n_items=Count("items", filter=Q(items__active=True), distinct=True))
                   .prefetch_related("windows") if d.n_items or d.windows.all()]
    posts = (Post.objects.filter(center=center).select_related("a", "b", "window", "department")
             .order_by("window__sort", "code"))
    from servicehall.tickets.remoteviews import home_block

    return render(request, "web/home.html", {
        "center": center, "departments": departments, "posts": posts,
        "n_items": ServiceItem.objects.filter(center=center, active=True).count(),
        **home_block(request),  # the phone ticket page's QR code
    })


def staff_photo(request, center: str, code: str):
    """A staff member's photo (ORG-5, Q-4), for the pages that show it: the identity board, the hall board and the
    rating pad show the people who serve the public — A and B of posts and window clerks (stand-ins among them);
    anyone else's photo only to those who keep the org chart. Served as stored, never as a directory listing."""
    from django.http import FileResponse

    place = Center.objects.filter(code=center).first()
    staff = Staff.objects.filter(center=place, code=code).first() if place is not None else None
    if place is None or staff is None or not staff.photo:
        raise Http404(_("No such photo."))
    public = staff.active and (Post.objects.filter(Q(a=staff) | Q(b=staff)).exists()
                               or staff.roles.filter(role=Role.WINDOW).exists())
    if not public and not may(request, "org.edit", place):
        raise Http404(_("No such photo."))
    kind = "image/png" if (staff.photo.name or "").endswith(".png") else "image/jpeg"
    response = FileResponse(staff.photo.open("rb"), content_type=kind)
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "max-age=300"
    return response


def _grouped_items(center: Center, q: str, dept: str):
    qs = ServiceItem.objects.filter(center=center, active=True).select_related("department")
    if dept:
        qs = qs.filter(department__code=dept)
    # CASE-1, PUB-2: name, content fields, materials and common words (社保卡 → 社会保障卡), best match first;
    # the departments in the order of their best item.
    qs = search_items(qs, q) if q else qs.order_by("department__sort", "code")
    groups: OrderedDict = OrderedDict()
    count = 0
    for item in qs:
        groups.setdefault(item.department, []).append(item)
        count += 1
    return groups, count


@replica_reads
def guides(request):
    """Service guides with search (CASE-1, PUB-2); htmx swaps just the results while typing."""
    center = current_center(request)
    q = request.GET.get("q", "").strip()
    dept = request.GET.get("dept", "")
    groups, count = _grouped_items(center, q, dept)
    context = {"center": center, "groups": groups, "count": count, "q": q, "dept": dept,
               "departments": Department.objects.filter(center=center)}
    if request.htmx:
        return render(request, "web/_guide_results.html", context)
    return render(request, "web/guides.html", context)


@replica_reads
def guide_detail(request, code: str):
    """One printable service guide — 办事指南 (CASE-1), A4 print styles."""
    center = current_center(request)
    item = (ServiceItem.objects.filter(center=center, code=code, active=True).select_related("department")
            .prefetch_related(Prefetch("materials", Material.objects.order_by("sort")),
                              Prefetch("special_procedures", SpecialProcedure.objects.order_by("sort", "id")),
                              Prefetch("posts", Post.objects.select_related("window"))).first())
    if item is None:
        raise Http404(_("No such service item."))
    return render(request, "web/guide_detail.html", {
        "center": center, "item": item, "versions": item.guide_versions.order_by("-number")})


# -- staff ---------------------------------------------------------------------------
@login_required
def dashboard(request):
    """The workbench: a card for each page the permission table lets this person use here (SEC-5)."""
    from django.utils.http import urlencode

    from servicehall.org.permissions import Scope, person_of, scope_of

    center = current_center(request)

    def reach(*actions: str) -> Scope | None:
        """The widest scope of any of ``actions`` in this center, None when none of them is allowed."""
        scopes = [s for s in (scope_of(request.user, a, center)[0] for a in actions) if s is not None]
        return max(scopes) if scopes else None

    me = person_of(request.user)
    complaints = reach("complaint.read")
    duty = reach("duty.read") is not None
    return render(request, "web/dashboard.html", {
        "center": center, "roles": [Role(r).label for r in sorted(roles_of(request.user))],
        "show": {
            "complaint_desk": complaints is not None and complaints >= Scope.CENTER,
            "complaint_inbox": complaints == Scope.DEPARTMENT,
            "record": me is not None and me.center_id == center.pk and may(request, "record.read", center, person=me),
            "inquiries": reach("inquiry.register") is not None,
            "caller": reach("ticket.serve") is not None,
            "queue_stats": reach("queue.read") is not None,
            "rankings": reach("ranking.read") is not None,  # ASM-4; ASM-2's replacement requests for the heads
            "director": reach("director.read") is not None,
            "bad_ratings": reach("rating.handle") is not None,
            "my_ratings": me is not None and me.center_id == center.pk,  # EVAL-5: own ratings, appeals
            "rating_appeals": may(request, "rating.appeal.decide", center),
            "queue_settings": may(request, "queue.limits", center) or may(request, "ticket.front", center),
            "cases": reach("case.receive", "case.receive_joint", "case.handle", "case.decide") is not None,
            "assist": reach("assist.handle") is not None,
            "courier": reach("courier.handover", "courier.schedule") is not None,
            "duty": duty,
            "absences": me is not None and reach("absence.request", "absence.approve", "absence.file") is not None,
            "alerts": me is not None,
            "ab_check": duty or may(request, "org.edit", center),
            "staff": (may(request, "org.edit", center) or may(request, "account.manage", center)
                      or (reach("record.read") or 0) >= Scope.DEPARTMENT),
            "calendar": may(request, "calendar.edit", center),
            "extended": may(request, "duty.extended", center),
            "settings": may(request, "policy.edit", center),
            "outbox": may(request, "outbox.resend", center),
            "devices": may(request, "device.manage", center),
            "workstation": me is not None and _workstation_here(request, me),
            "catalog": may(request, "catalog.edit", center),
            "audit": may(request, "audit.read", center),
        },
        "unread": _unread(request.user),
        # A county office that switched centers keeps the chosen center on every card's page.
        "suffix": "?" + urlencode({"center": center.code}) if request.GET.get("center") else "",
    })


def _workstation_here(request, me) -> bool:
    """This browser is a window workstation of the person's center (issue 13: 签到/签退 from the workbench)."""
    from servicehall.duty.devicepages import workstation_of

    device = workstation_of(request)
    return device is not None and device.center_id == me.center_id


def _unread(user) -> int:
    from servicehall.core.notify import unread

    return unread(getattr(user, "staff", None))  # muted kinds and withdrawn alerts are not unread (issue 17 item 3)


def _missing_b_text(reason, report) -> str:
    staff = report.staff.get(reason.staff)
    who = f"{staff.name}（{staff.code}）" if staff else (reason.staff or "")
    if reason.kind == "no_b":
        return _("No B assigned (ORG-3)")
    if reason.kind == "same_as_a":
        return _("A and B are the same person (ORG-3)")
    if reason.kind == "inactive":
        return _("B %(who)s is no longer active staff (ORG-3)") % {"who": who}
    return _("B %(who)s is not qualified for %(items)s (ORG-4)") % {"who": who, "items": "、".join(reason.items)}


@login_required
def ab_check(request):
    """The manager's daily AB check (ORG-3, ORG-4)."""
    center = current_center(request)
    editor = may(request, "org.edit", center)
    if not editor:
        department_limit(request, "duty.read", center)  # managers read it (SEC-5)
    report = ab_report(center)
    f = report.findings
    return render(request, "web/ab_check.html", {
        "center": center, "report": report, "office": editor,
        "all_posts": sorted(report.posts.values(), key=lambda p: p.code) if editor else [],
        "missing_b": [(report.posts[code], [_missing_b_text(r, report) for r in reasons])
                      for code, reasons in f.posts_without_valid_b.items()],
        "overloaded": [(report.staff[code], [report.posts[p] for p in posts])
                       for code, posts in f.overloaded_b.items()],
        "pools": [([report.staff[s] for s in people], [report.posts[p] for p in posts])
                  for people, posts in f.small_pools],
    })


@login_required
def staff_list(request):
    """Staff with their roles; personal data masked unless the viewer manages (SEC-3)."""
    center = current_center(request)
    full = is_manager(request.user)
    roles = roles_of(request.user)
    me = getattr(request.user, "staff", None)
    sees_all = bool(roles & {Role.OFFICE, Role.INSPECTOR})
    own_dept = me.department_id if me is not None and roles & {Role.DEPT_LEADER, Role.WINDOW_HEAD} else None
    rows = []
    for s in (Staff.objects.filter(center=center).select_related("department")
              .prefetch_related("roles", "a_posts", "b_posts")):
        rows.append({
            "staff": s, "roles": [r.get_role_display() for r in s.roles.all()],
            "phone": s.phone if full else mask_phone(s.phone),
            "id_number": s.id_number if full else mask_id_number(s.id_number),
            "a_posts": [p.code for p in s.a_posts.all()], "b_posts": [p.code for p in s.b_posts.all()],
            "record": sees_all or s.department_id == own_dept or (me is not None and me.pk == s.pk),
        })
    return render(request, "web/staff_list.html", {
        "center": center, "rows": rows, "masked": not full,
        "office": may(request, "org.edit", center) or may(request, "account.manage", center),
        "adds": may(request, "org.edit", center)})


def _arrangement_problem(p) -> str:
    """A parsing problem in the reader's language, naming its line (CASE-5)."""
    return _("Line %(line)s: %(problem)s") % {"line": p.line, "problem": _(p.msgid) % p.params if p.params
                                               else _(p.msgid)}


@login_required
def calendar_page(request):
    """The center office enters a year's arrangement by pasting the State Council notice (CASE-5).

    Nothing is guessed: the pasted text is parsed and previewed (each holiday and makeup day, the lines passed
    over), and a year counts as entered only when the office confirms an arrangement that settles all seven
    holidays. For a year the official calendar covers, the lines become the center's own extra days.
    """
    center = current_center(request)
    office = may(request, "calendar.edit", center)
    errors: list[str] = []
    text = ""
    year_value = request.POST.get("year", "")
    preview = None
    if request.method == "POST":
        if not office:
            raise Forbidden("calendar.edit")
        text = request.POST.get("text", "")
        try:
            year = int(year_value)
        except ValueError:
            errors.append(_("Year: %(value)s is not a year; write it as four digits, e.g. 2027.")
                          % {"value": year_value or "—"})
        else:
            parsed = parse_notice(year, text)
            errors.extend(_arrangement_problem(p) for p in parsed.problems)
            extra_days = year in official_arrangement()
            if not parsed.days and not parsed.problems:
                errors.append(_("Text: no holiday or makeup day found; paste the notice's holiday lines (CASE-5)."))
            elif not extra_days and parsed.missing and not parsed.problems:
                errors.append(_("Text: the arrangement for %(year)s does not settle %(missing)s; paste the whole "
                                "notice (CASE-5).") % {"year": year, "missing": "、".join(parsed.missing)})
            preview = {"year": year, "parsed": parsed, "extra_days": extra_days,
                       "off": [d for d in parsed.days if not d.workday],
                       "work": [d for d in parsed.days if d.workday],
                       "digest": hashlib.sha256(f"{year}\n{text}".encode()).hexdigest()}
            # A sound preview keeps its confirmation box and save button even when saving is refused below
            # (not confirmed, or the text changed since): the office confirms and saves from this page.
            preview["sound"] = not errors
            if not errors and request.POST.get("action") == "save":
                if request.POST.get("digest") != preview["digest"]:
                    errors.append(_("The text changed since the preview; check the new preview, then save."))
                elif request.POST.get("confirm") != "1":
                    errors.append(_("Confirm that the preview is the full arrangement for %(year)s before saving.")
                                  % {"year": year})
                else:
                    try:
                        if extra_days:
                            for d in parsed.days:
                                org.save_calendar_day(Actor.of(request.user), center, d.date, d.workday, d.note)
                        else:
                            org.enter_calendar_year(Actor.of(request.user), center, year,
                                                    [(d.date, d.workday, d.note) for d in parsed.days],
                                                    source=request.POST.get("source", "")[:200])
                    except RuleViolation as exc:
                        errors.extend(shown(p, labels=labels_of(CalendarDay, CalendarYear, days=_("Notice text"), year=_("Year"))) for p in exc.problems)
                    else:
                        messages.success(request, _("%(year)s: %(n)s days saved.")
                                         % {"year": year, "n": len(parsed.days)})
                        return redirect("web:calendar")
    official = sorted(official_arrangement())
    entered = CalendarYear.objects.filter(center=center)
    this_year = dt.date.today().year
    missing = [y for y in (this_year, this_year + 1) if y not in covered_years(center)]
    local_days = CalendarDay.objects.filter(center=center, date__year__gte=this_year - 1).order_by("date")
    return render(request, "web/calendar.html", {
        "center": center, "official_span": (official[0], official[-1]), "entered": entered,
        "missing": missing, "local_days": local_days, "errors": errors, "text": text,
        "year_value": year_value, "office": office, "preview": preview,
        "source": request.POST.get("source", ""),
    })


SETTING_FIELDS = ["sessions", "clock_in_grace", "arrive_early_minutes", "pause_grace_minutes", "pause_daily_minutes",
                  "handover_lead_days", "device_backfill_hours",
                  "ladder_window", "merge_same_day", "notice_max_days", "yellow_at", "bad_rating_days", "b_max_posts",
                  "ab_small_pool", "starve_minutes", "notify_ahead", "inquiry_transfer_days", "remedy_text",
                  "assessment_points", "assessment_grades",  # ASM-2: JSON tables, empty for the defaults
                  "no_show_limit", "no_show_block_days",
                  "digest_hour"]  # issue 17 item 3


def sessions_text(sessions: list[list[str]]) -> str:
    """The opening sessions as a person writes them: ``08:30-12:00, 14:30-17:30``."""
    return ", ".join(f"{a}-{b}" for a, b in sessions)


def sessions_from_text(text: str) -> list[list[str]] | None:
    """``08:30-12:00，14:30-17:30`` → ``[["08:30", "12:00"], ["14:30", "17:30"]]`` (order and overlaps are
    the service's checks); None when a part is not start-end of two times."""
    import re

    parts = [p for p in re.split(r"[,，;；、\s]+", text.strip()) if p]
    pairs = []
    for part in parts:
        found = re.fullmatch(r"(\d{1,2}):(\d{2})[-–—~～至](\d{1,2}):(\d{2})", part)
        if not found:
            return None
        h1, m1, h2, m2 = (int(x) for x in found.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            return None
        pairs.append([f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"])
    return pairs or None


@login_required
def settings_page(request):
    """The center's policy (ARCHITECTURE: settings are data), edited by the center office."""
    import json

    from servicehall.org.models import Policy

    center = current_center(request)
    policy = center.policy
    office = may(request, "policy.edit", center)
    errors: list[str] = []
    if request.method == "POST":
        if not office:
            raise Forbidden("policy.edit")
        values: dict[str, Any] = {}
        for name in SETTING_FIELDS:
            field = cast("Field[Any, Any]", Policy._meta.get_field(name))
            raw = request.POST.get(name, "")
            if name not in request.POST and field.get_internal_type() != "BooleanField":
                continue  # a form of an older page without this setting: it keeps its value
            if name == "sessions":  # ATT-1: "08:30-12:00, 14:30-17:30", checked like the import's
                pairs = sessions_from_text(raw)
                if pairs is None:
                    errors.append(_("%(field)s: write each session as start-end, such as 08:30-12:00, 14:30-17:30")
                                  % {"field": field.verbose_name})
                else:
                    values[name] = pairs
            elif field.get_internal_type() == "BooleanField":
                values[name] = bool(raw)
            elif field.get_internal_type() == "JSONField":
                try:
                    values[name] = json.loads(raw) if raw.strip() else {}
                except ValueError:
                    errors.append(_("%(field)s: a table in JSON, such as {\"late\": -1}") % {"field": field.verbose_name})
            elif field.get_internal_type().endswith("IntegerField"):
                if not raw.strip():  # empty is missing, not a bad number (issue 17 item 2)
                    errors.append(_("%(field)s: required") % {"field": field.verbose_name})
                    continue
                try:
                    values[name] = int(raw)
                except ValueError:
                    errors.append(_("%(field)s: a whole number") % {"field": field.verbose_name})
            else:
                values[name] = raw.strip()
        if not errors:
            try:
                org.save_center(Actor.of(request.user), center.code, center.name, policy=values)
            except (RuleViolation, ValidationError) as exc:
                labels = {name: cast("Field[Any, Any]", Policy._meta.get_field(name)).verbose_name
                          for name in SETTING_FIELDS}
                errors.extend(shown(p, labels=labels)
                              for p in (exc.problems if isinstance(exc, RuleViolation) else exc.messages))
            else:
                messages.success(request, _("Settings saved."))
                return redirect("web:settings")
    fields: list[dict[str, Any]] = []
    typed = request.POST if errors else None  # a refused form shows what was typed, not the saved values
    for name in SETTING_FIELDS:
        f = cast("Field[Any, Any]", Policy._meta.get_field(name))
        if name == "sessions":
            fields.append({"name": name, "label": f.verbose_name, "kind": "line",
                           "value": typed.get(name, "") if typed is not None else sessions_text(policy.sessions),
                           "help": _("start-end, separated by commas, e.g. 08:30-12:00, 14:30-17:30 (ATT-1)")})
            continue
        if f.get_internal_type() == "JSONField":
            value = getattr(policy, name)
            fields.append({"name": name, "label": f.verbose_name, "kind": "json",
                           "value": typed.get(name, "") if typed is not None
                           else json.dumps(value, ensure_ascii=False) if value else "",
                           # a reader sees a table, never raw JSON (issue 17 item 2)
                           "rows": [(k, v if isinstance(v, (str, int, float)) else json.dumps(v, ensure_ascii=False))
                                    for k, v in value.items()] if isinstance(value, dict) else []})
            continue
        kind = ("text" if f.get_internal_type() == "TextField" else "choice" if f.choices else
                "bool" if f.get_internal_type() == "BooleanField" else "int")
        value = getattr(policy, name)
        if typed is not None:
            value = bool(typed.get(name)) if kind == "bool" else typed.get(name, "")
        fields.append({"name": name, "label": f.verbose_name, "value": value, "kind": kind, "choices": f.choices})
    return render(request, "web/settings.html", {"center": center, "fields": fields, "errors": errors,
                                                 "office": office, "sessions": json.dumps(policy.sessions)})
