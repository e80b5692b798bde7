from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "servicehall.feedback"
    verbose_name = _("Complaints and first inquiries")

    def ready(self) -> None:
        from servicehall.cases import origins
        from servicehall.core import schedule

        from .inquiries import link_case
        from .models import Inquiry

        # FIR-3: an application started from a first inquiry carries on as its case.
        origins.register(origins.Origin(
            "inquiry", find=lambda center, pk: Inquiry.objects.filter(center=center, pk=pk).first(),
            prefill=lambda inq: {"name": inq.asker, "phone": inq.phone}, link=link_case))

        # FIR-4, CMP-4: overdue first-inquiry transfers and supervision orders every ten minutes.
        schedule.every("feedback.overdue_tick", "servicehall.feedback.alerts.tick", minute="*/10",
                       report=lambda told: f"tick: {told[0]} overdue transfers, {told[1]} overdue supervision orders")
