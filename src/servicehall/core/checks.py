"""Deployment checks of the project's own settings (``servicehall check --deploy``; issue 14 item 2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# Backends that keep messages on this machine (development, tests): their links are never opened on a phone.
LOCAL_SMS = ("servicehall.core.sms.ConsoleBackend", "servicehall.core.sms.FileBackend")


@checks.register(checks.Tags.security, deploy=True)
def sms_links_need_a_public_address(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Text messages carry links (the result SMS's rating link EVAL-4, a phone ticket's page Q-7, a booking's
    cancel link Q-8): sent through a gateway without ``SERVICEHALL_PUBLIC_URL`` they would be bare paths no phone
    can open, and over plain http they would put the links' tokens on the wire."""
    backend = getattr(settings, "SERVICEHALL_SMS_BACKEND", "")
    if not backend or backend in LOCAL_SMS:
        return []
    public = getattr(settings, "SERVICEHALL_PUBLIC_URL", "").strip()
    if not public:
        return [checks.Error("SERVICEHALL_SMS_BACKEND sends text messages but SERVICEHALL_PUBLIC_URL is not set: "
                             "their links would be paths no phone can open.",
                             hint="Set SERVICEHALL_PUBLIC_URL to the site's address, e.g. https://zwfw.example.gov.cn",
                             id="servicehall.E001")]
    if not public.startswith("https://"):
        return [checks.Warning("SERVICEHALL_PUBLIC_URL is not an https:// address: the links sent by SMS would "
                               "carry their tokens unencrypted.", id="servicehall.W001")]
    return []
