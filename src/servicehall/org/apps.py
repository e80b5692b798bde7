import datetime as dt
from zoneinfo import ZoneInfo

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# SEC-4: the nightly backup at 02:30 in the hall's own zone, when nobody is at work.
BACKUP_AT = dt.time(2, 30)


def worker_hour(local: dt.time, now: dt.datetime | None = None) -> str:
    """The crontab hour for ``local`` in TIME_ZONE: Huey's schedule reads UTC unless HUEY sets utc=False."""
    if not settings.HUEY.get("utc", True):
        return str(local.hour)
    zone = ZoneInfo(settings.TIME_ZONE)
    day = (now or dt.datetime.now(zone)).astimezone(zone).date()
    return str(dt.datetime.combine(day, local, zone).astimezone(dt.UTC).hour)


class OrgConfig(AppConfig):
    name = "servicehall.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from servicehall.core import schedule

        # SEC-4: an encrypted backup every night (its failures alert the system administrators).
        schedule.every("org.backup_daily", "servicehall.org.backups.daily", minute=str(BACKUP_AT.minute),
                       hour=worker_hour(BACKUP_AT))
