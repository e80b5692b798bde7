"""Deployment settings that refuse nonsense, HTTPS behind a proxy, the Content-Security-Policy and /healthz
(issue 14, items 1 and 2)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from servicehall.core import health
from servicehall.core.models import Heartbeat

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "src" / "servicehall").rglob("templates/**/*.html"))
ENV_EXAMPLE = ROOT / "deploy" / "servicehall.env.example"


def _clean_env(tmp_path, **extra) -> dict[str, str]:
    # Not the suite's own settings, nor the browser tests' async allowance (a deployment never sets it).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SERVICEHALL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"SERVICEHALL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "servicehall.settings",
                "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    env.update(extra)
    return env


def _start(env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"], env=env,
                          capture_output=True, text=True, timeout=120)


def documented_production_env() -> dict[str, str]:
    """deploy/servicehall.env.example as systemd reads it, with a key of its own."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    values["SERVICEHALL_SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


# -- the secret key -------------------------------------------------------------------------------------------

def test_no_secret_key_outside_development_refuses_to_start(tmp_path):
    run = _start(_clean_env(tmp_path))
    assert run.returncode != 0 and "started" not in run.stdout
    assert "SERVICEHALL_SECRET_KEY must be set" in run.stderr


@pytest.mark.parametrize("key", ["servicehall-development-key-not-for-production-use-0123456789", "short-key",
                                 "a" * 60])
def test_published_short_or_trivial_keys_refuse_to_start(tmp_path, key):
    run = _start(_clean_env(tmp_path, SERVICEHALL_SECRET_KEY=key))
    assert run.returncode != 0 and "SERVICEHALL_SECRET_KEY must be a random string" in run.stderr


@pytest.mark.parametrize("flag", [{"SERVICEHALL_DEBUG": "true"}, {"SERVICEHALL_INSECURE_DEV_KEY": "true"},
                                  {"SERVICEHALL_SECRET_KEY": secrets.token_urlsafe(50)}])
def test_starts_with_a_key_or_in_development(tmp_path, flag):
    run = _start(_clean_env(tmp_path, **flag))
    assert run.returncode == 0, run.stderr
    assert "started" in run.stdout


# -- check --deploy with the documented production settings ----------------------------------------------

def test_deploy_check_is_clean_with_the_documented_settings(tmp_path):
    env = _clean_env(tmp_path, **documented_production_env())
    env["SERVICEHALL_DATA_DIR"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-m", "servicehall.cli", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout
    assert "WARNING" not in run.stdout + run.stderr


def test_deploy_check_warns_without_https(tmp_path):
    env = _clean_env(tmp_path, **{**documented_production_env(), "SERVICEHALL_HTTPS": "false",
                                  "SERVICEHALL_HSTS_SECONDS": "0"})
    run = subprocess.run([sys.executable, "-m", "servicehall.cli", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode != 0
    assert "security.W004" in run.stderr + run.stdout and "security.W012" in run.stderr + run.stdout


@pytest.mark.parametrize(("backend", "public", "found"), [
    ("servicehall.core.sms.HttpBackend", "", "servicehall.E001"),
    ("servicehall.core.sms.HttpBackend", "http://zwfw.example.gov.cn", "servicehall.W001"),
    ("servicehall.core.sms.HttpBackend", "https://zwfw.example.gov.cn", None),
    ("servicehall.core.sms.FileBackend", "", None),  # kept on this machine: no phone opens its links
    ("", "", None),  # SMS off
])
def test_deploy_check_refuses_sms_gateway_without_a_public_https_address(settings, backend, public, found):
    """Links sent by SMS (EVAL-4, Q-7, Q-8) are whole addresses a phone can open, over https."""
    from django.core import checks

    settings.SERVICEHALL_SMS_BACKEND = backend
    settings.SERVICEHALL_PUBLIC_URL = public
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
           if m.id and m.id.startswith("servicehall.")]
    assert ids == ([found] if found else [])


# -- HTTPS behind a reverse proxy ----------------------------------------------------------------------------

@pytest.fixture
def behind_tls_proxy(settings):
    settings.SERVICEHALL_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    return settings


def test_plain_http_is_redirected_but_not_the_health_endpoint(db, behind_tls_proxy):
    client = Client()
    response = client.get("/guides/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/guides/"
    Heartbeat.objects.create(name="worker", at=timezone.now())
    assert client.get("/healthz").status_code == 200  # monitoring probes the local port over plain HTTP


def test_https_through_the_proxy_is_served_with_hsts_and_secure_cookies(db, center, behind_tls_proxy):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"]
    token = page.cookies["csrftoken"].value
    # A login posted through the TLS proxy passes the CSRF check (the Origin is the site's own https origin).
    login = client.post("/accounts/login/", {"username": "boss", "password": "window-clerk-2026",
                                             "csrfmiddlewaretoken": token},
                        HTTP_X_FORWARDED_PROTO="https", HTTP_ORIGIN="https://testserver",
                        HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_HOST="testserver")  # as nginx passes it
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"]


# -- Content-Security-Policy -----------------------------------------------------------------------------------

def test_every_page_carries_a_policy_without_inline_script_or_style(db, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    for url in ("/", "/guides/", "/accounts/login/", "/complaints/new/", "/no-such-page/"):
        response = Client().get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "src" / "servicehall")))
def test_templates_have_no_inline_script_style_or_handler(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: put it in a static file"
    assert "<style" not in text, "inline <style>: put it in a static stylesheet"
    assert not re.search(r"\sstyle=", text), "style attribute: use a class from site.css"
    assert not re.search(r"\son[a-z]+\s*=", text), "on… handler attribute: use a data attribute and site.js"


def test_htmx_is_told_not_to_inject_its_indicator_styles(db, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    html = Client().get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config and json.loads(config.group(1))["includeIndicatorStyles"] is False


# -- /healthz -----------------------------------------------------------------------------------------------

def test_healthz_is_ok_with_a_recent_heartbeat(db):
    health.beat()
    response = Client().get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "worker", "disk"}
    assert body["checks"]["worker"]["ok"] and body["checks"]["worker"]["max_age_seconds"] == 300
    assert Client().head("/healthz").status_code == 200


def test_healthz_names_a_stale_or_missing_worker(db, settings):
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]
    Heartbeat.objects.create(name="worker", at=timezone.now() - dt.timedelta(seconds=301))
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"]["age_seconds"] >= 301


def test_healthz_names_a_full_disk(db, settings):
    health.beat()
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["disk"]


def test_healthz_names_an_unreachable_database(db, monkeypatch):
    monkeypatch.setattr(health, "_database", lambda: {"ok": False, "error": "OperationalError"})
    health.beat()
    response = Client().get("/healthz")
    assert response.status_code == 503 and "database" in response.json()["failed"]


def test_healthz_names_an_unreachable_cache(db, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "set", down)
    health.beat()
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}


