"""Cases as JSON for the departments' own approval systems (CASE-2..7): creation and steps, idempotent by the
caller's ``client_request_id`` — the same request twice returns the first result, never a second case or step."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db import transaction
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.security import django_auth

from servicehall.apischema import (
    STAFF,
    STAFF_WRITE,
    Code,
    ItemCode,
    NotFound,
    answers,
    bounded,
    masked,
    own_center,
    sees_personal,
)
from servicehall.audit.services import Actor
from servicehall.errors import Problem, RuleViolation
from servicehall.org.access import center_for
from servicehall.org.models import Department, Staff

from . import services
from .models import Case, CaseStep, StepKind

router = Router(tags=["cases"], auth=django_auth)


# Lengths follow the model fields (cases.models); free texts kept in a step's record are bounded too.
MaterialName = Annotated[str, bounded(150, 1)]
Note = Annotated[str, bounded(1000)]
ClientRequestId = Annotated[str, bounded(80, 1)]


class ApplicantIn(Schema):
    kind: Annotated[str, bounded(12)] = "person"
    name: Annotated[str, bounded(100)]
    phone: Annotated[str, bounded(30)]
    id_number: Annotated[str, bounded(18)] = ""
    org_code: Annotated[str, bounded(18)] = ""
    address: Annotated[str, bounded(200)] = ""


class MaterialIn(Schema):
    name: MaterialName
    count: int = Field(1, ge=1, le=999)
    form: Annotated[str, bounded(12)] | None = None


class CaseIn(Schema):
    client_request_id: ClientRequestId
    item: ItemCode
    applicant: ApplicantIn
    materials: list[MaterialIn] = Field(..., max_length=200)
    action: Annotated[str, bounded(20)] = "accept"
    defects: dict[MaterialName, Note] = Field({}, max_length=200)


class StepIn(Schema):
    client_request_id: ClientRequestId
    kind: Annotated[str, bounded(30)]
    reason: Note = ""
    legal_basis: Note = ""
    items: dict[MaterialName, Note] = Field({}, max_length=200)
    confirm_breach: bool = False
    return_by: dt.date | None = Field(None, description="a notice's return date, a later working day (CASE-3); "
                                                         "unset: the default working days on")
    materials: list[MaterialIn] = Field([], max_length=200)
    to_staff: Annotated[str, bounded(20)] | None = None
    to_department: Annotated[str, bounded(20)] | None = None
    procedure: Annotated[str, bounded(200)] = ""
    days: int = Field(0, ge=0, le=365, description="working days an extension adds (CASE-6)")
    approved: bool = True
    method: Annotated[str, bounded(20)] = ""
    tracking_number: Annotated[str, bounded(60)] = ""


class StepOut(Schema):
    kind: str
    at: dt.datetime
    data: dict


class ApplicantOut(Schema):
    kind: str
    name: str
    phone: str
    id_number: str
    org_code: str


class CaseOut(Schema):
    number: str
    item: str
    department: str
    status: str
    received_on: dt.date
    accepted_on: dt.date | None
    due_date: dt.date | None
    card: str
    notice_late: bool
    notice_breach: bool
    applicant: ApplicantOut
    steps: list[StepOut]


def _out(request, case: Case) -> dict:
    """A case as JSON; the applicant's phone and ID number (also any kept in a step) masked unless the
    caller may read this department's personal data (SEC-3)."""
    full = any(sees_personal(request.user, case.center, department=d) for d in services.handling_departments(case))
    applicant = {"kind": case.applicant_kind, "name": case.applicant_name, "phone": case.phone,
                 "id_number": case.id_number, "org_code": case.org_code}
    return {"number": case.number, "item": case.item.code, "department": case.department.code,
            "status": case.status, "received_on": case.received_on, "accepted_on": case.accepted_on,
            "due_date": case.due_date, "card": case.card, "notice_late": case.notice_late,
            "notice_breach": case.notice_breach, "applicant": masked(applicant, full),
            "steps": [{"kind": s.kind, "at": s.at, "data": masked(s.data, full)}
                      for s in case.steps.order_by("at", "id")]}


@router.post("/centers/{code}/cases", response=answers(CaseOut, *STAFF_WRITE))
def create_case(request, code: Code, payload: CaseIn):
    """Receive an application: accept it, finish it on the spot, or issue the one-time notice (CASE-2, CASE-3)."""
    center = own_center(request, code)
    if not payload.client_request_id or len(payload.client_request_id) > 80:
        raise RuleViolation(Problem("client_request_id", "a request id of 1 to 80 characters is required"))
    case = services.receive_case(
        Actor.of(request.user), center, payload.item, services.Applicant(**payload.applicant.dict()),
        [{k: v for k, v in m.dict().items() if v is not None} for m in payload.materials], action=payload.action,
        defects=payload.defects, client_request_id=payload.client_request_id)
    return _out(request, case)


