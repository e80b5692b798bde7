"""SEC-6: a session ends after 30 idle minutes and at most a working day after the login."""

from __future__ import annotations

from servicehall.accounts.middleware import LAST_SEEN, LOGIN_AT
from servicehall.audit.models import AuditRecord
from tests.conftest import PASSWORD


def login(client):
    r = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert r.status_code == 302
    return client


def shift(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_sec6_idle_session_ends(client, clerk, settings):
    login(client)
    assert client.get("/accounts/password/").status_code == 200
    shift(client, LAST_SEEN, settings.SESSION_IDLE_MINUTES * 60 + 1)
    r = client.get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.session_end", actor=clerk, reason="idle").exists()


def test_sec6_activity_keeps_the_session(client, clerk, settings):
    login(client)
    shift(client, LAST_SEEN, settings.SESSION_IDLE_MINUTES * 60 - 60)
    assert client.get("/accounts/password/").status_code == 200  # within the idle time: stamped again
    shift(client, LAST_SEEN, settings.SESSION_IDLE_MINUTES * 60 - 60)
    assert client.get("/accounts/password/").status_code == 200


def test_sec6_session_ends_after_a_working_day(client, clerk, settings):
    login(client)
    shift(client, LOGIN_AT, settings.SESSION_MAX_HOURS * 3600 + 1)
    r = client.get("/accounts/password/")
    assert r.status_code == 302 and "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.session_end", actor=clerk, reason="max_age").exists()


def test_sec6_session_settings_have_defaults(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_MAX_HOURS == 10
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