def test_healthz_tells_nothing_personal(db, center):
    health.beat()
    text = Client().get("/healthz").content.decode()
    assert "某县" not in text and "张三" not in text and "boss" not in text


def test_the_worker_beats_every_minute():
    from servicehall.core import schedule

    tick = next(t for t in schedule.ticks() if t.name == "core.heartbeat")
    assert (tick.minute, tick.hour, tick.path) == ("*", "*", "servicehall.core.health.beat")


# -- the production server's access log masks personal data (SEC-3) --------------------------------------

@pytest.fixture
def kept_environ():
    """The server's config module sets defaults in os.environ (persistent connections); they must not reach the
    servers other tests start."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_gunicorn_logs_through_the_masking_filter(tmp_path, kept_environ):
    from gunicorn.config import Config

    from servicehall.gunicorn_conf import MaskingLogger

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    logger = MaskingLogger(cfg)
    logger.access_log.info('%(r)s %(s)s', {"r": "GET /progress/?id=110101199003071234&phone=13812345678",
                                          "s": "200"})
    logger.error("failed for 13812345678")
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.flush()
    access = (tmp_path / "access.log").read_text()
    error = (tmp_path / "error.log").read_text()
    assert "110101199003071234" not in access and "13812345678" not in access and "138****5678" in access
    assert "13812345678" not in error


def test_gunicorn_settings_are_bounded_and_from_the_environment(monkeypatch, kept_environ):
    import importlib

    import servicehall.gunicorn_conf as conf

    monkeypatch.setenv("SERVICEHALL_WEB_WORKERS", "3")
    monkeypatch.setenv("SERVICEHALL_WEB_THREADS", "2")
    monkeypatch.setenv("SERVICEHALL_BIND", "127.0.0.1:9000")
    conf = importlib.reload(conf)
    assert (conf.workers, conf.threads, conf.worker_class, conf.bind) == (3, 2, "gthread", ["127.0.0.1:9000"])
    assert conf.timeout > 0 and conf.max_requests > 0 and conf.control_socket_disable is True
    monkeypatch.setenv("SERVICEHALL_WEB_WORKERS", "lots")
    with pytest.raises(SystemExit, match="SERVICEHALL_WEB_WORKERS"):
        importlib.reload(conf)
    monkeypatch.setenv("SERVICEHALL_WEB_WORKERS", "2")
    importlib.reload(conf)


# -- the real client address behind the proxy, for the rate limits -----------------------------------------

def test_rate_limits_count_the_client_address_the_proxy_passed(db, center, settings):
    """Behind nginx every request comes from 127.0.0.1; with SERVICEHALL_PROXY_COUNT=1 the limits count the
    address nginx put in X-Forwarded-For, so one client's lookups do not lock out the whole hall."""
    from django.core.cache import cache

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    settings.SERVICEHALL_PROXY_COUNT = 1
    client = Client()

    def lookup(address: str) -> int:
        return client.get("/complaints/status/", {"code": "NOPE"}, REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR=address).status_code

    assert [lookup("203.0.113.7") for _ in range(10)] == [200] * 10
    assert lookup("203.0.113.7") == 429  # this client has used its lookups
    assert lookup("198.51.100.9") == 200  # another client behind the same proxy has not
    settings.SERVICEHALL_PROXY_COUNT = 0  # without a trusted proxy the connection's address counts
    assert lookup("198.51.100.10") == 200
    cache.clear()


def test_nginx_upload_limit_matches_the_apps():
    from servicehall.feedback.attachments import MAX_REQUEST_FILE_BYTES

    site = (ROOT / "deploy" / "nginx" / "servicehall.conf").read_text()
    limit = re.search(r"client_max_body_size (\d+)m;", site)
    assert limit, "the nginx site sets client_max_body_size in MB"
    body = int(limit.group(1)) * 1024 * 1024
    # Large enough that the app itself answers an upload over its limit (with a page naming it), not much more.
    assert MAX_REQUEST_FILE_BYTES < body <= MAX_REQUEST_FILE_BYTES + 2 * 1024 * 1024
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "SERVICEHALL_PROXY_COUNT=1" in ENV_EXAMPLE.read_text()
