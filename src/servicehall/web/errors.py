"""Refusal and not-found pages in the reader's language (SEC-5): what is not allowed, and a way back."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from servicehall.org.permissions import Forbidden


def _back(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return "/manage/" if request.user.is_authenticated else "/"


def forbidden(request, exception=None):
    """403: the permission table's refusal in words; nothing was changed."""
    if isinstance(exception, Forbidden):
        message = exception.message
    else:
        text = str(exception or "")
        message = _(text) if text else _("You may not open this page.")
    return render(request, "403.html", {"message": message, "back": _back(request)}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)
