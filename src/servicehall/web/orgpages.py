"""The center office edits the org chart in pages (ORG-1..4, SEC-1): staff with roles, qualifications and an
account; posts with their A and B. Every save goes through the same services as imports, so the same rules
refuse the same mistakes, and a refused form changes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.catalog.services import items_by_department
from servicehall.core import clock, once
from servicehall.errors import Problem, RuleViolation, labels_of, shown
from servicehall.org import assignments
from servicehall.org import services as org
from servicehall.org.access import current_center, may
from servicehall.org.choices import Role
from servicehall.org.models import Department, Post, PostAssignment, Staff, Window
from servicehall.org.people import pickable
from servicehall.org.permissions import Forbidden
from servicehall.rules.abposts import assignment_problem_texts


def _org_editor(request, center) -> None:
    """Posts and the org chart are the system administrator's (SEC-5, SEC-6)."""
    if not may(request, "org.edit", center):
        raise Forbidden("org.edit")


@login_required
def staff_edit(request, code: str | None = None):
    """Add or change a staff member (ORG-2, ORG-4), and give them their own account (SEC-1).

    三员分立 (SEC-6): the system administrator keeps the record and qualifications, the security
    administrator the roles, activation and account; each sees the other's part read-only.
    """
    center = current_center(request)
    edit_record = may(request, "org.edit", center)
    edit_account = may(request, "account.manage", center)
    staff = get_object_or_404(Staff, center=center, code=code) if code else None
    if not (edit_record or edit_account) or (staff is None and not edit_record):
        raise Forbidden("org.edit")
    errors: list[str] = []
    post = request.POST
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        errors = [shown(Problem.of("photo", "a photo is at most %(mb)s MB (ORG-5)",
                                   mb=org.PHOTO_MAX_BYTES // (1024 * 1024)))]
    elif request.method == "POST":
        actor = Actor.of(request.user)
        new_code = (staff.code if staff else post.get("code", "")).strip()
        if edit_record:
            source = post
            qualified = post.getlist("qualified")
        else:  # the security administrator: the record stays as it is
            assert staff is not None  # only an existing record is opened without the record's part
            source = {"name": staff.name, "department": staff.department.code, "phone": staff.phone,
                      "id_number": staff.id_number, "title": staff.title, "duties": staff.duties}
            qualified = None
        dept = Department.objects.filter(center=center, code=source.get("department", "")).first()
        current_roles = list(staff.roles.values_list("role", flat=True)) if staff else []
        roles = post.getlist("roles") if edit_account else current_roles
        active = bool(post.get("active")) if edit_account else (staff.active if staff else True)
        try:
            if edit_account and not roles:
                raise RuleViolation(_("roles: a staff member holds at least one role (ORG-2)"))
            with transaction.atomic():
                sent = once.claim(request)
                saved = org.save_staff(
                    actor, center, new_code, source.get("name", "").strip(), dept.code if dept else "",
                    roles=roles, qualified=qualified,
                    phone=source.get("phone", "").strip(), id_number=source.get("id_number", "").strip().upper(),
                    title=source.get("title", "").strip(), duties=source.get("duties", "").strip(),
                    active=active)
                photo = request.FILES.get("photo") if edit_record else None
                if photo is not None:  # ORG-5: checked as an image by its content, size-limited
                    org.set_staff_photo(actor, saved, photo)
                if edit_account and (post.get("username", "").strip() or post.get("password")):
                    org.create_account(actor, saved, post.get("username", "").strip(), post.get("password", ""))
                sent.made(saved)
        except once.AlreadySent as first:  # the same form again (SEC-2): the first one saved it
            return once.answer(request, first, lambda s: redirect("web:staff"), "web:staff")
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Staff)) for p in exc.problems]
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": saved})
            return redirect("web:staff")
    if staff is not None and request.method != "POST":
        initial = {"code": staff.code, "name": staff.name, "department": staff.department.code,
                   "phone": staff.phone, "id_number": staff.id_number, "title": staff.title, "duties": staff.duties,
                   "active": staff.active, "username": staff.user.username if staff.user else ""}
        roles = set(staff.roles.values_list("role", flat=True))
        qualified = set(staff.qualified_items.values_list("code", flat=True))
        if not edit_record:  # read-only here: personal data shown as the reader may see it (SEC-3)
            from servicehall.web.masking import shown_id_number, shown_phone

            initial["phone"] = shown_phone(request.user, staff)
            initial["id_number"] = shown_id_number(request.user, staff)
    else:
        initial = {k: post.get(k, "") for k in ("code", "name", "department", "phone", "id_number", "title",
                                                 "duties", "username")}
        initial["active"] = bool(post.get("active")) if request.method == "POST" else True
        if staff is not None:
            initial["code"] = staff.code  # a disabled field is not posted
        roles, qualified = set(post.getlist("roles")), set(post.getlist("qualified"))
    return render(request, "web/staff_form.html", {
        "center": center, "staff": staff, "errors": errors, "v": initial, "roles": roles, "qualified": qualified,
        "role_choices": Role.choices, "edit_record": edit_record, "edit_account": edit_account, "departments": Department.objects.filter(center=center),
        "items": items_by_department(center),
        "b_of": list(staff.b_posts.select_related("window")) if staff else [],
        # CASE-11: the red cases charged to this person (withdrawn ones shown as such).
        "violations": list(staff.case_violations.select_related("case__item", "department")[:100]) if staff else []})


