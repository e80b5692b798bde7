"""Erlang C against known values."""

import pytest

from servicehall.rules.erlang import erlang_c, mean_wait, wait_quantile


def test_single_server_is_mm1():
    # M/M/1: P(wait) = ρ, Wq = ρ / (μ − λ)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)


def test_textbook_value():
    # c = 2, a = 1 erlang: C = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def test_overload_and_quantile():
    assert erlang_c(2, 3.0) == 1.0
    assert wait_quantile(2, 0.1, 1.0, 0.9) == 0.0
    assert wait_quantile(1, 0.5, 1.0, 0.9) == pytest.approx(__import__("math").log(5) / 0.5)
