"""The office keeps the service catalog in pages (CASE-1, CASE-13, PUB-1): departments, windows, service items
with every 九公开 field, materials with their sample and blank forms, special procedures, and published guide
versions. Every save goes through the services (catalog.services, org.services), so a page refuses what an
import refuses, names the field by its label, and a refused form changes nothing. The public reads the forms
and every published version of a guide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.catalog import services as catalog
from servicehall.catalog.models import GuideVersion, Material, MaterialForm, ServiceItem, SpecialProcedure
from servicehall.core import clock
from servicehall.core.dbrouter import replica_reads
from servicehall.errors import Problem, RuleViolation
from servicehall.org import services as org
from servicehall.org.access import current_center, may
from servicehall.org.models import Department, Window
from servicehall.org.permissions import Forbidden

ITEM_TEXT_FIELDS = ("name", "kind", "content", "conditions", "legal_basis", "result", "fee_basis", "fee_standard",
                    "consult_phone", "complaint_phone", "location", "keywords")


def _editor(request, center, action: str = "catalog.edit") -> None:
    """The catalog and the org chart are the system administrator's (SEC-6)."""
    if not may(request, action, center):
        raise Forbidden(action)


def _labelled(problems: list[Problem], model: type[Model], extra: dict[str, str] | None = None) -> list[str]:
    """Each problem as the page shows it: the field's label (not its code), then the message in the reader's
    language."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.translation import gettext

    out = []
    for p in problems:
        key = p.field.split("[")[0].split(".")[0]
        label = (extra or {}).get(key)
        if label is None:
            try:
                label = str(getattr(model._meta.get_field(key), "verbose_name", ""))
            except FieldDoesNotExist:
                label = ""
        text = gettext(p.template) % dict(p.params) if p.template else gettext(p.message)
        out.append(f"{label}：{text}" if label else text)
    return out


NUMBER_MAX = 32767  # the smallest of the columns these go to (orders, counts, days)


def _int(value: str, field: str, problems: list[Problem]) -> int:
    """A count, an order or a number of days: a whole number of 0 or more (a negative one is refused, never
    stored — the columns are unsigned)."""
    try:
        number = int((value or "0").strip())
    except ValueError:
        problems.append(Problem.of(field, "%(value)s is not a whole number", value=f"{value!r}"))
        return 0
    if not 0 <= number <= NUMBER_MAX:
        problems.append(Problem.of(field, "%(value)s: a whole number from 0 to %(most)s", value=number,
                                   most=NUMBER_MAX))
        return 0
    return number


@login_required
def catalog_home(request):
    """The office's catalog page: departments, windows and service items, each with its edit link."""
    center = current_center(request)
    _editor(request, center)
    items = ServiceItem.objects.filter(center=center).select_related("department").order_by("department__sort", "code")
    return render(request, "web/catalog/home.html", {
        "center": center, "departments": Department.objects.filter(center=center),
        "windows": Window.objects.filter(center=center).select_related("department"), "items": items,
        "may_org": may(request, "org.edit", center)})


@login_required
def department_edit(request, code: str | None = None):
    """Add or change a department stationed in the hall (ORG-1)."""
    center = current_center(request)
    _editor(request, center, "org.edit")
    dept = get_object_or_404(Department, center=center, code=code) if code else None
    v: dict[str, Any] = ({"code": dept.code, "name": dept.name, "duties": dept.duties, "phone": dept.phone,
                          "sort": dept.sort} if dept else {"sort": Department.objects.filter(center=center).count() + 1})
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        v = {k: p.get(k, "").strip() for k in ("code", "name", "duties", "phone", "sort")}
        if dept:
            v["code"] = dept.code
        problems: list[Problem] = []
        sort = _int(v["sort"], "sort", problems)
        try:
            if problems:
                raise RuleViolation(problems)
            saved = catalog.save_department(Actor.of(request.user), center, v["code"], v["name"],
                                        duties=v["duties"], phone=v["phone"], sort=sort)
        except RuleViolation as exc:
            errors = _labelled(exc.problems, Department, {"department": _("Department")})
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved.name})
            return redirect("web:catalog")
    return render(request, "web/catalog/department_form.html", {"center": center, "dept": dept, "v": v,
                                                                "errors": errors})


