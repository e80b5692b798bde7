from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "servicehall.duty"
    verbose_name = _("Duty and vacancies")

    def ready(self) -> None:
        from servicehall.core import schedule

        # NV-1: coverage every minute, so red shows within a minute.
        schedule.every("duty.coverage_tick", "servicehall.duty.ticks.tick",
                       report=lambda created: f"tick: {created} new vacancies")

        from servicehall.org.assignments import changed

        from .engine import watch

        watch()  # issue 14 item 7: a punch keeps the day's assignments per process until one changes

        from .services import rederive_from

        # ORG-3: a post's A/B changed from a date already judged — the days from it are judged again.
        changed.connect(rederive_from, dispatch_uid="duty.rederive_from")
