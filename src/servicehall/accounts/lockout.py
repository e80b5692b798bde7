"""Login lockout (SEC-6): LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_MINUTES lock the
name for LOCKOUT_MINUTES (django-axes, with its failure log as the clock of the window)."""

from __future__ import annotations

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings


class WindowedLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler counting only the failures of the last window.

    Axes adds up failures while each comes within the lock time of the one before; SEC-6 counts the
    failures of a sliding window instead. Before axes adds a failure, each matching attempt's count is
    brought down to its failures (from axes' failure log) within the window.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and not getattr(request, "axes_locked_out", False):
            start = request.axes_attempt_time - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
            for attempts in self.filter_user_attempts(request, credentials):
                for attempt in attempts:
                    recent = AccessFailureLog.objects.filter(
                        username=attempt.username, ip_address=attempt.ip_address, user_agent=attempt.user_agent,
                        attempt_time__gte=start).count()
                    if recent < attempt.failures_since_start:
                        type(attempt).objects.filter(pk=attempt.pk).update(failures_since_start=recent)
        return super().user_login_failed(sender, credentials, request, **kwargs)