@login_required
def window_edit(request, code: str | None = None):
    """Add or change a window of the hall and the department that staffs it (ORG-1)."""
    center = current_center(request)
    _editor(request, center, "org.edit")
    window = get_object_or_404(Window.objects.select_related("department"), center=center, code=code) if code else None
    v: dict[str, Any] = ({"code": window.code, "name": window.name, "department": window.department.code,
                          "location": window.location, "sort": window.sort} if window
                         else {"sort": Window.objects.filter(center=center).count() + 1})
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        v = {k: p.get(k, "").strip() for k in ("code", "name", "department", "location", "sort")}
        if window:
            v["code"] = window.code
        problems: list[Problem] = []
        sort = _int(v["sort"], "sort", problems)
        if not v["code"]:
            problems.append(Problem("code", "a window needs a code"))
        if not v["name"]:
            problems.append(Problem("name", "a window needs a name"))
        try:
            if problems:
                raise RuleViolation(problems)
            saved = org.save_window(Actor.of(request.user), center, v["code"], v["name"], v["department"],
                                    location=v["location"], sort=sort)
        except RuleViolation as exc:
            errors = _labelled(exc.problems, Window, {"department": _("Department")})
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved.name})
            return redirect("web:catalog")
    return render(request, "web/catalog/window_form.html", {
        "center": center, "window": window, "v": v, "errors": errors,
        "departments": Department.objects.filter(center=center)})


def _item_values(item: ServiceItem) -> dict[str, Any]:
    v: dict[str, Any] = {k: getattr(item, k) for k in ITEM_TEXT_FIELDS}
    v.update(code=item.code, department=item.department.code, promised_days=item.promised_days,
             statutory_days=item.statutory_days, instant=item.instant, active=item.active,
             procedure="\n".join(str(s) for s in item.procedure or []))
    return v


@login_required
def item_edit(request, code: str | None = None):
    """Add or change a service item with every 九公开 field (CASE-1, PUB-1); its materials, special procedures
    and guide versions are listed with their own forms."""
    center = current_center(request)
    _editor(request, center)
    item = get_object_or_404(ServiceItem.objects.select_related("department"), center=center, code=code) \
        if code else None
    v: dict[str, Any] = _item_values(item) if item else {"active": True, "promised_days": 0, "statutory_days": 0}
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        v = {k: p.get(k, "").strip() for k in (*ITEM_TEXT_FIELDS, "code", "department", "procedure",
                                                  "promised_days", "statutory_days")}
        v["instant"], v["active"] = bool(p.get("instant")), bool(p.get("active"))
        if item:
            v["code"] = item.code
        problems: list[Problem] = []
        promised = _int(str(v["promised_days"]), "promised_days", problems)
        statutory = _int(str(v["statutory_days"]), "statutory_days", problems)
        steps = [line.strip() for line in str(v["procedure"]).splitlines() if line.strip()]
        fields = {k: v[k] for k in ITEM_TEXT_FIELDS if k != "name"}
        for k in fields:  # the column lengths, named, instead of a database error
            limit = getattr(ServiceItem._meta.get_field(k), "max_length", None)
            if limit and len(fields[k]) > limit:
                problems.append(Problem.of(k, "at most %(n)s characters", n=limit))
        try:
            if problems:
                raise RuleViolation(problems)
            saved = catalog.save_item(Actor.of(request.user), center, v["code"], v["name"], v["department"],
                                      promised_days=promised, statutory_days=statutory, instant=v["instant"],
                                      procedure=steps, active=v["active"], **fields)
        except RuleViolation as exc:
            errors = _labelled(exc.problems, ServiceItem, {"department": _("Department")})
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved.name})
            return redirect("web:catalog_item", code=saved.code)
    return render(request, "web/catalog/item_form.html", {
        "center": center, "item": item, "v": v, "errors": errors,
        "departments": Department.objects.filter(center=center),
        "materials": item.materials.order_by("sort", "id") if item else [],
        "procedures": item.special_procedures.order_by("sort", "id") if item else [],
        "versions": item.guide_versions.order_by("-number") if item else [],
        "today": clock.today(center).isoformat()})