def _case(request, number: str) -> Case:
    case = Case.objects.filter(number=number).select_related("center", "center__policy", "item", "department").first()
    if case is None:
        raise NotFound("number", f"unknown case {number!r}")
    try:
        center_for(request.user, case.center.code)  # SEC-5 tenancy: another center's case is not there
    except Http404:
        raise NotFound("number", f"unknown case {number!r}") from None
    services.authorize_case(request.user, "case.read", case)  # SEC-5: the handling department and oversight
    return case


CaseNumber = Annotated[str, bounded(30, 1)]


@router.get("/cases/{number}", response=answers(CaseOut, *STAFF))
def get_case(request, number: CaseNumber):
    return _out(request, _case(request, number))


@router.post("/cases/{number}/steps", response=answers(CaseOut, *STAFF_WRITE))
def add_step(request, number: CaseNumber, payload: StepIn):
    """One step of a case; a step out of order (a result before acceptance) is refused naming the rule."""
    case = _case(request, number)
    if not payload.client_request_id or len(payload.client_request_id) > 80:
        raise RuleViolation(Problem("client_request_id", "a request id of 1 to 80 characters is required"))
    if CaseStep.objects.filter(case=case, data__client_request_id=payload.client_request_id).exists():
        return _out(request, Case.objects.get(pk=case.pk))
    actor = Actor.of(request.user)
    with transaction.atomic():
        before = set(case.steps.values_list("pk", flat=True))
        kind = payload.kind
        if kind == StepKind.NOTICE:
            services.issue_notice(actor, case, payload.items, confirm_breach=payload.confirm_breach,
                                  return_by=payload.return_by)
        elif kind == StepKind.CORRECTION:
            services.correct(actor, case, [m.dict(exclude_none=True) for m in payload.materials])
        elif kind == StepKind.REFUSAL:
            services.refuse(actor, case, payload.reason, payload.legal_basis)
        elif kind == StepKind.TRANSFER:
            services.transfer(
                actor, case,
                to_staff=Staff.objects.filter(center=case.center, code=payload.to_staff or "").first(),
                to_department=Department.objects.filter(center=case.center, code=payload.to_department or "").first())
        elif kind == StepKind.PAUSE:
            services.pause(actor, case, payload.procedure)
        elif kind == StepKind.RESUME:
            services.resume(actor, case)
        elif kind == StepKind.EXTENSION_REQUEST:
            services.request_extension(actor, case, payload.days, payload.reason)
        elif kind == StepKind.EXTENSION_DECISION:
            pending = case.steps.filter(kind=StepKind.EXTENSION_REQUEST).order_by("-at").first()
            if pending is None:
                raise RuleViolation(Problem("kind", "no extension request to decide"))
            services.decide_extension(actor, pending, payload.approved)
        elif kind == StepKind.DECISION:
            services.decide(actor, case, payload.approved, payload.reason)
        elif kind == StepKind.DELIVERY:
            services.deliver(actor, case, payload.method, payload.tracking_number)
        else:
            raise RuleViolation(Problem.of("kind", "unknown step %(kind)s", kind=repr(kind)))
        new = case.steps.exclude(pk__in=before).order_by("-id").first()
        if new is not None:
            new.data = {**new.data, "client_request_id": payload.client_request_id}
            new.save(update_fields=["data"])
    return _out(request, Case.objects.get(pk=case.pk))


class JointIn(Schema):
    items: list[ItemCode] = Field(..., max_length=50)
    applicant: ApplicantIn
    materials: dict[ItemCode, list[MaterialIn]] = Field(..., max_length=50)


@router.post("/centers/{code}/joint-cases", response=answers(list[CaseOut], *STAFF_WRITE))
def create_joint(request, code: Code, payload: JointIn):
    """联办件 (CASE-8): one window receives for several departments; one case per item under one joint number.
    The combined one-time notice is at ``/cases/joint/<joint number>/notice/``."""
    from .assist import receive_joint

    center = own_center(request, code)
    rows = receive_joint(Actor.of(request.user), center, payload.items,
                         services.Applicant(**payload.applicant.dict()),
                         {k: [m.dict(exclude_none=True) for m in v] for k, v in payload.materials.items()})
    return [_out(request, c) for c in rows]
