"""The worker's feedback tick (Huey): overdue first-inquiry transfers and supervision orders (FIR-4, CMP-4)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .alerts import tick


@db_periodic_task(crontab(minute="*/10"))
def feedback_overdue_tick():
    tick()
