"""The worker's schedule: one list of the periodic ticks of every app, read by the Huey consumer
(``core/tasks.py``) and by ``servicehall worker --once``.

The ticks themselves are the apps' own functions (duty re-derives today's coverage, feedback finds overdue
matters …); each app names its ticks here from its ``AppConfig.ready`` by dotted path, so the base app
imports no domain app and a test may replace a tick function where it lives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Tick:
    """A periodic job: ``path`` is the dotted path of a function taking no argument; ``minute``/``hour`` are
    crontab fields; ``report`` turns its result into the line ``worker --once`` prints (a tick without one is
    left to the periodic worker)."""

    name: str
    path: str
    minute: str = "*"
    hour: str = "*"
    report: Callable[[Any], str] | None = None

    def run(self) -> Any:
        return import_string(self.path)()


_ticks: dict[str, Tick] = {}


def every(name: str, path: str, *, minute: str = "*", hour: str = "*",
          report: Callable[[Any], str] | None = None) -> Tick:
    """Put a tick on the schedule (idempotent by name: the last registration wins)."""
    tick = Tick(name, path, minute, hour, report)
    _ticks[name] = tick
    return tick


def ticks() -> list[Tick]:
    """The schedule, in the order the apps registered (the order of INSTALLED_APPS)."""
    return list(_ticks.values())


def run_once() -> list[str]:
    """Run every tick that reports once, now, and return what each reports (``servicehall worker --once``)."""
    return [t.report(t.run()) for t in ticks() if t.report is not None]
