"""Daily numbers — a case's, a queue ticket's, a proxy package's — allocated in the database, never in
memory, so two processes never hand out the same number (ARCHITECTURE: Scale)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models

from .models import DailyCounter


def _upsert_sql() -> str:
    q = connection.ops.quote_name
    table = q(DailyCounter._meta.db_table)
    center, series, day, last = (q(f) for f in ("center_id", "series", "day", "last"))  # the model's columns
    return (f"INSERT INTO {table} ({center}, {series}, {day}, {last}) VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT ({center}, {series}, {day}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}")


def next_number(center: models.Model, series: str, day: dt.date) -> int:
    """Allocate the next number of a daily series of ``center`` in the database (safe across processes).

    One statement — ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (PostgreSQL; SQLite 3.35 or later): the first
    number of the day creates the row, every later one increments it under the row's lock, which the caller's
    transaction holds until it ends, so a rolled-back write gives its number back."""
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [center.pk, series, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return int(row[0])
