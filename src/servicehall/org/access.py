"""Who may see and do what (SEC-1..3): roles come from the person's staff record."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from .choices import MANAGER_ROLES, Role
from .models import Center
from .permissions import (
    Forbidden,
    Scope,
    Target,
    allowed,
    authorize,
    is_unlimited,
    person_of,
    scope_of,
    visible_center_ids,
)


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
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


def current_center(request) -> Center:
    """The center a page shows (SEC-5 tenancy).

    Staff see their own center (a county office also the centers under it): ``?center=CODE`` picks among
    those, anything else is 404. The public (and accounts without a staff record) may pick any center's
    public pages; without ``?center=`` they get the configured default, else the first one.
    """
    code = request.GET.get("center", "")
    if "\x00" in code or len(code) > 20:
        raise Http404(_("No such center."))
    return center_for(request.user, code)


def center_for(user, code: str = "") -> Center:
    """The center ``code`` names if this user may see it (404 otherwise); the user's own when no code."""
    visible = None
    person = person_of(user)
    if person is not None and not is_unlimited(user):
        visible = visible_center_ids(person)
    if code:
        center = Center.objects.filter(code=code).first()
        if center is None or (visible is not None and center.pk not in visible):
            raise Http404(_("No such center."))
        return center
    if person is not None:
        return person.center
    center = (Center.objects.filter(code=settings.DEFAULT_CENTER).first()
              or Center.objects.order_by("id").first())
    if center is None:
        raise Http404(_("No center has been set up yet. Run: servicehall demo"))
    return center


def visible_centers(user):
    """The centers a user may switch between on staff pages (a county office's switcher)."""
    ids = visible_center_ids(user)
    qs = Center.objects.order_by("code")
    return qs if ids is None else qs.filter(pk__in=ids)


def require(request, action: str, center: Center, **target) -> None:
    """Refuse a page (403, in words) unless the permission table allows ``action`` here (SEC-5)."""
    authorize(request.user, action, Target(center, **target))


def may(request, action: str, center: Center, **target) -> bool:
    """For showing or hiding a form or link: whether the table allows ``action`` (SEC-5)."""
    return allowed(request.user, action, Target(center, **target))


def reach(request, action: str, center: Center) -> int | None | Literal[False]:
    """How far a list for ``action`` reaches for this reader (SEC-5): None for the whole center, the reader's
    department id for a department's scope, False for no scope at all (their own rows only, if any)."""
    scope, person = scope_of(request.user, action, center)
    if scope is None:
        return False
    if scope >= Scope.CENTER or person is None:
        return None
    return person.department_id


def department_limit(request, action: str, center: Center) -> int | None:
    """A list page's rows for ``action``: None for the whole center, else the reader's department id;
    no access at all is a 403 (SEC-5)."""
    limit = reach(request, action, center)
    if limit is False:
        raise Forbidden(action)
    return limit
