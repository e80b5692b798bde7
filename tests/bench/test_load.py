"""Load test (Q-1; issue 14, item 6): kiosks issue tickets against PostgreSQL through the production server
(gunicorn, persistent database connections), driven by an open-loop generator in the same run.

The generator offers a fixed rate: request *i* is due at ``start + i / rate`` whatever happened to the ones before
it, and its latency is counted from that due time (a slow server cannot slow the generator down and hide its
queue — no coordinated omission). Phases:

* 100 tickets/s for 30 s through gunicorn: p99 ≤ 250 ms, no error, no duplicate, none lost;
* short steps of rising rate (150, 200, 250, 300, 400/s; or, when 100/s did not hold, falling: 75, 50, 25/s),
  each after the server worked off the last one's queue: the highest rate sustained with p99 ≤ 1 s and no error
  (target ≥ 150/s);
* the development server (``runserver``, a new connection per request) at 100/s, for comparison.

Figures go to the ``bench`` table; the machine's load is printed beside them (they are noisy on a shared host).
Runs in ``make bench`` under a throwaway PostgreSQL cluster (skipped on SQLite).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from servicehall.audit.services import system_actor
from servicehall.duty import services as duty
from servicehall.org import services as org
from servicehall.org.models import ExtendedSession
from servicehall.tickets.models import Ticket

pytestmark = [pytest.mark.bench, pytest.mark.postgres, pytest.mark.postgres_only,
              pytest.mark.django_db(transaction=True)]

KIOSKS = 50
MAIN_RATE, MAIN_S = 100, 30
STEPS, STEP_S = (150, 200, 250, 300, 400), 8
STEPS_DOWN = (75, 50, 25)
DEV_RATE, DEV_S = 100, 10
TIMEOUT_S = 10.0
# Four sync workers gave the best p99 on this two-core machine (the generator, PostgreSQL and the workers share
# the cores; a request holds its worker a few milliseconds, so threads add switching and nothing else).
GUNICORN = os.environ.get("SERVICEHALL_BENCH_GUNICORN", "--workers 4 --worker-class sync")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_up(port: int, proc: subprocess.Popen) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


@dataclass
class Phase:
    name: str
    rate: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tickets: list[int] = field(default_factory=list)  # ticket ids answered
    elapsed: float = 0.0

    @property
    def sent(self) -> int:
        return int(self.rate * self.seconds)

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("inf")

    def line(self) -> str:
        return (f"{self.name}: {self.rate}/s offered for {self.seconds:.0f} s, {len(self.latencies)} answered in "
                f"{self.elapsed:.1f} s, p50 {self.pct(0.5) * 1000:.0f} ms, p99 {self.pct(0.99) * 1000:.0f} ms, "
                f"max {max(self.latencies, default=0) * 1000:.0f} ms, errors {len(self.errors)}"
                + (f" (first: {self.errors[0]})" if self.errors else ""))


async def _one(port: int, body: bytes, token: str, due: float, phase: Phase) -> None:
    """One kiosk request, sent at its due time; its latency counts from the due time."""
    delay = due - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
    head = (f"POST /api/v1/devices/tickets HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        async with asyncio.timeout(TIMEOUT_S):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + body)
            await writer.drain()
            raw = await reader.read()
            writer.close()
    except (OSError, TimeoutError) as exc:
        phase.errors.append(f"{type(exc).__name__}: {exc}")
        return
    done = time.perf_counter()
    status_line, _, rest = raw.partition(b"\r\n")
    status = status_line.split(b" ")[1] if b" " in status_line else b"?"
    content = rest.partition(b"\r\n\r\n")[2]
    if status != b"200":
        phase.errors.append(f"HTTP {status.decode(errors='replace')}: {content[:200]!r}")
        return
    answer = json.loads(content)
    phase.latencies.append(done - due)
    phase.tickets.append(answer["id"])


def offer(port: int, tokens: list[str], phase: Phase, quiet: bool = False) -> Phase:
    """Offer ``phase.rate`` requests a second for ``phase.seconds`` (open loop), kiosk by kiosk in turn."""
    async def run() -> None:
        start = time.perf_counter() + 0.2
        tasks = []
        for i in range(phase.sent):
            body = json.dumps({"request_id": f"{phase.name}-{i}", "item": "RS-001"}).encode()
            tasks.append(asyncio.ensure_future(_one(port, body, tokens[i % len(tokens)], start + i / phase.rate,
                                                    phase)))
        await asyncio.gather(*tasks)
        phase.elapsed = time.perf_counter() - start

    asyncio.run(run())
    if not quiet:
        print(phase.line(), flush=True)
    return phase


def drain(port: int, token: str, within_s: float = 20.0) -> None:
    """Wait until the server has worked off what the last phase left queued (one request answers in < 0.5 s)."""
    until = time.monotonic() + within_s
    while time.monotonic() < until:
        probe = Phase(f"drain{secrets.token_hex(4)}", 1, 1)
        offer(port, [token], probe, quiet=True)
        if probe.latencies and probe.latencies[0] < 0.5:
            return


def start_server(kind: str, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    if kind == "gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "servicehall.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--backlog", "2048", *shlex.split(GUNICORN)]
        env = {**env, "SERVICEHALL_DB_CONN_MAX_AGE": "600"}
    else:
        cmd = [sys.executable, "-m", "servicehall.cli", "runserver", "--noreload", f"127.0.0.1:{port}"]
        env = {**env, "SERVICEHALL_DB_CONN_MAX_AGE": "0"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(port, proc)
    except RuntimeError:
        proc.kill()
        raise
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)  # gunicorn: a quick shutdown (TERM would finish the queue first)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def test_bench_tickets_at_a_citys_rate(bench, actor, center):
    if connection.vendor != "postgresql":
        pytest.skip("the load test runs against PostgreSQL (make bench starts one)")
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    today = timezone.now().astimezone(ZoneInfo(center.timezone)).date()
    # W01 open all day (an extended session, ATT-4): the kiosks issue whatever the hour the bench runs.
    ExtendedSession.objects.create(center=center, date=today, start=dt.time(0), end=dt.time(23, 59, 59)).windows.add(
        center.windows.get(code="W01"))
    office = system_actor("office")
    tokens = [duty.register_device(office, center, f"K{k:02d}", f"{k}号取号机", kind="kiosk")[1]
              for k in range(KIOSKS)]
    db = connection.settings_dict
    env = {**os.environ, "SERVICEHALL_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "SERVICEHALL_LOG_LEVEL": "ERROR", "SERVICEHALL_DEBUG": "0",
           "SERVICEHALL_SECRET_KEY": secrets.token_urlsafe(40)}
    print(f"\n{load()}; gunicorn {GUNICORN}", flush=True)

    proc, port = start_server("gunicorn", env)
    try:
        offer(port, tokens, Phase("warm", 50, 2))  # every worker connects and fills its copies
        main = offer(port, tokens, Phase("main", MAIN_RATE, MAIN_S))
        main_served = Ticket.objects.filter(device_request_id__regex=r"-main-\d+$").count() / main.elapsed
        steps = []
        held_main = not main.errors and main.pct(0.99) <= 1.0
        # Up from 100/s while it holds; down (on a machine too loaded for 100/s) to find what it does sustain.
        for rate in STEPS if held_main else STEPS_DOWN:
            drain(port, tokens[0])
            step = offer(port, tokens, Phase(f"step{rate}", rate, STEP_S))
            steps.append(step)
            if held_main and (step.errors or step.pct(0.99) > 1.0):
                break
            if not held_main and not step.errors and step.pct(0.99) <= 1.0:
                break
    finally:
        stop(proc)
    print(load(), flush=True)
    proc, port = start_server("runserver", env)
    try:
        dev = offer(port, tokens, Phase("dev", DEV_RATE, DEV_S))
    finally:
        stop(proc)

    # Correctness (asserted): every answered ticket is stored for its request and answered once; numbers run 1..n
    # without a gap or a repeat. A request the generator gave up on (timeout) is a miss reported below, not a loss:
    # the server may still have issued its ticket — then it is stored and numbered like any other.
    phases = (main, *steps, dev)
    answered = [t for ph in phases for t in ph.tickets]
    assert len(answered) == len(set(answered))  # no ticket handed to two requests
    stored = dict(Ticket.objects.filter(pk__in=answered).values_list("pk", "device_request_id"))
    assert set(stored) == set(answered)  # none answered and lost
    seqs = sorted(Ticket.objects.filter(center=center).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # none duplicated, none skipped
    main_stored = Ticket.objects.filter(device_request_id__regex=r"-main-\d+$").count()
    lost = main.sent - main_stored

    p99 = main.pct(0.99)
    bench.row("tickets via gunicorn, 100/s for 30 s, p99", f"{p99 * 1000:.0f} ms, {len(main.errors)} errors",
              target="≤ 250 ms, no error, none lost", ok=p99 <= 0.25 and not main.errors and lost == 0,
              baseline=f"runserver {dev.pct(0.99) * 1000:.0f} ms, {len(dev.errors)} errors",
              ratio=dev.pct(0.99) / p99 if p99 else None,
              note=f"{len(main.tickets)}/{main.sent} answered in time, {main_stored} issued, the server issuing "
                   f"{main_served:.0f}/s; {load()}")
    held = [s.rate for s in steps if not s.errors and s.pct(0.99) <= 1.0]
    held += [MAIN_RATE] if held_main else []
    best = max(held, default=0)
    bench.row("tickets via gunicorn, highest rate with p99 ≤ 1 s", f"{best}/s", target="≥ 150/s", ok=best >= 150,
              baseline=f"runserver at {DEV_RATE}/s: p99 {dev.pct(0.99) * 1000:.0f} ms",
              note=f"{GUNICORN}; steps " + ", ".join(f"{s.rate}/s p99 {s.pct(0.99) * 1000:.0f} ms"
                                                      + (f" {len(s.errors)} err" if s.errors else "") for s in steps))
    bench.row("tickets via runserver, 100/s for 10 s, p99", f"{dev.pct(0.99) * 1000:.0f} ms",
              note=f"{len(dev.latencies)} answered, {len(dev.errors)} errors; development server, no persistent "
                   "connections (comparison)")
