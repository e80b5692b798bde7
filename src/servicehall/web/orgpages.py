"""The center office edits the org chart in pages (ORG-1..4, SEC-1): staff with roles, qualifications and an
account; posts with their A and B. Every save goes through the same services as imports, so the same rules
refuse the same mistakes, and a refused form changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.catalog.services import items_by_department
from servicehall.errors import RuleViolation, shown
from servicehall.org import services as org
from servicehall.org.access import current_center, is_office
from servicehall.org.choices import Role
from servicehall.org.models import Department, Post, Staff, Window
from servicehall.web import once


def _office_only(request) -> None:
    if not is_office(request.user):
        raise PermissionDenied(_("Only the center management office may change the org chart (SEC-2)."))


@login_required
def staff_edit(request, code: str | None = None):
    """Add or change a staff member (ORG-2, ORG-4), and give them their own account (SEC-1)."""
    _office_only(request)
    center = current_center(request)
    staff = get_object_or_404(Staff, center=center, code=code) if code else None
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        actor = Actor.of(request.user)
        new_code = (staff.code if staff else post.get("code", "")).strip()
        dept = Department.objects.filter(center=center, code=post.get("department", "")).first()
        try:
            if not post.getlist("roles"):
                raise RuleViolation(_("roles: a staff member holds at least one role (ORG-2)"))
            with transaction.atomic():
                sent = once.claim(request)
                saved = org.save_staff(
                    actor, center, new_code, post.get("name", "").strip(), dept.code if dept else "",
                    roles=post.getlist("roles"), qualified=post.getlist("qualified"),
                    phone=post.get("phone", "").strip(), id_number=post.get("id_number", "").strip().upper(),
                    title=post.get("title", "").strip()[:50], duties=post.get("duties", "").strip()[:200],
                    active=bool(post.get("active")))
                if post.get("username", "").strip() or post.get("password"):
                    org.create_account(actor, saved, post.get("username", "").strip(), post.get("password", ""))
                sent.made(saved)
        except once.AlreadySent as first:  # the same form again (SEC-2): the first one saved it
            return once.answer(request, first, lambda s: redirect("web:staff"), "web:staff")
        except RuleViolation as exc:
            errors = [shown(p) for p in exc.problems]
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved})
            return redirect("web:staff")
    if staff is not None and request.method != "POST":
        initial = {"code": staff.code, "name": staff.name, "department": staff.department.code,
                   "phone": staff.phone, "id_number": staff.id_number, "title": staff.title, "duties": staff.duties,
                   "active": staff.active, "username": staff.user.username if staff.user else ""}
        roles = set(staff.roles.values_list("role", flat=True))
        qualified = set(staff.qualified_items.values_list("code", flat=True))
    else:
        initial = {k: post.get(k, "") for k in ("code", "name", "department", "phone", "id_number", "title",
                                                 "duties", "username")}
        initial["active"] = bool(post.get("active")) if request.method == "POST" else True
        if staff is not None:
            initial["code"] = staff.code  # a disabled field is not posted
        roles, qualified = set(post.getlist("roles")), set(post.getlist("qualified"))
    return render(request, "web/staff_form.html", {
        "center": center, "staff": staff, "errors": errors, "v": initial, "roles": roles, "qualified": qualified,
        "role_choices": Role.choices, "departments": Department.objects.filter(center=center),
        "items": items_by_department(center),
        "b_of": list(staff.b_posts.select_related("window")) if staff else []})


@login_required
def post_edit(request, code: str | None = None):
    """Add or change a window post with its A and B (ORG-3, ORG-4): the same checks as the import, each
    reason named — A = B, a B not qualified for an item (the items named), inactive people."""
    _office_only(request)
    center = current_center(request)
    existing = get_object_or_404(Post.objects.select_related("a", "b", "window"), center=center, code=code) \
        if code else None
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            with transaction.atomic():
                sent = once.claim(request)
                saved = org.save_post(Actor.of(request.user), center,
                                      (existing.code if existing else post.get("code", "")).strip(),
                                      window=post.get("window", ""), a=post.get("a", ""), b=post.get("b", ""),
                                      items=post.getlist("items"), name=post.get("name", "").strip()[:100])
                sent.made(saved)
        except once.AlreadySent as first:  # the same form again (SEC-2): the first one saved it
            return once.answer(request, first, lambda p: redirect("web:ab_check"), "web:ab_check")
        except RuleViolation as exc:
            errors = [shown(p) for p in exc.problems]
        else:
            messages.success(request, _("Saved: post %(code)s.") % {"code": saved.code})
            return redirect("web:ab_check")
    if existing is not None and request.method != "POST":
        v = {"code": existing.code, "name": existing.name, "window": existing.window.code, "a": existing.a.code,
             "b": existing.b.code}
        chosen = set(existing.items.values_list("code", flat=True))
    else:
        v = {k: post.get(k, "") for k in ("code", "name", "window", "a", "b")}
        if existing is not None:
            v["code"] = existing.code  # a disabled field is not posted
        chosen = set(post.getlist("items"))
    staff = Staff.objects.filter(center=center, active=True).select_related("department").prefetch_related(
        "qualified_items")
    return render(request, "web/post_form.html", {
        "center": center, "existing": existing, "errors": errors, "v": v, "chosen": chosen,
        "windows": Window.objects.filter(center=center).select_related("department"),
        "staff": staff, "items": items_by_department(center)})
