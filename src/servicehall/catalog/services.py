"""Writes to the service catalog (CASE-1); the one door, audited (SEC-2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record, snapshot
from servicehall.core import clock
from servicehall.errors import Problem, RuleViolation, length_problems
from servicehall.org.models import Center, Department
from servicehall.org.permissions import Target, authorize
from servicehall.org.services import identity_problems, upsert
from servicehall.org.services import save_department as org_save_department
from servicehall.rules import search as terms_of

from .models import GuideVersion, Material, MaterialForm, ServiceItem, SpecialProcedure

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
    refresh_search_text(item)
    return item


def items_by_department(center: Center, first: Department | int | None = None) -> dict[Department, list[ServiceItem]]:
    """The center's active items grouped by department in hall order (pickers on the clerk's and office's pages);
    ``first``, the reader's own department, leads (issue 17: a clerk's own items first, the others after)."""
    groups: dict[Department, list[ServiceItem]] = {}
    for item in ServiceItem.objects.filter(center=center, active=True).select_related("department").order_by(
            "department__sort", "code"):
        groups.setdefault(item.department, []).append(item)
    lead = first.pk if isinstance(first, Department) else first
    return dict(sorted(groups.items(), key=lambda kv: kv[0].pk != lead)) if lead is not None else groups


# -- guide search (CASE-1, PUB-2) ---------------------------------------------------
def refresh_search_text(item: ServiceItem) -> str:
    """Recompute the one text an item is searched in: name, code, keywords, the 九公开 content fields, the
    department, the materials and the special procedures. Called by every write that changes one of them."""
    item.refresh_from_db(fields=["name", "code", "keywords", "content", "conditions", "result", "kind",
                                 "legal_basis", "location", "department"])
    procedure = item.procedure if isinstance(item.procedure, list) else []
    text = terms_of.search_text(
        item.name, item.code, item.keywords, item.department.name, item.kind, item.content, item.conditions,
        " ".join(str(p) for p in procedure), item.result, item.legal_basis, item.location,
        *(f"{m.name} {m.notes}" for m in item.materials.all()),
        *(p.name for p in item.special_procedures.all()))
    ServiceItem.objects.filter(pk=item.pk).update(search_text=text)
    item.search_text = text
    return text


def search_items(items: QuerySet[ServiceItem], query: str) -> QuerySet[ServiceItem]:
    """The items whose search text has every term of ``query`` (each by one of its aliases, rules.search),
    best first: a match in the name, then in the keywords, then in a material, then anywhere. One query over
    one precomputed column; no per-row work in Python."""
    found = terms_of.terms(query)
    if not found:
        return items
    score: Any = Value(0)
    for term in found:
        alts = terms_of.alternatives(term)
        anywhere, in_name, in_keywords = Q(), Q(), Q()
        for a in alts:
            anywhere |= Q(search_text__contains=a)
            in_name |= Q(name__icontains=a)
            in_keywords |= Q(keywords__icontains=a)
        items = items.filter(anywhere)
        score = score + Case(When(in_name, then=Value(8)), When(in_keywords, then=Value(4)),
                             default=Value(1), output_field=IntegerField())
        in_materials = Q()
        for a in alts:
            in_materials |= Q(name__icontains=a)
        score = score + Case(When(Q(pk__in=Material.objects.filter(in_materials).values("item_id")),
                                  then=Value(2)), default=Value(0), output_field=IntegerField())
    return items.annotate(rank=score).order_by("-rank", "department__sort", "code")


# -- materials with their forms (CASE-1, PUB-1) ------------------------------------
FORM_MAX_BYTES = 5 * 1024 * 1024
FORM_KINDS = {"pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "ofd": "application/ofd"}


def document_kind(data: bytes) -> str | None:
    """The form's extension when its bytes are a PDF, Word, Excel or OFD document, else None (the file's name
    and the browser's claim are never trusted)."""
    import io

    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE compound file: .doc / .xls
        return "xls" if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data else "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "OFD.xml" in names:
            return "ofd"
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def _form_upload(field: str, upload: Any) -> tuple[bytes, str] | Problem:
    size = getattr(upload, "size", None)
    name = str(getattr(upload, "name", "") or field)[:100]
    data = b"" if size is not None and size > FORM_MAX_BYTES else upload.read(FORM_MAX_BYTES + 1)
    if size is not None and size > FORM_MAX_BYTES or len(data) > FORM_MAX_BYTES:
        return Problem.of(field, "%(name)s: a form is at most %(mb)s MB (PUB-1)", name=name,
                          mb=FORM_MAX_BYTES // (1024 * 1024))
    kind = document_kind(data) if data else None
    if kind is None:
        return Problem.of(field, "%(name)s: not a PDF, Word, Excel or OFD document (PUB-1)", name=name)
    return data, kind


def _remover(storage: Any, name: str) -> Any:
    def remove() -> None:
        storage.delete(name)
    return remove


@transaction.atomic
def save_material(actor: ActorLike, item: ServiceItem, name: str, *, material: Material | None = None,
                  required: bool = True, form: str = MaterialForm.ORIGINAL, copies: Any = 1, notes: str = "",
                  sample: Any = None, blank: Any = None) -> Material:
    """Add or change one material of an item, with its filled-in sample and blank form (CASE-1, PUB-1): each
    file a document checked by its content, at most ``FORM_MAX_BYTES``. A refused form changes nothing."""
    from django.core.files.base import ContentFile

    actor = Actor.of(actor)
    authorize(actor, "catalog.edit", Target(item.center))
    name = (name or "").strip()
    problems: list[Problem] = []
    if material is not None and material.item_id != item.pk:
        raise RuleViolation(Problem("material", "the material is not one of this item's"))
    if not name:
        problems.append(Problem("name", "a material needs a name (CASE-1)"))
    elif item.materials.filter(name=name).exclude(pk=material.pk if material is not None else 0).exists():
        problems.append(Problem.of("name", "%(name)s is listed twice (CASE-1)", name=f"{name!r}"))
    if form not in MaterialForm.values:
        problems.append(Problem.of("form", "form is one of %(materialform)s", materialform=', '.join(MaterialForm.values)))
    if not isinstance(copies, int) or copies < 1:
        problems.append(Problem("copies", "copies is a whole number of 1 or more"))
    files: dict[str, tuple[bytes, str]] = {}
    for field, upload in (("sample_file", sample), ("blank_file", blank)):
        if upload is not None:
            checked = _form_upload(field, upload)
            if isinstance(checked, Problem):
                problems.append(checked)
            else:
                files[field] = checked
    if problems:
        raise RuleViolation(problems)
    values = {"name": name, "required": bool(required), "form": form, "copies": copies, "notes": (notes or "").strip()}
    material, _changed = upsert(actor, Material, _row_of(item.materials, material), values)
    for field, (data, kind) in files.items():
        current = getattr(material, field)
        old = current.name if current else ""
        digest = hashlib.sha256(data).hexdigest()[:16]
        current.save(f"{item.center.code}-{item.code}-{material.pk}-{field[:-5]}-{digest}.{kind}",
                     ContentFile(data), save=True)
        record(actor, f"material.{field}", material, {field: old}, {field: current.name})
        if old and old != current.name:
            transaction.on_commit(_remover(current.storage, old))
    refresh_search_text(item)
    return material


def _row_of(rows: Any, row: Any) -> dict[str, Any]:
    """Which row of an item's list to write: ``row`` itself, or a new one at the end of the list."""
    if row is not None:
        return {"pk": row.pk}
    return {"item": rows.instance, "sort": max(rows.values_list("sort", flat=True), default=-1) + 1}


@transaction.atomic
def remove_material(actor: ActorLike, material: Material) -> None:
    """Take a material off an item's list (CASE-1); audited."""
    actor = Actor.of(actor)
    item = material.item
    authorize(actor, "catalog.edit", Target(item.center))
    record(actor, "material.delete", material, snapshot(material), None)
    material.delete()
    refresh_search_text(item)


# -- special procedures (CASE-13) ---------------------------------------------------
@transaction.atomic
def save_special_procedure(actor: ActorLike, item: ServiceItem, name: str, *,
                           procedure: SpecialProcedure | None = None, usual_days: Any = 0,
                           counts_toward_limit: bool = False, legal_basis: str = "") -> SpecialProcedure:
    """Add or change a statutory special procedure of an item (CASE-13): hearing, expert review, testing,
    inspection, quarantine, public notice — with its usual length and whether it counts toward the limit."""
    actor = Actor.of(actor)
    authorize(actor, "catalog.edit", Target(item.center))
    name = (name or "").strip()
    problems: list[Problem] = []
    if procedure is not None and procedure.item_id != item.pk:
        raise RuleViolation(Problem("procedure", "the procedure is not one of this item's"))
    if not name:
        problems.append(Problem("name", "a special procedure needs a name (CASE-13)"))
    elif item.special_procedures.filter(name=name).exclude(pk=procedure.pk if procedure is not None else 0).exists():
        problems.append(Problem.of("name", "%(name)s is listed twice (CASE-13)", name=f"{name!r}"))
    if not isinstance(usual_days, int) or not 0 <= usual_days <= 3650:
        problems.append(Problem.of("usual_days", "%(value)s is not a number of working days (CASE-13)",
                                   value=f"{usual_days!r}"))
    if problems:
        raise RuleViolation(problems)
    values = {"name": name, "usual_days": usual_days, "counts_toward_limit": bool(counts_toward_limit),
              "legal_basis": (legal_basis or "").strip()}
    procedure, _changed = upsert(actor, SpecialProcedure, _row_of(item.special_procedures, procedure), values)
    refresh_search_text(item)
    return procedure


# -- guide versions (CASE-1, PUB-1) ----------------------------------------------------
GUIDE_FIELDS = ("code", "name", "kind", "content", "conditions", "procedure", "legal_basis", "promised_days",
                "statutory_days", "instant", "result", "fee_basis", "fee_standard", "consult_phone",
                "complaint_phone", "location")


def guide_of(item: ServiceItem) -> dict[str, Any]:
    """The item's guide as it stands: every 九公开 field, the materials and the special procedures."""
    guide: dict[str, Any] = {k: getattr(item, k) for k in GUIDE_FIELDS}
    guide["department"] = item.department.name
    guide["materials"] = [{"name": m.name, "required": m.required, "form": m.form, "form_label": m.get_form_display(),
                           "copies": m.copies, "notes": m.notes, "sample": bool(m.sample_file),
                           "blank": bool(m.blank_file)} for m in item.materials.order_by("sort", "id")]
    guide["special_procedures"] = [{"name": p.name, "usual_days": p.usual_days,
                                    "counts_toward_limit": p.counts_toward_limit, "legal_basis": p.legal_basis}
                                   for p in item.special_procedures.order_by("sort", "id")]
    return guide


@transaction.atomic
def publish_guide(actor: ActorLike, item: ServiceItem, effective_from: dt.date, note: str = "",
                  now: dt.datetime | None = None) -> GuideVersion:
    """Publish the item's guide as it stands as a new version, in force from ``effective_from`` (today or
    later, and not before the last version's date). Earlier versions stay as they were published."""
    actor = Actor.of(actor)
    authorize(actor, "catalog.edit", Target(item.center))
    now = now or timezone.now()
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    last = item.guide_versions.order_by("-number").first()
    problems: list[Problem] = length_problems(GuideVersion, {"note": (note or "").strip()})
    if not isinstance(effective_from, dt.date):
        problems.append(Problem("effective_from", "the effective date is a date (YYYY-MM-DD)"))
    else:
        today = clock.today(item.center, now)
        if effective_from < today:
            problems.append(Problem.of("effective_from", "a guide takes effect today or later, not on %(date)s (CASE-1)",
                                       date=effective_from.isoformat()))
        if last is not None and effective_from < last.effective_from:
            problems.append(Problem.of("effective_from", "version %(number)s already takes effect on %(date)s; "
                                       "a new version cannot take effect before it (CASE-1)",
                                       number=last.number, date=last.effective_from.isoformat()))
    if problems:
        raise RuleViolation(problems)
    version = GuideVersion.objects.create(item=item, number=(last.number + 1) if last else 1,
                                          effective_from=effective_from, published_at=now,
                                          note=(note or "").strip(), guide=guide_of(item))
    record(actor, "guideversion.publish", version, None,
           {"item": item.code, "number": version.number, "effective_from": effective_from.isoformat()})
    return version


def guide_in_force(item: ServiceItem, day: dt.date) -> GuideVersion | None:
    """The version of the item's guide in force on ``day``: the latest published one effective by then."""
    return item.guide_versions.filter(effective_from__lte=day).order_by("-effective_from", "-number").first()


@transaction.atomic
def save_department(actor: ActorLike, center: Center, code: str, name: str, **fields: Any) -> Department:
    """A department (ORG-1) saved through org.services; a new name refreshes its items' search text (PUB-2)."""
    before = Department.objects.filter(center=center, code=code).values_list("name", flat=True).first()
    dept = org_save_department(actor, center, code, name, **fields)
    if before is not None and before != dept.name:
        for item in dept.items.all():
            refresh_search_text(item)
    return dept
