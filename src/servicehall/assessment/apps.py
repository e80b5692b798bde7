from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "servicehall.assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from servicehall.core import schedule

        # ATT-3, ASM-5: the Monday report ready on Monday morning and the bulletin on the 1st, in hall time
        # (each center its own zone): the tick runs every hour and prepares what is due and not yet there.
        schedule.every("assessment.reports_tick", "servicehall.assessment.reports.tick", minute="20")
