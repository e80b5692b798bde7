"""SEC-6: 5 failed logins within 15 minutes lock the name for 30 minutes (django-axes), on the staff login
and the admin login, with a Chinese page; lockouts and failures are audited (SEC-7)."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F

from servicehall.audit.models import AuditRecord
from tests.conftest import PASSWORD

WRONG = "not-the-Password-1"


def post_login(client, password, username="zhangsan", path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def age_failures(minutes: int) -> None:
    delta = dt.timedelta(minutes=minutes)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_sec6_fifth_failure_locks_with_a_chinese_page(client, clerk):
    for _ in range(4):
        r = post_login(client, WRONG)
        assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    r = post_login(client, WRONG)
    assert r.status_code == 429
    body = r.content.decode()
    assert "账户已锁定" in body and "30" in body
    # Locked: even the right password is refused, on the staff login and the admin login.
    r = post_login(client, PASSWORD)
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    assert post_login(client, PASSWORD, path="/admin/login/").status_code == 429
    assert AuditRecord.objects.filter(action="auth.lockout", object_repr="zhangsan", address="127.0.0.1").exists()
    assert AuditRecord.objects.filter(action="auth.login_failed", actor=clerk).count() >= 5


def test_sec6_lock_ends_after_30_minutes(client, clerk):
    for _ in range(5):
        post_login(client, WRONG)
    assert post_login(client, PASSWORD).status_code == 429
    age_failures(31)
    r = post_login(client, PASSWORD)
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(clerk.pk)


def test_sec6_failures_older_than_the_window_do_not_count(client, clerk):
    for _ in range(4):
        post_login(client, WRONG)
    age_failures(16)  # those four are now outside the 15-minute window
    for _ in range(4):
        assert post_login(client, WRONG).status_code == 200
    assert post_login(client, PASSWORD).status_code == 302
    client.logout()
    assert post_login(client, WRONG).status_code == 429  # the fifth within 15 minutes


def test_sec6_the_admin_login_counts_too(client, clerk):
    for _ in range(5):
        r = post_login(client, WRONG, path="/admin/login/")
    assert r.status_code == 429 and "账户已锁定" in r.content.decode()
    assert post_login(client, PASSWORD).status_code == 429


def test_sec6_lockout_is_per_name_not_per_address(client, clerk, center):
    from servicehall.audit.services import system_actor
    from servicehall.org import services as org
    from servicehall.org.models import Staff

    org.create_account(system_actor("test"), Staff.objects.get(code="S002"), "lisi", PASSWORD)
    for _ in range(5):
        post_login(client, WRONG)
    # Someone else at the same address (a hall shares one) still logs in.
    assert post_login(client, PASSWORD, username="lisi").status_code == 302
