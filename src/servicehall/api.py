"""The JSON API, ``/api/v1/`` (django-ninja; OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``).

Public: center, departments, windows, service guides, working days (PUB-1/2).
Logged in: staff (masked unless the viewer manages), posts, the AB check;
the center office writes posts and calendar days through the same service
functions as the pages.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from servicehall.audit.services import Actor
from servicehall.catalog.models import Material, ServiceItem
from servicehall.errors import Problem, RuleViolation
from servicehall.org import services as org
from servicehall.org.abcheck import ab_report
from servicehall.org.access import is_manager, is_office
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Department, Post, Staff, Window
from servicehall.rules.identity import mask_id_number, mask_phone
from servicehall.rules.workdays import CalendarYearMissing

api = NinjaAPI(title="servicehall API", version="1", urls_namespace="api-v1",
               description="Service center: org chart, AB posts, catalog, working days.")


@api.exception_handler(RuleViolation)
def on_rule_violation(request, exc: RuleViolation):
    return api.create_response(
        request, {"detail": [{"field": p.field, "message": p.message} for p in exc.problems]}, status=422)


@api.exception_handler(CalendarYearMissing)
def on_calendar_missing(request, exc: CalendarYearMissing):
    return api.create_response(
        request, {"detail": [{"field": "date", "message": str(exc), "year": exc.year}]}, status=422)


def _center(code: str) -> Center:
    center = Center.objects.filter(code=code).select_related("policy").first()
    if center is None:
        raise HttpError(404, f"unknown center {code!r}")
    return center


# -- schemas ---------------------------------------------------------------
class CenterOut(Schema):
    code: str
    name: str
    timezone: str
    address: str
    intro: str
    opening_hours_text: str
    complaint_phone: str
    complaint_email: str
    consult_phone: str
    sessions: list[list[str]]


class DepartmentOut(Schema):
    code: str
    name: str
    duties: str
    phone: str


class WindowOut(Schema):
    code: str
    name: str
    department: str
    location: str


class MaterialOut(Schema):
    name: str
    required: bool
    form: str
    copies: int
    notes: str


class ItemSummary(Schema):
    code: str
    name: str
    department: str
    department_name: str
    promised_days: int
    instant: bool


class ItemOut(ItemSummary):
    kind: str
    content: str
    conditions: str
    procedure: list[str]
    legal_basis: str
    statutory_days: int
    result: str
    fee_basis: str
    fee_standard: str
    consult_phone: str
    complaint_phone: str
    location: str
    materials: list[MaterialOut]


class StaffOut(Schema):
    code: str
    name: str
    department: str
    title: str
    roles: list[str]
    phone: str
    id_number: str
    active: bool


class PostOut(Schema):
    code: str
    name: str
    window: str
    department: str
    a: str
    b: str
    items: list[str]


class PostIn(Schema):
    code: str
    window: str
    a: str
    b: str
    items: list[str] = []
    department: str | None = None
    name: str = ""


class CalendarDayIn(Schema):
    date: dt.date
    workday: bool
    note: str = ""


class ProblemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[ProblemOut]


# -- public -------------------------------------------------------------------
public = Router(tags=["public"])


@public.get("/centers/{code}", response=CenterOut)
def center_detail(request, code: str):
    c = _center(code)
    return {**{f: getattr(c, f) for f in CenterOut.model_fields if f != "sessions"},
            "sessions": c.policy.sessions}


@public.get("/centers/{code}/departments", response=list[DepartmentOut])
def departments(request, code: str):
    return Department.objects.filter(center=_center(code))


@public.get("/centers/{code}/windows", response=list[WindowOut])
def windows(request, code: str):
    return [{"code": w.code, "name": w.name, "department": w.department.code, "location": w.location}
            for w in Window.objects.filter(center=_center(code)).select_related("department")]


def _item_summary(i: ServiceItem) -> dict:
    return {"code": i.code, "name": i.name, "department": i.department.code,
            "department_name": i.department.name, "promised_days": i.promised_days, "instant": i.instant}


@public.get("/centers/{code}/items", response=list[ItemSummary])
def items(request, code: str, q: str = "", department: str = ""):
    """Service items (CASE-1); ``q`` searches name, code and department."""
    qs = ServiceItem.objects.filter(center=_center(code), active=True).select_related("department")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(department__name__icontains=q))
    if department:
        qs = qs.filter(department__code=department)
    return [_item_summary(i) for i in qs]


@public.get("/centers/{code}/items/{item}", response=ItemOut)
def item_detail(request, code: str, item: str):
    """One service guide — 办事指南, with every 九公开 field (CASE-1)."""
    i = (ServiceItem.objects.filter(center=_center(code), code=item, active=True).select_related("department")
         .prefetch_related(Prefetch("materials", Material.objects.order_by("sort"))).first())
    if i is None:
        raise HttpError(404, f"unknown service item {item!r}")
    data = _item_summary(i)
    for f in ("kind", "content", "conditions", "procedure", "legal_basis", "statutory_days", "result",
              "fee_basis", "fee_standard", "consult_phone", "complaint_phone", "location"):
        data[f] = getattr(i, f)
    data["materials"] = [
        {"name": m.name, "required": m.required, "form": m.form, "copies": m.copies, "notes": m.notes}
        for m in i.materials.all()]
    return data


class WorkdayIs(Schema):
    date: dt.date
    workday: bool


class WorkdayAdd(Schema):
    date: dt.date
    n: int
    due: dt.date


class WorkdayBetween(Schema):
    first: dt.date
    last: dt.date
    workdays: int


def _calendar(center: str | None):
    return get_calendar(_center(center) if center else None)


@public.get("/workdays/is", response={200: WorkdayIs, 422: ErrorOut})
def workdays_is(request, date: dt.date, center: str | None = None):
    return {"date": date, "workday": _calendar(center).is_workday(date)}


@public.get("/workdays/add", response={200: WorkdayAdd, 422: ErrorOut})
def workdays_add(request, date: dt.date, n: int, center: str | None = None):
    """The Nth working day after ``date``; the start day is not counted (CASE-5)."""
    if n < 0:
        raise RuleViolation(Problem("n", "must be 0 or more working days (CASE-5)"))
    return {"date": date, "n": n, "due": _calendar(center).add_workdays(date, n)}


@public.get("/workdays/between", response={200: WorkdayBetween, 422: ErrorOut})
def workdays_between(request, first: dt.date, last: dt.date, center: str | None = None):
    """Working days in (first, last] (CASE-5)."""
    return {"first": first, "last": last, "workdays": _calendar(center).workdays_between(first, last)}


# -- staff only ----------------------------------------------------------------
staff_router = Router(tags=["staff"], auth=django_auth)


def _require_office(request: HttpRequest) -> Actor:
    if not is_office(request.user):
        raise HttpError(403, "only the center management office may change this (SEC-2)")
    return Actor.of(request.user)


@staff_router.get("/centers/{code}/staff", response=list[StaffOut])
def staff_list(request, code: str):
    """Staff; phones and ID numbers are masked unless the viewer manages the hall (SEC-3)."""
    full = is_manager(request.user)
    out = []
    for s in Staff.objects.filter(center=_center(code)).select_related("department").prefetch_related("roles"):
        out.append({
            "code": s.code, "name": s.name, "department": s.department.code, "title": s.title,
            "roles": [r.role for r in s.roles.all()], "active": s.active,
            "phone": s.phone if full else mask_phone(s.phone),
            "id_number": s.id_number if full else mask_id_number(s.id_number),
        })
    return out


def _post_out(p: Post) -> dict:
    return {"code": p.code, "name": p.name, "window": p.window.code, "department": p.department.code,
            "a": p.a.code, "b": p.b.code, "items": sorted(i.code for i in p.items.all())}


@staff_router.get("/centers/{code}/posts", response=list[PostOut])
def posts(request, code: str):
    qs = Post.objects.filter(center=_center(code)).select_related("window", "department", "a", "b")
    return [_post_out(p) for p in qs.prefetch_related("items")]


@staff_router.post("/centers/{code}/posts", response={200: PostOut, 422: ErrorOut})
def save_post(request, code: str, payload: PostIn):
    """Create or change a post; refused with every reason for A = B, an unqualified B (ORG-3, ORG-4)."""
    actor = _require_office(request)
    post = org.save_post(actor, _center(code), payload.code, window=payload.window, a=payload.a, b=payload.b,
                         items=payload.items, department=payload.department, name=payload.name)
    return _post_out(Post.objects.select_related("window", "department", "a", "b").get(pk=post.pk))


@staff_router.get("/centers/{code}/ab-check")
def ab_check(request, code: str):
    """The daily AB check (ORG-3, ORG-4)."""
    report = ab_report(_center(code))
    f = report.findings
    return {
        "posts": report.total_posts,
        "posts_without_valid_b": [{"post": k, "reasons": [str(r) for r in v]}
                                  for k, v in f.posts_without_valid_b.items()],
        "overloaded_b": [{"staff": k, "posts": v} for k, v in f.overloaded_b.items()],
        "small_pools": [{"staff": s, "posts": p} for s, p in f.small_pools],
    }


@staff_router.post("/centers/{code}/calendar/days", response={200: CalendarDayIn, 422: ErrorOut})
def calendar_day(request, code: str, payload: CalendarDayIn):
    """A center's extra working day or day off (CASE-5)."""
    actor = _require_office(request)
    day = org.save_calendar_day(actor, _center(code), payload.date, payload.workday, payload.note)
    return {"date": day.date, "workday": day.workday, "note": day.note}


api.add_router("/", public)
api.add_router("/", staff_router)

from servicehall.duty.api import devices, office, public_board  # noqa: E402  (routers mount after the core)

api.add_router("/", devices)
api.add_router("/", office)
api.add_router("/", public_board)

from servicehall.cases.api import router as cases_router  # noqa: E402

api.add_router("/", cases_router)

from servicehall.tickets.api import router as tickets_router  # noqa: E402

api.add_router("/", tickets_router)
