"""Benchmark (Q-2, Q-6): a queue simulation with Poisson arrivals and exponential service at the demo center's
rates, dispatched by ``rules/queue.pick_next`` (green channel, anti-starvation bound), compared with the
Erlang C figures for the same arrival and service rates and windows. Prints the ratios."""

from __future__ import annotations

import datetime as dt
import heapq
import random

import pytest

from servicehall.rules.erlang import mean_wait, wait_quantile
from servicehall.rules.queue import Waiting, pick_next

pytestmark = pytest.mark.bench

T0 = dt.datetime(2026, 3, 2, 8, 30)


def simulate(windows: int, per_hour: float, service_min: float, hours: float, priority_share: float, seed: int):
    rng = random.Random(seed)
    lam, mu = per_hour / 60, 1 / service_min
    t, arrivals = 0.0, []
    while True:
        t += rng.expovariate(lam)
        if t > hours * 60:
            break
        arrivals.append((t, "elderly" if rng.random() < priority_share else ""))
    free = [0.0] * windows
    heapq.heapify(free)
    waiting: list[Waiting] = []
    waits, i, key = [], 0, 0
    while i < len(arrivals) or waiting:
        now = heapq.heappop(free)
        while i < len(arrivals) and arrivals[i][0] <= now:
            waiting.append(Waiting(key, T0 + dt.timedelta(minutes=arrivals[i][0]), arrivals[i][1]))
            key, i = key + 1, i + 1
        if not waiting:
            now = arrivals[i][0]
            waiting.append(Waiting(key, T0 + dt.timedelta(minutes=now), arrivals[i][1]))
            key, i = key + 1, i + 1
        chosen = pick_next(waiting, T0 + dt.timedelta(minutes=now))
        waiting.remove(chosen)
        waits.append(now - (chosen.issued_at - T0).total_seconds() / 60)
        heapq.heappush(free, now + rng.expovariate(mu))
    waits.sort()
    return sum(waits) / len(waits), waits[int(0.9 * len(waits))], lam, mu


@pytest.mark.parametrize("name,windows,per_hour,service_min", [
    ("人社 (4 windows)", 4, 36, 6.0),
    ("不动产 (4 windows)", 4, 20, 10.0),
    ("民政 (3 windows)", 3, 15, 9.0),
])
def test_bench_dispatch_against_erlang_c(name, windows, per_hour, service_min, bench):
    avg, p90, lam, mu = simulate(windows, per_hour, service_min, hours=20000, priority_share=0.15, seed=3)
    wq, q90 = mean_wait(windows, lam, mu), wait_quantile(windows, lam, mu, 0.9)
    bench.row(f"queue dispatch vs Erlang C, {name}", f"mean wait {avg:.2f} min, p90 {p90:.2f}",
              baseline=f"Erlang C {wq:.2f} min, p90 {q90:.2f}", ratio=avg / wq, target="mean within ±10%",
              ok=0.9 <= avg / wq <= 1.1, note=f"load {lam / mu / windows:.0%}")
