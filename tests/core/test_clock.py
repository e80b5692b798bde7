"""The one reading of "today in the center's zone" (ARCHITECTURE: the zone decides days)."""

import datetime as dt
from types import SimpleNamespace

from servicehall.core import clock

UTC = dt.UTC


def test_the_zone_decides_the_day():
    # 2026-03-01 17:30 UTC is already 2 March in Shanghai (UTC+8) but still 1 March in London.
    when = dt.datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    assert clock.local_date("Asia/Shanghai", when) == dt.date(2026, 3, 2)
    assert clock.local_date("Europe/London", when) == dt.date(2026, 3, 1)
    assert clock.today("Asia/Shanghai", when) == dt.date(2026, 3, 2)


def test_an_object_with_a_timezone_is_read_like_its_zone_name():
    center = SimpleNamespace(timezone="Asia/Shanghai")
    when = dt.datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    assert clock.local(center, when) == when
    assert clock.local(center, when).hour == 1
    assert clock.local_date(center, when) == clock.local_date("Asia/Shanghai", when)


def test_today_defaults_to_now():
    assert clock.today("Asia/Shanghai") == clock.local_date("Asia/Shanghai", dt.datetime.now(UTC))
