"""The production path, once for real (issue 14, item 3): ``servicehall serve`` starts gunicorn and the worker on
the throwaway PostgreSQL with a throwaway Redis (Debian's redis-server, run by the test like PostgreSQL) as the
worker's queue and the cache; requests go through it, a task goes through Redis to the worker and back, and
stopping the command stops every process it started.

Runs in ``make test``'s PostgreSQL step (``scripts/with-postgres``); on SQLite it is skipped. Redis must be
installed (``.ci/run`` installs it): a missing redis-server fails the test rather than skipping it.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from .tickets.conftest import open_hall  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "window-clerk-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check, seconds: float = 120.0):
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{what} did not come up within {seconds:g} s (last: {last!r})")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything it started, by its id."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout=10)


@pytest.fixture
def redis_url():
    """A throwaway redis-server on a free port, run as 'nobody' when the tests run as root."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        pytest.fail("redis-server not found: install Debian's redis-server (.ci/run does)")
    import redis

    folder = Path(tempfile.mkdtemp(prefix="servicehall-redis-"))  # reachable by 'nobody', unlike pytest's
    folder.chmod(0o755)
    run: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        run = ["runuser", "-u", "nobody", "--"]
    port = _free_port()
    log = open(folder / "redis.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*run, binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder), "--daemonize", "no"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        _wait("redis-server", client.ping, 30)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop_group(proc)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _database_url() -> str:
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "postgres")
    password = f":{urllib.parse.quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the production path runs on PostgreSQL "
                    "(make test's scripts/with-postgres step)")
def test_gunicorn_postgresql_redis_and_the_worker(open_hall, redis_url, tmp_path):  # noqa: F811
    import redis
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import User

    from servicehall.core.models import Heartbeat

    # The suite hashes with MD5 for speed; the server knows only the real hashers.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    User.objects.filter(username="boss").update(password=hashed)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if k not in ("SERVICEHALL_INSECURE_DEV_KEY", "SERVICEHALL_DEBUG", "SERVICEHALL_TASKS_IMMEDIATE")}
    env.update({
        "SERVICEHALL_SECRET_KEY": secrets.token_urlsafe(50),  # production: no development key
        "SERVICEHALL_DATABASE_URL": _database_url(),
        "SERVICEHALL_REDIS_URL": redis_url,
        "SERVICEHALL_DATA_DIR": str(tmp_path),
        "SERVICEHALL_CENTER": "ZX",
        "SERVICEHALL_ALLOWED_HOSTS": "127.0.0.1",
        "SERVICEHALL_WEB_WORKERS": "2",
        "SERVICEHALL_WEB_THREADS": "2",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    })
    if env.get("SERVICEHALL_REPLICA_URL"):  # the replica of this test's database, not of the cluster's default
        env["SERVICEHALL_REPLICA_URL"] = urllib.parse.urlsplit(env["SERVICEHALL_REPLICA_URL"])._replace(
            path="/" + connection.settings_dict["NAME"]).geturl()
    out = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    serve = subprocess.Popen([sys.executable, "-m", "servicehall.cli", "serve", f"127.0.0.1:{port}"], env=env,
                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    log = tmp_path / "serve.log"
    try:
        started = _wait("servicehall serve", lambda: re.search(r"web pid (\d+), worker pid (\d+)", log.read_text()))
        web_pid, worker_pid = int(started.group(1)), int(started.group(2))

        def get(path: str, opener=None, **headers):
            request = urllib.request.Request(base + path, headers=headers)
            with (opener.open if opener else urllib.request.urlopen)(request, timeout=30) as r:
                return r.status, dict(r.headers), r.read()

        # The health endpoint: database, the worker's heartbeat (written when it starts), disk.
        def healthy():
            try:
                status, _, body = get("/healthz")
            except urllib.error.HTTPError as exc:  # 503 until the worker has beaten
                return exc.code == 200
            return status == 200 and json.loads(body)["status"] == "ok"

        _wait("/healthz ok", healthy, 180)

        status, headers, body = get("/")
        assert status == 200 and "某县政务服务中心" in body.decode()
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, headers, body = get("/static/servicehall/site.css")  # whitenoise, debugging off
        assert status == 200 and b".htmx-indicator" in body

        # A kiosk takes a ticket through the device API.
        ticket = urllib.request.Request(
            base + "/api/v1/devices/tickets", data=json.dumps({"request_id": "prod-1", "item": "RS-001"}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {open_hall['kiosk']}"})
        with urllib.request.urlopen(ticket, timeout=30) as r:
            assert r.status == 200 and json.loads(r.read())["ticket"] == "RS001"

        # A login and a page behind it (CSRF token and session cookie through the real server).
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _, _, form = get("/accounts/login/", opener)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1).decode()
        login = urllib.request.Request(base + "/accounts/login/", data=urllib.parse.urlencode(
            {"username": "boss", "password": PASSWORD, "csrfmiddlewaretoken": token}).encode())
        with opener.open(login, timeout=30) as r:
            assert r.status == 200 and "/accounts/login/" not in r.url
        status, _, page = get("/manage/", opener)
        assert status == 200 and 'action="/accounts/logout/"' in page.decode()  # logged in

        # The rate limits live in Redis, shared by every app process.
        assert get("/complaints/status/?code=NOPE")[0] == 200
        cache_keys = redis.Redis.from_url(redis_url).keys("servicehall:*complaint-status*")
        assert cache_keys, "the rate-limit counter is not in Redis"

        # One task through Redis to the worker and back.
        before = Heartbeat.objects.get(name="worker").at
        ping = subprocess.run([sys.executable, "-m", "servicehall.cli", "worker", "--ping", "--timeout", "90"],
                              env=env, capture_output=True, text=True, timeout=150)
        assert ping.returncode == 0, ping.stdout + ping.stderr
        assert "worker answered" in ping.stdout
        assert Heartbeat.objects.get(name="worker").at >= before
        commands = redis.Redis.from_url(redis_url).info("commandstats")
        assert "cmdstat_lpush" in commands, "the task was not queued in Redis"  # Huey's enqueue

        # Stopping the command stops the server and the worker with it: nothing is left behind.
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=90) == 0, log.read_text()
        assert not _alive(web_pid) and not _alive(worker_pid)
        with pytest.raises(ProcessLookupError):
            os.killpg(serve.pid, 0)  # no process of the group it started is left
    except BaseException:
        out.flush()
        print("--- servicehall serve log ---\n" + log.read_text(errors="replace")[-20000:])
        raise
    finally:
        _stop_group(serve)
        out.close()


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEHALL_")}
    env.update({"SERVICEHALL_DATA_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    run = subprocess.run([sys.executable, "-m", "servicehall.cli", "serve", "127.0.0.1:1"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "SERVICEHALL_SECRET_KEY must be set" in run.stderr
    assert not Path(tmp_path, "serve.log").exists()
