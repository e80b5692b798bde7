from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing every app may import (ARCHITECTURE.md): form tokens, the admin base; it imports no domain app."""

    name = "servicehall.core"
    label = "core"
    verbose_name = _("Plumbing")
    default_auto_field = "django.db.models.BigAutoField"
