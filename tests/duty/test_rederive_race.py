"""Two re-derivations of one center-day never interleave (NV-1, issue 14 item 7): PostgreSQL, real connections.

Under READ COMMITTED a punch's re-derivation and the worker's tick of the same day could each read the day's
events without the other's; the last to commit wrote rows missing the other's event. Every re-derivation takes the
center-day's advisory lock before it reads the day's events (``engine.hold_days``; a punch with its audit record),
so the second waits for the first to commit and then sees its event.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from servicehall.audit.services import system_actor
from servicehall.duty import engine, ticks
from servicehall.duty import services as duty
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Vacancy
from servicehall.org.models import Center, Staff

from .test_targeted_rederive import TZ, _scenario, derived, whole

DAY = dt.date(2026, 3, 3)
NOW = dt.datetime(2026, 3, 3, 17, 50, tzinfo=TZ)  # the day in progress: the tick re-derives it
WAIT = 30  # seconds: only a bound for a broken run, never reached when the test passes


def _waiting_on_advisory_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_tick_waits_for_a_punch_of_the_same_day_and_sees_its_event(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("racing re-derivations: PostgreSQL (SQLite serialises writers itself)")
    actor = system_actor("office")
    import_scenario(system_actor("import"), _scenario())
    hall = Center.objects.get(code="ZX")
    # The day judged and derived: everyone at the windows from 08:20 but S005 (B of P03), who never comes.
    for code in ("S001", "S002", "S003", "S004", "S006", "S007", "S008"):
        duty.record_event(actor, hall, {"type": "clock_in", "staff": Staff.objects.get(code=code),
                                        "at": dt.datetime(2026, 3, 3, 8, 20, tzinfo=TZ)}, source="import", now=NOW)
    assert not Vacancy.objects.filter(post__code="P03", date=DAY).exists()

    punch, tick = "punch", "tick"
    written, release, committed, tick_read = (threading.Event() for _ in range(4))
    errors: list[BaseException] = []
    real_rederive, real_range = duty.rederive, engine.RangeEvents

    def rederive(*args, **kwargs):  # the punch's re-derivation done, its transaction still open
        out = real_rederive(*args, **kwargs)
        if threading.current_thread().name == punch:
            written.set()
            release.wait(WAIT)
        return out

    class RangeEvents(real_range):  # the tick has read the day's punches
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if threading.current_thread().name == tick:
                tick_read.set()
                committed.wait(WAIT)  # without the lock: it writes after the punch committed (the lost update)

    monkeypatch.setattr(duty, "rederive", rederive)
    monkeypatch.setattr(engine, "RangeEvents", RangeEvents)

    def run(work) -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def out_of_p03() -> None:  # A of P03 leaves at 10:00 and B never came: P03 is empty from 10:00 (NV-1)
        duty.record_event(actor, hall, {"type": "clock_out", "staff": Staff.objects.get(code="S004"),
                                        "at": dt.datetime(2026, 3, 3, 10, 0, tzinfo=TZ)}, source="import", now=NOW)
        committed.set()

    first = threading.Thread(target=run, args=(out_of_p03,), name=punch)
    second = threading.Thread(target=run, args=(lambda: ticks.tick(NOW),), name=tick)
    first.start()
    try:
        assert written.wait(WAIT), errors
        second.start()
        # The tick either waits for the punch's day (the lock) or, without it, reads the day without the punch.
        while not tick_read.wait(0.02) and not _waiting_on_advisory_lock():
            assert second.is_alive() and not errors, errors
    finally:
        release.set()
        first.join(WAIT)
        if second.ident is not None:
            second.join(WAIT)
    assert not errors, errors
    empty = sorted(Vacancy.objects.filter(post__code="P03", date=DAY).values_list("start", flat=True))
    assert empty[:1] == [dt.datetime(2026, 3, 3, 10, 0, tzinfo=TZ)], "the tick's rows missed the punch"
    assert derived(hall) == whole(hall, NOW)
