"""Template context for every page."""

from servicehall.org.access import is_manager


def site(request):
    return {"viewer_is_manager": is_manager(getattr(request, "user", None))}
