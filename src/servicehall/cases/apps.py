from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "servicehall.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from servicehall.core import schedule

        # CASE-11: cards move with the calendar — every open case's card re-derived just after midnight.
        schedule.every("cases.case_cards_daily", "servicehall.cases.services.refresh_all_cards", minute="2", hour="0")
