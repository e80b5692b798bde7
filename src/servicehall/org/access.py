"""Who may see and do what (SEC-1..3): roles come from the person's staff record."""

from __future__ import annotations

from .choices import MANAGER_ROLES, Role


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


def is_office(user) -> bool:
    return Role.OFFICE in roles_of(user)
