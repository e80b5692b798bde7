"""The worker's periodic tasks (Huey), made from the schedule every app registered (core/schedule.py).

Huey's consumer imports this module after every app is ready, so every tick is on the schedule by then.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import close_db, db_periodic_task, db_task, on_startup

from . import health, schedule


def _task(tick: schedule.Tick):
    def run() -> None:
        tick.run()

    run.__name__ = tick.name.replace(".", "_")
    return db_periodic_task(crontab(minute=tick.minute, hour=tick.hour), name=tick.name)(run)


TASKS = {t.name: _task(t) for t in schedule.ticks()}


@db_task()
def ping() -> str:
    """Beat through the queue: ``servicehall worker --ping`` sends it and waits for the answer, which proves the
    queue (Redis when configured) and a worker both work."""
    return health.beat().isoformat()


@on_startup()
@close_db
def first_beat() -> None:
    """Beat as soon as the worker starts, not only at the next minute."""
    health.beat()
