"""Small pieces every manager's page uses: a ``?from=&to=`` date range and an xlsx download."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse

from servicehall.org.calendar import local_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def date_param(request, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def date_range(request, center) -> tuple[dt.date, dt.date]:
    """``?from=&to=`` for a manager's list; this month so far (in the center's zone) by default."""
    today = local_today(center)
    return date_param(request, "from", today.replace(day=1)), date_param(request, "to", today)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
