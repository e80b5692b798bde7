"""The worker's periodic ticks (Huey): coverage every minute, so red shows within a minute (NV-1)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .ticks import tick


@db_periodic_task(crontab(minute="*"))
def coverage_tick():
    tick()
