"""What every router of the JSON API shares: bounded input types, one error shape, and masking (SEC-3).

Every error the API returns — a refused rule, a bad field, a missing login, a refusal by the permission
table, an unknown record — has one shape::

    {"detail": [{"field": "applicant.phone", "message": "..."}, ...]}

``field`` names the input the problem is about (a JSON path into the body, or the query or path
parameter's name); it is ``"__all__"`` when the problem is the request as a whole (a missing login).

Input types carry their limits (lengths matching the model fields, integer bounds, no NUL characters), so
the served OpenAPI schema says what is accepted, and a value out of range is a 422 naming the field before
any service runs — never a 500 and never a write (issue 10, item 7).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from django.utils import translation
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import AfterValidator, StringConstraints

from servicehall.errors import RuleViolation

ALL = "__all__"  # the field of a problem with the request as a whole (as Django forms name it)

# No NUL characters: PostgreSQL cannot store them, and no code, name or note needs one.
NO_NUL = r"^[^\x00]*$"


def bounded(max_length: int, min_length: int = 0) -> StringConstraints:
    """The limits of a string of at most ``max_length`` characters (the model field's length), without NUL
    characters: ``Annotated[str, bounded(100)]``, a form type checkers read."""
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL)


Code = Annotated[str, bounded(20, 1)]  # center, department, window, staff and post codes (max_length=20 in org.models)
ItemCode = Annotated[str, bounded(30, 1)]  # service item codes (catalog.models.ServiceItem.code)
RequestId = Annotated[str, bounded(60, 1)]  # a device's own id for an event or request
OptCode = Annotated[str, bounded(20)]  # a code that may be left empty

YEAR_MIN, YEAR_MAX = 2000, 2100


def _within_years(value: dt.date | dt.datetime) -> Any:
    if value is not None and not (YEAR_MIN <= value.year <= YEAR_MAX):
        raise ValueError(f"must be in the years {YEAR_MIN} to {YEAR_MAX}")
    return value


# Dates and moments the center's records can hold: a date of the year 1 or 9999 is a typing mistake,
# and near those ends date arithmetic (time zones, working days) overflows.
Date = Annotated[dt.date, AfterValidator(_within_years),
                 Field(description=f"a date in the years {YEAR_MIN} to {YEAR_MAX}")]
Moment = Annotated[dt.datetime, AfterValidator(_within_years),
                   Field(description=f"a moment in the years {YEAR_MIN} to {YEAR_MAX}, with its UTC offset")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]  # a database id (fits every backend's integer)


class ProblemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error of this API: the problems, each with the field it is about."""

    detail: list[ProblemOut]


def answers(ok: Any, *codes: int) -> dict[int, Any]:
    """An endpoint's documented responses: ``ok`` for 200 and the error shape for each of ``codes``."""
    return {200: ok, **{code: ErrorOut for code in codes}}


# The error codes by kind of endpoint: public reads, logged-in staff, devices (bearer token); a body that is
# not JSON is a 400.
PUBLIC = (404, 422)
STAFF = (401, 403, 404, 422)
STAFF_WRITE = (400, 401, 403, 404, 422)
DEVICE = (400, 401, 403, 404, 422)


def _field_of(loc: tuple | list) -> str:
    """``("body", "payload", "materials", 0, "name")`` → ``materials[0].name``; ``("query", "year")`` → ``year``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        where = parts.pop(0)
        if where == "body" and len(parts) > 1:
            parts.pop(0)  # the handler's parameter name (``payload``)
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}" if out else str(p)
    return out or ALL


def _message_of(error: dict) -> str:
    if error.get("type") == "string_pattern_mismatch" and (error.get("ctx") or {}).get("pattern") == NO_NUL:
        return "must not contain NUL characters"
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def _response(api, request, status: int, problems: list[tuple[str, str]]):
    return api.create_response(request, {"detail": [{"field": f, "message": m} for f, m in problems]},
                               status=status)


def install_error_handlers(api) -> None:
    """One error shape for every failure of ``api`` (see the module's docstring)."""
    from servicehall.rules.workdays import CalendarYearMissing

    @api.exception_handler(RuleViolation)
    def on_rule_violation(request, exc: RuleViolation):
        return _response(api, request, 422, [(p.field, p.message) for p in exc.problems])

    @api.exception_handler(OperationalError)
    def on_database_busy(request, exc: OperationalError):
        """A busy database (issue 14, item 5): 503 ``database_busy`` with Retry-After; nothing was written."""
        from servicehall.busy import api_busy, is_busy

        if not is_busy(exc):
            raise exc
        return api_busy()

    @api.exception_handler(CalendarYearMissing)
    def on_calendar_missing(request, exc: CalendarYearMissing):
        return api.create_response(
            request, {"detail": [{"field": "date", "message": str(exc), "year": exc.year}]}, status=422)

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        return _response(api, request, 422, [(_field_of(e.get("loc", ())), _message_of(e)) for e in exc.errors])

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return _response(api, request, exc.status_code, [(getattr(exc, "field", ALL), str(exc))])

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return _response(api, request, 404, [(ALL, str(exc) or "not found")])

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc: PermissionDenied):
        with translation.override("en"):
            message = str(getattr(exc, "message", "") or exc or "not allowed")
        return _response(api, request, 403, [(ALL, message)])


class NotFound(HttpError):
    """A 404 that names the field that pointed nowhere."""

    def __init__(self, field: str, message: str):
        super().__init__(404, message)
        self.field = field


# -- centers in paths (SEC-5 tenancy) ------------------------------------------------
def center_of(code: str) -> Any:
    """The center a path code names, with its policy; an unknown code is 404."""
    from servicehall.org.models import Center

    center = Center.objects.filter(code=code).select_related("policy").first()
    if center is None:
        raise NotFound("code", f"unknown center {code!r}")
    return center


def own_center(request: Any, code: str) -> Any:
    """A center the logged-in person may see (SEC-5 tenancy: their own, a county office's those under it);
    any other code is 404, as an unknown one."""
    from servicehall.org.access import center_for

    center = center_of(code)
    try:
        center_for(request.user, center.code)
    except Http404:
        raise NotFound("code", f"unknown center {code!r}") from None
    return center


# -- personal data (SEC-3) ----------------------------------------------------------
def sees_personal(user, center, *, person=None, department=None) -> bool:
    """Whether ``user`` may read a record's phone and ID number unmasked: the permission table's
    ``personal.read`` for the record's center and department (the office across its center; a
    department's clerks, approvers and heads for their department)."""
    from servicehall.org.permissions import Target, allowed

    return allowed(user, "personal.read", Target(center, department=department, person=person))


def masked(data: dict, full: bool) -> dict:
    """``data`` with its ``phone`` and ``id_number`` masked unless ``full``."""
    from servicehall.rules.identity import mask_id_number, mask_phone

    if full:
        return data
    out = dict(data)
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    if out.get("id_number"):
        out["id_number"] = mask_id_number(out["id_number"])
    return out
