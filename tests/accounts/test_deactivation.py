"""SEC-6: a deactivated person can no longer log in, and their sessions end."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from servicehall.accounts.services import end_sessions
from servicehall.audit.models import AuditRecord
from servicehall.org import services as org
from tests.conftest import PASSWORD


def login(client):
    return client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})


def test_sec6_deactivated_staff_logged_out_and_refused(client, clerk, actor, center):
    assert login(client).status_code == 302
    assert client.get("/accounts/password/").status_code == 200
    org.save_staff(actor, center, "S001", "张三", "RS", roles=["window"], active=False)
    r = client.get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    r = login(client)
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.login_failed", actor=clerk).exists()


def test_sec6_inactive_account_refused(client, clerk):
    get_user_model().objects.filter(pk=clerk.pk).update(is_active=False)
    assert login(client).status_code == 200 and "_auth_user_id" not in client.session


def test_sec6_end_sessions_deletes_every_session_of_the_person(client, clerk):
    from django.test import Client

    other, office = Client(), Client()
    assert office.post("/accounts/login/", {"username": "boss", "password": PASSWORD}).status_code == 302
    assert login(client).status_code == 302
    assert login(other).status_code == 302
    assert end_sessions(clerk) == 2
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(clerk.pk) not in remaining and remaining  # the office's session stays
    r = client.get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