@login_required
def material_edit(request, code: str, pk: int | None = None):
    """Add or change one material with its filled-in sample and blank form (CASE-1, PUB-1): a form is a PDF,
    Word, Excel or OFD document checked by its content, size-limited."""
    center = current_center(request)
    _editor(request, center)
    item = get_object_or_404(ServiceItem, center=center, code=code)
    material = get_object_or_404(Material, item=item, pk=pk) if pk else None
    v: dict[str, Any] = ({"name": material.name, "required": material.required, "form": material.form,
                          "copies": material.copies, "notes": material.notes} if material
                         else {"required": True, "form": MaterialForm.ORIGINAL, "copies": 1})
    errors: list[str] = []
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        errors = _labelled([Problem.of("sample_file", "a form is at most %(mb)s MB (PUB-1)",
                                       mb=catalog.FORM_MAX_BYTES // (1024 * 1024))], Material)
    elif request.method == "POST" and request.POST.get("delete") and material is not None:
        catalog.remove_material(Actor.of(request.user), material)
        messages.success(request, _("Removed: %(what)s.") % {"what": material.name})
        return redirect("web:catalog_item", code=item.code)
    elif request.method == "POST":
        p = request.POST
        v = {"name": p.get("name", "").strip(), "required": bool(p.get("required")), "form": p.get("form", ""),
             "copies": p.get("copies", "1").strip(), "notes": p.get("notes", "").strip()}
        problems: list[Problem] = []
        copies = _int(v["copies"], "copies", problems)
        try:
            if problems:
                raise RuleViolation(problems)
            saved = catalog.save_material(Actor.of(request.user), item, v["name"], material=material,
                                          required=v["required"], form=v["form"], copies=copies, notes=v["notes"],
                                          sample=request.FILES.get("sample_file"),
                                          blank=request.FILES.get("blank_file"))
        except RuleViolation as exc:
            errors = _labelled(exc.problems, Material)
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved.name})
            return redirect("web:catalog_item", code=item.code)
    return render(request, "web/catalog/material_form.html", {
        "center": center, "item": item, "material": material, "v": v, "errors": errors,
        "form_choices": MaterialForm.choices, "max_mb": catalog.FORM_MAX_BYTES // (1024 * 1024)})


@login_required
def procedure_edit(request, code: str, pk: int | None = None):
    """Add or change a statutory special procedure of an item (CASE-13) and whether it counts toward the limit."""
    center = current_center(request)
    _editor(request, center)
    item = get_object_or_404(ServiceItem, center=center, code=code)
    procedure = get_object_or_404(SpecialProcedure, item=item, pk=pk) if pk else None
    v: dict[str, Any] = ({"name": procedure.name, "usual_days": procedure.usual_days,
                          "counts_toward_limit": procedure.counts_toward_limit,
                          "legal_basis": procedure.legal_basis} if procedure else {"usual_days": 0})
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        v = {"name": p.get("name", "").strip(), "usual_days": p.get("usual_days", "0").strip(),
             "counts_toward_limit": bool(p.get("counts_toward_limit")), "legal_basis": p.get("legal_basis", "").strip()}
        problems: list[Problem] = []
        days = _int(v["usual_days"], "usual_days", problems)
        try:
            if problems:
                raise RuleViolation(problems)
            saved = catalog.save_special_procedure(Actor.of(request.user), item, v["name"], procedure=procedure,
                                                   usual_days=days, counts_toward_limit=v["counts_toward_limit"],
                                                   legal_basis=v["legal_basis"])
        except RuleViolation as exc:
            errors = _labelled(exc.problems, SpecialProcedure)
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved.name})
            return redirect("web:catalog_item", code=item.code)
    return render(request, "web/catalog/procedure_form.html", {
        "center": center, "item": item, "procedure": procedure, "v": v, "errors": errors})


@login_required
def publish(request, code: str):
    """Publish the item's guide as it stands as a new version with its effective date (CASE-1)."""
    center = current_center(request)
    _editor(request, center)
    item = get_object_or_404(ServiceItem, center=center, code=code)
    if request.method != "POST":
        return redirect("web:catalog_item", code=item.code)
    raw = request.POST.get("effective_from", "").strip()
    try:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise RuleViolation(Problem.of("effective_from", "%(value)s is not a date (YYYY-MM-DD)",
                                           value=f"{raw!r}")) from None
        version = catalog.publish_guide(Actor.of(request.user), item, day, request.POST.get("note", ""))
    except RuleViolation as exc:
        for e in _labelled(exc.problems, GuideVersion):
            messages.error(request, e)
    else:
        messages.success(request, _("Published version %(number)s of the guide, in force from %(date)s.")
                         % {"number": version.number, "date": version.effective_from.isoformat()})
    return redirect("web:catalog_item", code=item.code)


# -- public ----------------------------------------------------------------------------
@replica_reads
def guide_version(request, code: str, number: int):
    """A published version of a guide as it was published (CASE-1): earlier versions stay readable."""
    center = current_center(request)
    version = (GuideVersion.objects.filter(item__center=center, item__code=code, number=number)
               .select_related("item").first())
    if version is None:
        raise Http404(_("No such guide version."))
    return render(request, "web/guide_version.html", {
        "center": center, "version": version, "g": version.guide,
        "versions": version.item.guide_versions.order_by("-number")})


@replica_reads
def material_form(request, code: str, pk: int, kind: str):
    """A material's sample (样表) or blank form, for download (PUB-1): served as stored, never run in the
    browser."""
    center = current_center(request)
    material = Material.objects.filter(item__center=center, item__code=code, item__active=True, pk=pk).first()
    field = {"sample": "sample_file", "blank": "blank_file"}.get(kind)
    stored = getattr(material, field) if material is not None and field else None
    if not stored:
        raise Http404(_("No such form."))
    extension = stored.name.rsplit(".", 1)[-1]
    filename = f"{material.name}-{_('sample') if kind == 'sample' else _('blank form')}.{extension}"  # type: ignore[union-attr]
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=filename,
                            content_type=catalog.FORM_KINDS.get(extension, "application/octet-stream"))
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
