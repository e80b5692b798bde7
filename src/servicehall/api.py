"""The JSON API, ``/api/v1/`` (django-ninja; OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``).

Public: center, departments, windows, service guides, working days (PUB-1/2).
Logged in, within the centers the person may see: staff (phones and ID numbers masked unless the
permission table's ``personal.read`` covers them, SEC-3), posts, the AB check; posts and calendar days are
written through the same service functions as the pages, which check the permission table (SEC-5).
Every error has one shape (:mod:`servicehall.apischema`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import Prefetch
from django.urls import reverse
from ninja import Field, NinjaAPI, Router, Schema
from ninja.security import django_auth

from servicehall.apischema import (
    PUBLIC,
    STAFF,
    STAFF_WRITE,
    Code,
    Date,
    ErrorOut,
    ItemCode,
    NotFound,
    OptCode,
    answers,
    bounded,
    center_of,
    install_error_handlers,
    masked,
    own_center,
    sees_personal,
)
from servicehall.audit.services import Actor
from servicehall.catalog.models import Material, ServiceItem, SpecialProcedure
from servicehall.org import services as org
from servicehall.org.abcheck import ab_report
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Department, Post, Staff, Window

api = NinjaAPI(title="servicehall API", version="1", urls_namespace="api-v1",
               description="Service center: org chart, AB posts, catalog, working days. Every error is "
                           '`{"detail": [{"field": ..., "message": ...}]}`.')
install_error_handlers(api)

__all__ = ["api", "ErrorOut"]


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
    sample_url: str | None = None  # the sample form (样表) to download, as on the guide page (PUB-1)
    blank_url: str | None = None  # the blank form to download


class SpecialProcedureOut(Schema):
    name: str
    usual_days: int
    counts_toward_limit: bool
    legal_basis: str


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
    special_procedures: list[SpecialProcedureOut]  # CASE-13: whether each counts toward the time limit


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
    code: Code
    window: Code
    a: Code
    b: Code
    items: list[ItemCode] = Field([], max_length=500)
    department: Code | None = None
    name: Annotated[str, bounded(100)] = ""
    valid_from: Date | None = None  # the first day A, B and items hold (ORG-3); default: the center's today


class CalendarDayIn(Schema):
    date: Date
    workday: bool
    note: Annotated[str, bounded(100)] = ""


class MissingBOut(Schema):
    post: str
    reasons: list[str]


class OverloadedOut(Schema):
    staff: str
    posts: list[str]


class PoolOut(Schema):
    staff: list[str]
    posts: list[str]


class ABCheckOut(Schema):
    posts: int
    posts_without_valid_b: list[MissingBOut]
    overloaded_b: list[OverloadedOut]
    small_pools: list[PoolOut]


# -- public -------------------------------------------------------------------
public = Router(tags=["public"])


@public.get("/centers/{code}", response=answers(CenterOut, *PUBLIC))
def center_detail(request, code: Code):
    c = center_of(code)
    return {**{f: getattr(c, f) for f in CenterOut.model_fields if f != "sessions"},
            "sessions": c.policy.sessions}


@public.get("/centers/{code}/departments", response=answers(list[DepartmentOut], *PUBLIC))
def departments(request, code: Code):
    return Department.objects.filter(center=center_of(code))


@public.get("/centers/{code}/windows", response=answers(list[WindowOut], *PUBLIC))
def windows(request, code: Code):
    return [{"code": w.code, "name": w.name, "department": w.department.code, "location": w.location}
            for w in Window.objects.filter(center=center_of(code)).select_related("department")]


def _item_summary(i: ServiceItem) -> dict:
    return {"code": i.code, "name": i.name, "department": i.department.code,
            "department_name": i.department.name, "promised_days": i.promised_days, "instant": i.instant}


@public.get("/centers/{code}/items", response=answers(list[ItemSummary], *PUBLIC))
def items(request, code: Code, q: Annotated[str, bounded(100)] = "", department: OptCode = ""):
    """Service items (CASE-1); ``q`` searches as the guide page does (PUB-2): name, code, department, content
    fields, materials and common words, best match first."""
    from servicehall.catalog.services import search_items

    qs = ServiceItem.objects.filter(center=center_of(code), active=True).select_related("department")
    if department:
        qs = qs.filter(department__code=department)
    if q:
        qs = search_items(qs, q)
    return [_item_summary(i) for i in qs]


@public.get("/centers/{code}/items/{item}", response=answers(ItemOut, *PUBLIC))
def item_detail(request, code: Code, item: ItemCode):
    """One service guide — 办事指南, with every 九公开 field (CASE-1)."""
    i = (ServiceItem.objects.filter(center=center_of(code), code=item, active=True).select_related("department")
         .prefetch_related(Prefetch("materials", Material.objects.order_by("sort", "id")),
                           Prefetch("special_procedures", SpecialProcedure.objects.order_by("sort", "id")))
         .first())
    if i is None:
        raise NotFound("item", f"unknown service item {item!r}")
    data = _item_summary(i)
    for f in ("kind", "content", "conditions", "procedure", "legal_basis", "statutory_days", "result",
              "fee_basis", "fee_standard", "consult_phone", "complaint_phone", "location"):
        data[f] = getattr(i, f)

    def form_url(m: Material, kind: str) -> str | None:
        stored = m.sample_file if kind == "sample" else m.blank_file
        return request.build_absolute_uri(reverse("web:material_form", args=[i.code, m.pk, kind])
                                          + f"?center={i.center.code}") if stored \
            else None

    # The same guide the public page shows (PUB-1): forms to download and the special procedures (CASE-13).
    data["materials"] = [
        {"name": m.name, "required": m.required, "form": m.form, "copies": m.copies, "notes": m.notes,
         "sample_url": form_url(m, "sample"), "blank_url": form_url(m, "blank")}
        for m in i.materials.all()]
    data["special_procedures"] = [
        {"name": p.name, "usual_days": p.usual_days, "counts_toward_limit": p.counts_toward_limit,
         "legal_basis": p.legal_basis} for p in i.special_procedures.all()]
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
    if not center:
        return get_calendar(None)
    found = Center.objects.filter(code=center).first()
    if found is None:
        raise NotFound("center", f"unknown center {center!r}")
    return get_calendar(found)


@public.get("/workdays/is", response=answers(WorkdayIs, *PUBLIC))
def workdays_is(request, date: Date, center: Code | None = None):
    return {"date": date, "workday": _calendar(center).is_workday(date)}


WorkdayCount = Annotated[int, Field(ge=0, le=3660, description="working days to add, 0 to 3660 (CASE-5)")]


@public.get("/workdays/add", response=answers(WorkdayAdd, *PUBLIC))
def workdays_add(request, date: Date, n: WorkdayCount, center: Code | None = None):
    """The Nth working day after ``date``; the start day is not counted (CASE-5)."""
    return {"date": date, "n": n, "due": _calendar(center).add_workdays(date, n)}


@public.get("/workdays/between", response=answers(WorkdayBetween, *PUBLIC))
def workdays_between(request, first: Date, last: Date, center: Code | None = None):
    """Working days in (first, last] (CASE-5)."""
    return {"first": first, "last": last, "workdays": _calendar(center).workdays_between(first, last)}


# -- staff only ----------------------------------------------------------------
staff_router = Router(tags=["staff"], auth=django_auth)


@staff_router.get("/centers/{code}/staff", response=answers(list[StaffOut], *STAFF))
def staff_list(request, code: Code):
    """Staff; a phone and an ID number are masked unless the permission table lets the viewer read that
    person's personal data (``personal.read``: the office across its center, a department's own people
    for their department) (SEC-3, SEC-5)."""
    center = own_center(request, code)
    out = []
    full_for: dict[int, bool] = {}  # per department: one decision, not one per person
    for s in Staff.objects.filter(center=center).select_related("department").prefetch_related("roles"):
        if s.department_id not in full_for:
            full_for[s.department_id] = sees_personal(request.user, center, department=s.department)
        out.append(masked({
            "code": s.code, "name": s.name, "department": s.department.code, "title": s.title,
            "roles": [r.role for r in s.roles.all()], "active": s.active, "phone": s.phone,
            "id_number": s.id_number,
        }, full_for[s.department_id]))
    return out


def _post_out(p: Post) -> dict:
    return {"code": p.code, "name": p.name, "window": p.window.code, "department": p.department.code,
            "a": p.a.code, "b": p.b.code, "items": sorted(i.code for i in p.items.all())}


@staff_router.get("/centers/{code}/posts", response=answers(list[PostOut], *STAFF))
def posts(request, code: Code):
    qs = Post.objects.filter(center=own_center(request, code)).select_related("window", "department", "a", "b")
    return [_post_out(p) for p in qs.prefetch_related("items")]


@staff_router.post("/centers/{code}/posts", response=answers(PostOut, *STAFF_WRITE))
def save_post(request, code: Code, payload: PostIn):
    """Create or change a post; refused with every reason for A = B, an unqualified B (ORG-3, ORG-4)."""
    post = org.save_post(Actor.of(request.user), own_center(request, code), payload.code, window=payload.window, a=payload.a, b=payload.b,
                         items=payload.items, department=payload.department, name=payload.name,
                         valid_from=payload.valid_from)
    return _post_out(Post.objects.select_related("window", "department", "a", "b").get(pk=post.pk))


@staff_router.get("/centers/{code}/ab-check", response=answers(ABCheckOut, *STAFF))
def ab_check(request, code: Code):
    """The daily AB check (ORG-3, ORG-4)."""
    report = ab_report(own_center(request, code))
    f = report.findings
    return {
        "posts": report.total_posts,
        "posts_without_valid_b": [{"post": k, "reasons": [str(r) for r in v]}
                                  for k, v in f.posts_without_valid_b.items()],
        "overloaded_b": [{"staff": k, "posts": v} for k, v in f.overloaded_b.items()],
        "small_pools": [{"staff": list(s), "posts": list(p)} for s, p in f.small_pools],
    }


@staff_router.post("/centers/{code}/calendar/days", response=answers(CalendarDayIn, *STAFF_WRITE))
def calendar_day(request, code: Code, payload: CalendarDayIn):
    """A center's extra working day or day off (CASE-5)."""
    day = org.save_calendar_day(Actor.of(request.user), own_center(request, code), payload.date, payload.workday, payload.note)
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
