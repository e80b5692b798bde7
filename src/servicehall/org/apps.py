from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "servicehall.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from servicehall.core import schedule

        # SEC-4: an encrypted backup every night (its failures alert the system administrators).
        schedule.every("org.backup_daily", "servicehall.org.backups.daily", minute="30", hour="2")
