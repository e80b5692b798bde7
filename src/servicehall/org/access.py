"""Who may see and do what (SEC-1..3): roles come from the person's staff record."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from .choices import MANAGER_ROLES, Role
from .models import Center


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return set(Role.values)
    cached = getattr(user, "_servicehall_roles", None)
    if cached is None:
        staff = getattr(user, "staff", None)
        cached = set(staff.roles.values_list("role", flat=True)) if staff and staff.active else set()
        user._servicehall_roles = cached
    return cached


def is_manager(user) -> bool:
    """Managers see personal data unmasked and run the daily checks (SEC-3)."""
    return bool(roles_of(user) & MANAGER_ROLES)


def require_manager(request) -> None:
    """Refuse a manager's page to anyone else (SEC-3)."""
    from django.core.exceptions import PermissionDenied

    if not is_manager(request.user):
        raise PermissionDenied(_("This page is for the hall's managers."))


def is_office(user) -> bool:
    return Role.OFFICE in roles_of(user)


def current_center(request) -> Center:
    """The center a page shows: ``?center=CODE``, else the configured default, else the first one."""
    code = request.GET.get("center") or settings.DEFAULT_CENTER
    center = Center.objects.filter(code=code).first() or Center.objects.order_by("id").first()
    if center is None:
        raise Http404(_("No center has been set up yet. Run: servicehall demo"))
    return center
