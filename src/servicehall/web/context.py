"""Template context for every page."""

from servicehall.org.access import is_manager, visible_centers
from servicehall.org.permissions import visible_center_ids


def site(request):
    user = getattr(request, "user", None)
    return {"viewer_is_manager": is_manager(user), **center_switcher(request, user)}


def center_switcher(request, user) -> dict:
    """A county (or city) office's switcher between the centers under it (SEC-5): the header lists them and
    keeps the current path with ``?center=CODE``. Only when the viewer may see more than one center; the
    centers listed are exactly those :func:`current_center` accepts, any other code stays a 404."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    ids = visible_center_ids(user)
    if ids is not None and len(ids) < 2:
        return {}
    centers = list(visible_centers(user))
    if len(centers) < 2:
        return {}
    code = request.GET.get("center", "")
    codes = {c.code for c in centers}
    if code not in codes:
        staff = getattr(user, "staff", None)
        code = staff.center.code if staff is not None and staff.center.code in codes else ""
    return {"switch_centers": centers, "switch_current": code}
