"""Where an application comes from when the clerk starts it from another record — a first inquiry that becomes
an application (FIR-3). The app that owns that record (feedback, above cases) registers here how to find it,
what it fills in on the form and how the new case is linked to it, so cases never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Origin:
    """``field``: the form field naming the record; ``find(center, pk)``: the record or None; ``prefill``: the
    applicant's fields it fills in; ``link(actor, record, case)``: ties the received case to it (one
    transaction with the case)."""

    field: str
    find: Callable[[Any, int], Any]
    prefill: Callable[[Any], dict[str, str]]
    link: Callable[[Any, Any, Any], object]


_origins: dict[str, Origin] = {}


def register(origin: Origin) -> None:
    _origins[origin.field] = origin


def read(request, center) -> tuple[Origin, Any] | None:
    """The origin named in the request (query or form) and its record, when there is one."""
    for origin in _origins.values():
        pk = request.POST.get(origin.field) or request.GET.get(origin.field) or ""
        found = origin.find(center, int(pk)) if pk.isdigit() else None
        if found is not None:
            return origin, found
    return None