@login_required
def post_edit(request, code: str | None = None):
    """Add or change a window post with its A and B (ORG-3, ORG-4): the same checks as the import, each
    reason named — A = B, a B not qualified for an item (the items named), inactive people."""
    center = current_center(request)
    _org_editor(request, center)
    existing = get_object_or_404(Post.objects.select_related("a", "b", "window"), center=center, code=code) \
        if code else None
    errors: list[str] = []
    post = request.POST
    today = clock.today(center)
    valid_from: dt.date | None = None
    if request.method == "POST" and existing is not None:
        # ORG-3: a change holds from the chosen date (default today); earlier days keep their A and B.
        raw = post.get("valid_from", "").strip()
        try:
            valid_from = dt.date.fromisoformat(raw) if raw else today
        except ValueError:
            errors.append(_("Effective from: %(value)s is not a date (YYYY-MM-DD).") % {"value": raw})
    if request.method == "POST" and not post.get("name", "").strip():
        # Issue 17 item 2: the page asks for the post's name (an import may leave it out); never saved empty.
        # Every other missing field is named too, not only the name (ORG-3).
        missing = [Problem("name", "a post needs its name")]
        missing += [Problem.of(f, text, **values) for f, text, values in
                    assignment_problem_texts(post.get("a", "").strip() or None, post.get("b", "").strip() or None,
                                             [], []) if not values]
        errors.extend(shown(p, labels=labels_of(Post, PostAssignment, name=_("Post name"))) for p in missing)
    if request.method == "POST" and not errors:
        try:
            with transaction.atomic():
                sent = once.claim(request)
                saved = org.save_post(Actor.of(request.user), center,
                                      (existing.code if existing else post.get("code", "")).strip(),
                                      window=post.get("window", ""), a=post.get("a", ""), b=post.get("b", ""),
                                      items=post.getlist("items"), name=post.get("name", "").strip(),
                                      valid_from=valid_from)
                sent.made(saved)
        except once.AlreadySent as first:  # the same form again (SEC-2): the first one saved it
            return once.answer(request, first, lambda p: redirect("web:ab_check"), "web:ab_check")
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Post, PostAssignment, name=_("Post name"))) for p in exc.problems]
        else:
            messages.success(request, _("Saved: post %(code)s.") % {"code": saved.code})
            return redirect("web:ab_check")
    if existing is not None and request.method != "POST":
        v = {"code": existing.code, "name": existing.name, "window": existing.window.code, "a": existing.a.code,
             "b": existing.b.code, "valid_from": today.isoformat()}
        chosen = set(existing.items.values_list("code", flat=True))
    else:
        v = {k: post.get(k, "") for k in ("code", "name", "window", "a", "b", "valid_from")}
        if existing is not None:
            v["code"] = existing.code  # a disabled field is not posted
        chosen = set(post.getlist("items"))
    # Issue 17 item 1: A and B picked by name from the center's active people, the window's own first;
    # site.js keeps for B only those qualified for every ticked item (ORG-4), as the service requires.
    people = pickable(request.user, center, action="org.edit", window=existing.window if existing else None)
    return render(request, "web/post_form.html", {
        "center": center, "existing": existing, "errors": errors, "v": v, "chosen": chosen,
        "windows": Window.objects.filter(center=center).select_related("department"),
        "a_people": people.chosen(v["a"]), "b_people": people.chosen(v["b"]), "items": items_by_department(center),
        "history": assignments.history(existing) if existing is not None else [], "today": today})
