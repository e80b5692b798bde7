"""Refusal and not-found pages in the reader's language (SEC-5): what is not allowed, and a way back."""

from __future__ import annotations

import re

from django.conf import settings
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from servicehall.org.choices import Role
from servicehall.org.permissions import Forbidden, person_of, roles_of


def _back(request) -> str:
    """The page the reader came from, when it is one of ours and not the refused page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        if referer != request.build_absolute_uri():
            return referer
    return ""


def _page(request) -> dict:
    """Who is reading (their name, department and roles) and their center, so the page says where they are."""
    from servicehall.org.models import Center

    person = person_of(getattr(request, "user", None))
    if person is not None:
        labels = [str(Role(r).label) for r in sorted(roles_of(person)) if r in Role.values]
        return {"center": person.center, "person": person, "person_roles": labels}
    return {"center": Center.objects.filter(code=settings.DEFAULT_CENTER).first()}


# A permission table action code ("device.manage") that has no words yet: never shown.
ACTION = re.compile(r"(?<![A-Za-z0-9_.])[a-z_]+\.[a-z_]+(?![A-Za-z0-9_])")


def forbidden(request, exception=None):
    """403: the permission table's refusal in words; nothing was changed."""
    from servicehall.errors import CJK, CODE, ENGLISH, RULE_REFS, shown

    if isinstance(exception, Forbidden):
        text = exception.message
    else:
        text = str(exception or "")
        text = _(text) if text else ""
    # An English text (a refusal the catalog does not know) is never shown: the plain Chinese refusal is.
    if (not text or ENGLISH.search(RULE_REFS.sub("", text)) or CODE.search(text) or ACTION.search(text)
            or not CJK.search(text)):
        text = _("You may not open this page.")
    message = shown(text)  # the rule id, if any, as a small reference (none on public pages)
    return render(request, "403.html", {"message": message, "back": _back(request), **_page(request)}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {"back": _back(request), **_page(request)}, status=404)


def _lookup_again(request) -> dict:
    """For the public progress lookup (PUB-2) — a kiosk's page left open past its token's life — the lookup again:
    its address with the center and the case number posted (or in the address the form was opened at), never the
    phone digits (SEC-3). Empty for every other form."""
    from django.http import Http404
    from django.urls import Resolver404, resolve

    from servicehall.cases.forms import case_number
    from servicehall.core.printouts import progress_path
    from servicehall.org.access import current_center
    from servicehall.org.models import Center

    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return {}
    if match.view_name != "cases:progress":
        return {}
    try:
        center: Center | None = current_center(request)
    except Http404:  # an unknown ?center=: the reader's (or the default) center, as on the page itself
        center = _page(request).get("center")
    if center is None:
        return {}
    try:
        posted = request.POST.get("number")
    except Exception:  # a body that cannot be read (cut off, too many fields): the number in the address, if any  # noqa: BLE001
        posted = None
    number = case_number(posted or request.GET.get("number"))  # '' when it is none
    return {"center": center, "lookup_again": progress_path(center, number)}


def csrf_failure(request, reason=""):
    """403 for a form whose security token is missing or stale (an old tab, cookies blocked): what happened
    and what to do, in the reader's language; nothing was changed. The technical reason stays in the log.
    The public progress lookup offers the lookup again (PUB-2)."""
    return render(request, "403_csrf.html", {"back": _back(request), **_page(request), **_lookup_again(request)},
                  status=403)


def server_error(request):
    """500: a plain Chinese page with a way back, never Django's English "Server Error (500)"; the fault itself
    is in the log. If even this page cannot be drawn (the database is down), a bare page in the same words."""
    from django.http import HttpResponseServerError
    from django.utils.html import escape

    try:
        return render(request, "500.html", {"back": _back(request)}, status=500)
    except Exception:  # the page must not fail in turn  # noqa: BLE001
        return HttpResponseServerError(
            f"<!DOCTYPE html><meta charset=utf-8><h1>{escape(_('The system could not show this page'))}</h1>")
