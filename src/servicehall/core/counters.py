"""Daily numbers — a case's, a queue ticket's, a proxy package's — allocated in the database, never in
memory, so two processes never hand out the same number (ARCHITECTURE: Scale)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, models, transaction
from django.db.models import F

from .models import DailyCounter


def next_number(center: models.Model, series: str, day: dt.date) -> int:
    """Allocate the next number of a daily series of ``center`` in the database (safe across processes)."""
    mine = {"center_id": center.pk, "series": series, "day": day}
    with transaction.atomic():
        try:
            with transaction.atomic():
                DailyCounter.objects.get_or_create(**mine)
        except IntegrityError:
            pass  # created by a concurrent allocation
        DailyCounter.objects.filter(**mine).update(last=F("last") + 1)
        return DailyCounter.objects.get(**mine).last
