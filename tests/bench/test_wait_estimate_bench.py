"""Benchmark (Q-7): the remote ticket's estimated wait against the actual waits of the demo's history.

For every called ticket of the demo's queue history, the estimate it would have been shown when it was taken —
the people ahead then (waiting tickets of the items sharing its windows), times the mean service time (call to
finish) of the last ``RECENT`` finished services at its item's windows that day (else the item's mean over the
earlier days, else 5 minutes), divided by its windows (all open in the demo's mornings), exactly as
``servicehall.tickets.estimate`` computes it through ``rules.queue`` — is compared with the wait it had (taken to
called). The baseline is the naive estimate a hall often prints: a fixed 5 minutes a person ahead. Reported: the
mean absolute error and the 90th percentile of the absolute error, in minutes."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict

import pytest

from servicehall.audit.services import system_actor
from servicehall.demo.load import load_demo
from servicehall.demo.queue import load_queue
from servicehall.org.models import Post
from servicehall.rules.queue import FALLBACK_MINUTES, RECENT, estimate_wait, service_minutes
from servicehall.tickets.models import Ticket

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

NOW = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Friday after closing


def _minutes(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 60


def _p90(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.9 * (len(values) - 1))]


def test_bench_wait_estimate_against_the_demo_history(bench):
    center = load_demo(system_actor("demo"), scale=1).center
    load_queue(center, days=10, now=NOW)
    windows_of: dict[int, set[int]] = defaultdict(set)
    for window, item in Post.objects.filter(center=center).values_list("window_id", "items"):
        if item is not None:
            windows_of[item].add(window)
    sharing = {item: {i for i, ws in windows_of.items() if ws & mine} for item, mine in windows_of.items()}
    rows = list(Ticket.objects.filter(center=center).values("pk", "day", "item_id", "window_id", "issued_at",
                                                            "called_at", "finished_at").order_by("issued_at"))
    by_day: dict[dt.date, list[dict]] = defaultdict(list)
    for r in rows:
        by_day[r["day"]].append(r)
    history: dict[int, list[float]] = defaultdict(list)  # the item's services of the earlier days
    ours, naive = [], []
    for day in sorted(by_day):
        today = by_day[day]
        for t in today:
            if t["called_at"] is None:
                continue
            mates = sharing.get(t["item_id"], {t["item_id"]})
            ahead = sum(1 for o in today if o["item_id"] in mates and o["issued_at"] < t["issued_at"]
                        and (o["called_at"] is None or o["called_at"] > t["issued_at"]))
            windows = windows_of.get(t["item_id"], set())
            done = sorted((o for o in today if o["finished_at"] is not None and o["finished_at"] <= t["issued_at"]
                           and o["window_id"] in windows), key=lambda o: o["finished_at"])[-RECENT:]
            past = history[t["item_id"]]
            per = service_minutes([_minutes(o["called_at"], o["finished_at"]) for o in done],
                                  sum(past) / len(past) if past else None)
            actual = _minutes(t["issued_at"], t["called_at"])
            ours.append(abs(estimate_wait(ahead, per, len(windows)) - actual))
            naive.append(abs(FALLBACK_MINUTES * ahead - actual))
        for o in today:
            if o["finished_at"] is not None and o["called_at"] is not None:
                history[o["item_id"]].append(_minutes(o["called_at"], o["finished_at"]))
    assert len(ours) > 100, "the demo has a history of called tickets"
    mae, base_mae = sum(ours) / len(ours), sum(naive) / len(naive)
    p90, base_p90 = _p90(ours), _p90(naive)
    load = os.getloadavg()[0]
    bench.row("remote ticket wait estimate, mean abs. error", f"{mae:.1f} min", baseline=f"{base_mae:.1f} min",
              ratio=base_mae / mae if mae else None, target="< baseline", ok=mae < base_mae,
              note=f"{len(ours)} tickets of the demo's 10 days; load {load:.1f}")
    bench.row("remote ticket wait estimate, P90 abs. error", f"{p90:.1f} min", baseline=f"{base_p90:.1f} min",
              ratio=base_p90 / p90 if p90 else None, target="≤ baseline", ok=p90 <= base_p90,
              note="baseline: a fixed 5 min a person ahead")
