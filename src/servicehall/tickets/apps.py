from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "servicehall.tickets"
    verbose_name = _("Queue and ratings")

    def ready(self) -> None:
        from . import hot

        hot.watch()  # issue 14: a change to what the issue path keeps per process reaches every process
