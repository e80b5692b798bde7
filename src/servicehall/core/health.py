"""The system's health for the proxy and monitoring (``/healthz``, issue 14): the database and the cache (Redis
when configured: the rate limits live there) answer, the worker's heartbeat is recent, the data folder's disk has
room. Nothing personal is read or told.

The worker beats every minute (a tick on the schedule, ``core/schedule.py``), when it starts, and whenever it
runs the queue's ``ping`` task (``servicehall worker --ping``, which goes through the queue: Redis when
configured).
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

WORKER = "worker"


def beat(name: str = WORKER) -> dt.datetime:
    """Note that ``name`` is alive now; returns the time written."""
    from .models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})
    return now


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is "not reachable"; the kind is told, not the text
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _cache() -> dict[str, Any]:
    from django.core.cache import cache

    try:
        cache.set("healthz", 1, 30)
        ok = cache.get("healthz") == 1
    except Exception as exc:  # noqa: BLE001 - any failure is "not reachable"
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": ok}


def _worker() -> dict[str, Any]:
    from .models import Heartbeat

    limit = settings.HEALTH_WORKER_MAX_AGE_SECONDS
    try:
        at = Heartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
    except Exception as exc:  # noqa: BLE001 - the database check names the cause
        return {"ok": False, "error": type(exc).__name__, "max_age_seconds": limit}
    if at is None:
        return {"ok": False, "error": "no heartbeat yet", "max_age_seconds": limit}
    age = max(0, int((timezone.now() - at).total_seconds()))
    return {"ok": age <= limit, "age_seconds": age, "max_age_seconds": limit}


def _disk() -> dict[str, Any]:
    minimum = settings.HEALTH_MIN_FREE_MB
    try:
        free = shutil.disk_usage(settings.MEDIA_ROOT if settings.MEDIA_ROOT.exists() else settings.DATA_DIR).free
    except OSError as exc:
        return {"ok": False, "error": type(exc).__name__, "min_free_mb": minimum}
    free_mb = free // (1024 * 1024)
    return {"ok": free_mb >= minimum, "free_mb": free_mb, "min_free_mb": minimum}


def report() -> dict[str, Any]:
    """``{"status": "ok" | "fail", "failed": [names], "checks": {name: {...}}}``."""
    checks = {"database": _database(), "cache": _cache(), "worker": _worker(), "disk": _disk()}
    failed = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
