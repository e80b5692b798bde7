from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing every app may import (ARCHITECTURE.md): form tokens, the admin base, time in the
    center's zone, counters, notifications, devices, the worker's schedule; it imports no domain app."""

    name = "servicehall.core"
    label = "core"
    verbose_name = _("Plumbing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, schedule  # noqa: F401  (checks registers the deploy checks)

        # SEC-2: the pages' one-time form tokens are cleaned once a day.
        schedule.every("core.form_tokens_clean", "servicehall.core.once.clean", minute="17", hour="3")
        # The worker's heartbeat, read by /healthz (issue 14).
        schedule.every("core.heartbeat", "servicehall.core.health.beat")
        # Issue 16: the outbox (SMS, the provincial push) sends what is due, with retries and backoff.
        schedule.every("core.outbox", "servicehall.core.outbox.tick")
