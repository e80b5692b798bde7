"""Template context for every page."""

from functools import cache

from django.conf import settings

from servicehall.org.access import is_manager, visible_centers
from servicehall.org.permissions import person_of, visible_center_ids


def site(request):
    user = getattr(request, "user", None)
    return {"viewer_is_manager": is_manager(user), "site_center_name": site_center_name(user), **center_switcher(request, user)}


def site_center_name(user):
    """The header's name on a page that shows no center (the login page, workstation set-up, a refused input):
    the reader's own center, else the default one; looked up only when the page asks for it (issue 13). Not
    ``site_name``: the login view sets that to the host name."""

    @cache
    def name() -> str:
        from servicehall.org.models import Center

        person = person_of(user)
        if person is not None:
            return person.center.name
        center = (Center.objects.filter(code=settings.DEFAULT_CENTER).first()
                  or Center.objects.order_by("id").first())
        return center.name if center is not None else "servicehall"

    return name


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
