"""The worker's periodic tasks (Huey), made from the schedule every app registered (core/schedule.py).

Huey's consumer imports this module after every app is ready, so every tick is on the schedule by then.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import schedule


def _task(tick: schedule.Tick):
    def run() -> None:
        tick.run()

    run.__name__ = tick.name.replace(".", "_")
    return db_periodic_task(crontab(minute=tick.minute, hour=tick.hour), name=tick.name)(run)


TASKS = {t.name: _task(t) for t in schedule.ticks()}
