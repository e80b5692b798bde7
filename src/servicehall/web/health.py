"""``/healthz`` for the reverse proxy and monitoring (issue 14): JSON, no login, nothing personal. 200 when the
database answers, the worker's heartbeat is recent and the disk has room; 503 naming what failed otherwise."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from servicehall.core import health


@never_cache
@require_safe
def healthz(request):
    result = health.report()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)
