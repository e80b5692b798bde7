"""The worker's periodic ticks (Huey): coverage every minute, so red shows within a minute (NV-1)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .ticks import tick


@db_periodic_task(crontab(minute="*"))
def coverage_tick():
    tick()


@db_periodic_task(crontab(minute="2", hour="0"))
def case_cards_daily():
    """Cards move with the calendar (CASE-11): re-derive every open case's card just after midnight."""
    from servicehall.cases.services import refresh_cards
    from servicehall.org.models import Center

    for center in Center.objects.select_related("policy"):
        refresh_cards(center)
