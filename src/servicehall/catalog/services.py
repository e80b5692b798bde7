"""Writes to the service catalog (CASE-1); the one door, audited (SEC-2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.errors import Problem, RuleViolation
from servicehall.org.models import Center, Department
from servicehall.org.permissions import Target, authorize
from servicehall.org.services import identity_problems, upsert

from .models import Material, MaterialForm, ServiceItem

MATERIAL_KEYS = ("name", "required", "form", "copies", "notes")


def _material_problems(materials: list[dict[str, Any]]) -> list[Problem]:
    problems = []
    names: set[str] = set()
    for i, m in enumerate(materials):
        unknown = set(m) - set(MATERIAL_KEYS)
        if unknown:
            problems.append(Problem.of(f"materials[{i}]", "unknown keys %(sorted)s", sorted=', '.join(sorted(unknown))))
        name = (m.get("name") or "").strip()
        if not name:
            problems.append(Problem(f"materials[{i}].name", "a material needs a name (CASE-1)"))
        elif name in names:
            problems.append(Problem.of(f"materials[{i}].name", "%(name)s is listed twice (CASE-1)", name=f"{name!r}"))
        names.add(name)
        if m.get("form", MaterialForm.ORIGINAL) not in MaterialForm.values:
            problems.append(Problem.of(f"materials[{i}].form", "form is one of %(materialform)s", materialform=', '.join(MaterialForm.values)))
        copies = m.get("copies", 1)
        if not isinstance(copies, int) or copies < 1:
            problems.append(Problem(f"materials[{i}].copies", "copies is a whole number of 1 or more"))
    return problems


def _normal(m: dict[str, Any]) -> tuple[Any, ...]:
    return (m["name"].strip(), bool(m.get("required", True)), m.get("form", MaterialForm.ORIGINAL),
            int(m.get("copies", 1)), m.get("notes", ""))


@transaction.atomic
def save_item(
    actor: ActorLike,
    center: Center,
    code: str,
    name: str,
    department: str,
    *,
    materials: Iterable[dict[str, Any]] | None = None,
    promised_days: int = 0,
    statutory_days: int = 0,
    instant: bool = False,
    **fields: Any,
) -> ServiceItem:
    """Create or update a service item with its 九公开 fields and materials (CASE-1).

    The promised limit may not exceed the statutory one; an on-the-spot item
    (即办件) has a promised limit of 0 working days.
    """
    actor = Actor.of(actor)
    authorize(actor, "catalog.edit", Target(center))
    dept, problems = identity_problems(center, department, code, name, "a service item")
    for key, value in (("promised_days", promised_days), ("statutory_days", statutory_days)):
        if not isinstance(value, int) or value < 0:
            problems.append(Problem.of(key, "%(value)s is not a number of working days (CASE-5)", value=f"{value!r}"))
    if isinstance(promised_days, int) and isinstance(statutory_days, int):
        if statutory_days and promised_days > statutory_days:
            problems.append(Problem.of("promised_days", "promised %(promised_days)s working days exceeds the statutory %(statutory_days)s (CASE-1)", promised_days=promised_days, statutory_days=statutory_days))
        if instant and promised_days:
            problems.append(Problem("promised_days", "an on-the-spot item (即办件) is promised in 0 working "
                                                     "days (CASE-2, CASE-5)"))
    mats = None if materials is None else [dict(m) for m in materials]
    if mats is not None:
        problems.extend(_material_problems(mats))
    if problems:
        raise RuleViolation(problems)
    item, _ = upsert(actor, ServiceItem, {"center": center, "code": code},
                     {"name": name, "department": dept, "promised_days": promised_days,
                      "statutory_days": statutory_days, "instant": instant, **fields})
    if mats is not None:
        old = [_normal({k: getattr(m, k) for k in MATERIAL_KEYS}) for m in item.materials.all()]
        new = [_normal(m) for m in mats]
        if old != new:
            item.materials.all().delete()
            Material.objects.bulk_create(
                Material(item=item, sort=i, name=n, required=r, form=f, copies=c, notes=no)
                for i, (n, r, f, c, no) in enumerate(new)
            )
            record(actor, "serviceitem.materials", item, {"materials": [o[0] for o in old]},
                   {"materials": [o[0] for o in new]})
    return item


def items_by_department(center: Center) -> dict[Department, list[ServiceItem]]:
    """The center's active items grouped by department in hall order (pickers on the clerk's and office's pages)."""
    groups: dict[Department, list[ServiceItem]] = {}
    for item in ServiceItem.objects.filter(center=center, active=True).select_related("department").order_by(
            "department__sort", "code"):
        groups.setdefault(item.department, []).append(item)
    return groups
