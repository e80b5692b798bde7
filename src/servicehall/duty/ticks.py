"""One tick of the worker: re-derive today's post-days of every center and send alerts for new vacancies."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from servicehall.core import clock
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center
from servicehall.org.services import sync_center

from . import engine
from .alerts import notify_vacancies


def tick(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    created_total = 0
    for center in Center.objects.select_related("policy"):
        today = clock.local_date(center, now)
        if not get_calendar(center).covers(today.year):
            continue
        sync_center(center, today)  # a post change dated today takes effect on the present-time pages (ORG-3)
        created = engine.recompute_day(center, today, now=now)
        notify_vacancies(center, created)
        created_total += len(created)
    return created_total
