"""SEC-7: logins, failed logins and logouts are audited with the client's address."""

from __future__ import annotations

from servicehall.audit.models import AuditRecord
from tests.conftest import PASSWORD


def test_sec7_login_failure_and_logout_audited_with_the_address(client, clerk):
    r = client.post("/accounts/login/", {"username": "zhangsan", "password": "Wrong-pass-2026"},
                    REMOTE_ADDR="192.0.2.10")
    assert r.status_code == 200
    failed = AuditRecord.objects.get(action="auth.login_failed")
    assert (failed.actor, failed.address, failed.object_repr) == (clerk, "192.0.2.10", "zhangsan")
    assert "Wrong" not in str(failed.after) + failed.reason  # the password is never kept

    assert client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD},
                       REMOTE_ADDR="192.0.2.10").status_code == 302
    login = AuditRecord.objects.get(action="auth.login")
    assert (login.actor, login.address) == (clerk, "192.0.2.10")

    assert client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.11").status_code == 302
    logout = AuditRecord.objects.get(action="auth.logout")
    assert (logout.actor, logout.address) == (clerk, "192.0.2.11")


def test_sec7_unknown_name_audited_without_an_account(client, center):
    client.post("/accounts/login/", {"username": "nobody", "password": "x"}, REMOTE_ADDR="192.0.2.12")
    rec = AuditRecord.objects.get(action="auth.login_failed")
    assert (rec.actor, rec.actor_label, rec.address) == (None, "nobody", "192.0.2.12")


def test_sec7_writes_during_a_request_carry_its_address(client, clerk):
    client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Another-pass-2026",
                                        "new_password2": "Another-pass-2026"}, REMOTE_ADDR="198.51.100.4")
    assert AuditRecord.objects.get(action="account.password_change", address="198.51.100.4").actor == clerk


def test_sec7_forwarded_address_only_behind_a_trusted_proxy(client, clerk, settings):
    client.post("/accounts/login/", {"username": "zhangsan", "password": "bad"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AuditRecord.objects.get(action="auth.login_failed").address == "10.0.0.1"
    settings.SERVICEHALL_PROXY_COUNT = 1
    client.post("/accounts/login/", {"username": "zhangsan", "password": "bad"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AuditRecord.objects.filter(action="auth.login_failed", address="203.0.113.9").exists()
