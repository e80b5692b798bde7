"""The last line for a busy database (issue 14, item 5; :mod:`servicehall.busy`).

Form pages catch the busy database as they catch any refused submission (it is a ``RuleViolation``) and
show their own form again with the text kept. Whatever still meets a busy database outside such a page —
a view that does not catch refusals, the session saved after the view — comes here instead of a 500:

- ``/api/`` answers 503 ``{"detail": [{"field": "__all__", "message": ..., "code": "database_busy"}]}``
  with ``Retry-After``;
- a page answers 503 in Chinese, "please submit again", with every text field the person sent in a form
  to the same address, ready to send again (passwords, one-time codes and the CSRF token are never echoed;
  attached files must be chosen again, which the page says).
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from servicehall.busy import BUSY, RETRY_AFTER, DatabaseBusy, api_busy, is_busy
from servicehall.errors import field_label

log = logging.getLogger(__name__)

# Fields never written back into a page: secrets, and the CSRF token (the page draws its own).
SECRET = ("password", "passwd", "secret", "otp", "token", "csrfmiddlewaretoken")
# The one-time form token (core.once) is sent back as it was: the repeated form is the same submission.
KEEP = ("form_token",)
LONG = 80  # a value longer than this, or with a line break, is shown in a text area


def _secret(name: str) -> bool:
    lowered = name.lower()
    return lowered not in KEEP and any(word in lowered for word in SECRET)


def echoed_fields(request) -> list[dict]:
    """The submitted text fields to put back, in the order sent, each value escaped by the template."""
    out = []
    for name in request.POST:
        if _secret(name):
            continue
        for value in request.POST.getlist(name):
            out.append({"name": name, "label": field_label(name), "value": value, "hidden": name in KEEP,
                        "long": len(value) > LONG or "\n" in value})
    return out


def busy_page(request):
    from .errors import _page

    response = render(request, "web/busy.html", {
        "message": _(BUSY), "fields": echoed_fields(request), "action": request.get_full_path(),
        "files": list(request.FILES), "resend": request.method == "POST", **_page(request)}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def answer(request, exc: BaseException):
    log.warning("database busy on %s %s: %s", request.method, request.path, getattr(exc, "detail", "") or exc)
    if request.path.startswith("/api/"):
        return api_busy()
    try:
        return busy_page(request)
    except DatabaseBusy:  # the page itself could not read the database: the plain answer, still no 500
        response = JsonResponse({"detail": [{"field": "__all__", "message": _(BUSY)}]}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response


MARK = "_servicehall_busy"


def noted(sender=None, request=None, **_kwargs):
    """``got_request_exception``: remember a busy database met outside the view (Django has already turned
    it into a 500 by the time the response reaches :class:`BusyDatabaseMiddleware`)."""
    exc = sys.exc_info()[1]
    if request is not None and is_busy(exc):
        setattr(request, MARK, exc)


got_request_exception.connect(noted, dispatch_uid="servicehall.web.busy")


class BusyDatabaseMiddleware:
    """A busy database anywhere in a request is a 503 "please submit again" with the input kept, never a 500.

    Placed before the session middleware, so a session that could not be saved after the view is caught
    too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, MARK, None)
        if exc is not None and response.status_code >= 500:
            return answer(request, exc)
        return response

    def process_exception(self, request, exception):
        """The view's own exception (Django calls this before turning it into a 500)."""
        if is_busy(exception):
            return answer(request, exception)
        return None
