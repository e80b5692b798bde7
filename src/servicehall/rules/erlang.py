"""Erlang C — the textbook waiting time of an M/M/c queue (Q-6), to hold the hall's dispatch against."""

from __future__ import annotations

import math

__all__ = ["erlang_c", "mean_wait", "wait_quantile"]


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits, for ``servers`` windows and offered load ``offered`` = λ/μ erlangs."""
    if offered >= servers:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= offered / k
        total += term
    last = term * offered / servers * servers / (servers - offered)
    return last / (total + last)


def mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue Wq = C(c, a) / (cμ − λ)."""
    a = arrival_rate / service_rate
    if a >= servers:
        return math.inf
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)


def wait_quantile(servers: int, arrival_rate: float, service_rate: float, q: float) -> float:
    """The q-quantile of the wait: P(W > t) = C · exp(−(cμ − λ) t)."""
    a = arrival_rate / service_rate
    c = erlang_c(servers, a)
    if c <= 1 - q:
        return 0.0
    return math.log(c / (1 - q)) / (servers * service_rate - arrival_rate)
