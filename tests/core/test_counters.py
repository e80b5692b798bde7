"""Daily numbers come from the database, one series per center and day (ARCHITECTURE: Scale)."""

import datetime as dt

from servicehall.core.counters import next_number
from servicehall.core.models import DailyCounter


def test_each_series_and_day_counts_on_its_own(center):
    day = dt.date(2026, 3, 2)
    assert [next_number(center, "case", day) for _ in range(3)] == [1, 2, 3]
    assert next_number(center, "proxy", day) == 1
    assert next_number(center, "case", day + dt.timedelta(days=1)) == 1
    assert DailyCounter.objects.get(center=center, series="case", day=day).last == 3
