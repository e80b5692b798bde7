"""The benchmarks' one table (issue 14, item 9).

Each benchmark measures its figure and a fair baseline in the same run and reports them through the
``bench`` fixture instead of asserting on a target, so ``make bench`` runs every benchmark even when one
misses. At the end of the session one table lists every figure, its baseline, the ratio and the target;
the run exits non-zero when any target was missed (or a benchmark failed outright).

    def test_bench_something(bench):
        ...
        bench.row("add_workdays, vectorised", f"{rate:,.0f} pairs/s", target="≥ 50× baseline",
                  ok=rate / base >= 50, baseline=f"{base:,.0f} pairs/s", ratio=rate / base)

A row with ``ok=None`` is a figure reported for information (no target).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest


@dataclass
class Row:
    name: str
    figure: str
    target: str
    ok: bool | None
    baseline: str = ""
    ratio: float | None = None
    note: str = ""


@dataclass
class BenchReport:
    rows: list[Row] = field(default_factory=list)

    def row(self, name: str, figure: str, *, target: str = "", ok: bool | None = None, baseline: str = "",
            ratio: float | None = None, note: str = "") -> Row:
        r = Row(name, figure, target, ok, baseline, ratio, note)
        self.rows.append(r)
        return r

    @property
    def missed(self) -> list[Row]:
        return [r for r in self.rows if r.ok is False]


_REPORT = BenchReport()


@pytest.fixture
def bench() -> BenchReport:
    return _REPORT


def _table(rows: list[Row]) -> str:
    head = ("benchmark", "figure", "baseline", "ratio", "target", "result")
    body = [(r.name + (f" ({r.note})" if r.note else ""), r.figure, r.baseline,
             "" if r.ratio is None else f"{r.ratio:,.1f}x", r.target,
             "info" if r.ok is None else ("met" if r.ok else "MISSED")) for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(out)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _REPORT.rows:
        return
    db = "PostgreSQL" if os.environ.get("SERVICEHALL_DATABASE_URL", "").startswith("postgres") else "SQLite"
    terminalreporter.write_sep("=", f"benchmarks ({db})")
    terminalreporter.write_line(_table(_REPORT.rows))
    if _REPORT.missed:
        terminalreporter.write_line(f"{len(_REPORT.missed)} target(s) missed: "
                                    + "; ".join(r.name for r in _REPORT.missed))


def pytest_sessionfinish(session, exitstatus):
    if _REPORT.missed and session.exitstatus == 0:
        session.exitstatus = 1
