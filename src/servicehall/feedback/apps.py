from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "servicehall.feedback"
    verbose_name = _("Complaints and first inquiries")

    def ready(self) -> None:
        from servicehall.core import schedule

        # FIR-4, CMP-4: overdue first-inquiry transfers and supervision orders every ten minutes.
        schedule.every("feedback.overdue_tick", "servicehall.feedback.alerts.tick", minute="*/10",
                       report=lambda told: f"tick: {told[0]} overdue transfers, {told[1]} overdue supervision orders")
