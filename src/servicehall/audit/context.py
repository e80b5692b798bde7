"""The request's client address, kept for the audit records written while the request runs (SEC-7)."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

client_address: ContextVar[str] = ContextVar("servicehall_client_address", default="")
_request: ContextVar = ContextVar("servicehall_request", default=None)


def current_request():
    """The request being served, or None (commands, workers)."""
    return _request.get()


def request_user():
    """The logged-in user of the request being served, or None (commands, workers, anonymous pages)."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def address_of(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``SERVICEHALL_PROXY_COUNT`` trusted reverse proxies
    the address the nearest of them saw in ``X-Forwarded-For``. Anything that is not an IP address is ''."""
    if request is None:
        return ""
    meta = getattr(request, "META", {}) or {}
    value = meta.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "SERVICEHALL_PROXY_COUNT", 0)
    if proxies:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            value = hops[-proxies]
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


class ClientAddressMiddleware:
    """Puts the request's address where :func:`servicehall.audit.services.record` finds it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(address_of(request))
        request_token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(request_token)
            client_address.reset(token)
