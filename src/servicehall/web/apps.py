from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "servicehall.web"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from servicehall import busy

        # Issue 14, item 5: a busy database is a "please submit again", never a 500 or lost input.
        connection_created.connect(busy.install, dispatch_uid="servicehall.busy")
        for conn in connections.all(initialized_only=True):
            busy.install(conn)
