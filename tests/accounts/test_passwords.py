"""SEC-6 passwords: 10+ characters with 3 of 4 classes, not one of the last 5, changed every 90 days,
changed at first login when someone else set it; everyone changes their own from a page."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.accounts import services as accounts
from servicehall.accounts.models import AccountState
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import Actor
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Staff
from tests.conftest import PASSWORD


def login(client, username="zhangsan", password=PASSWORD):
    r = client.post("/accounts/login/", {"username": username, "password": password})
    assert r.status_code == 302, r.content.decode()
    return client


def change(client, old, new):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("weak", ["abcdefghijkl", "abcdefgh1234", "ABCDEFGH-_*!", "Ab1-x"])
def test_sec6_complexity_refused(clerk, office_user, weak):
    with pytest.raises(RuleViolation) as exc:
        accounts.set_password(office_user, clerk, weak, by_admin=True)
    assert exc.value.problems[0].field == "password"
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_sec6_three_classes_accepted(clerk, office_user):
    accounts.set_password(office_user, clerk, "Abcdefgh1234", by_admin=True)
    clerk.refresh_from_db()
    assert clerk.check_password("Abcdefgh1234")


def test_sec6_complexity_refused_on_the_page_in_chinese(client, clerk):
    login(client)
    r = change(client, PASSWORD, "abcdefghijkl")
    assert r.status_code == 200 and "至少" in r.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_sec6_history_refuses_the_last_five(clerk):
    passwords = [f"Window-clerk-{n}x" for n in range(1, 7)]
    for p in passwords:
        accounts.set_password(clerk, clerk, p, by_admin=False)
    for recent in passwords[1:]:  # the current one and the four before it
        with pytest.raises(RuleViolation, match="最近 5|last 5"):
            accounts.set_password(clerk, clerk, recent, by_admin=False)
    accounts.set_password(clerk, clerk, passwords[0], by_admin=False)  # the sixth back may come again


def test_sec6_history_refused_on_the_page(client, clerk):
    login(client)
    assert change(client, PASSWORD, "Another-pass-2026").status_code == 302
    r = change(client, "Another-pass-2026", PASSWORD)
    assert r.status_code == 200 and "最近" in r.content.decode()


def test_sec6_own_change_is_audited_with_the_address(client, clerk):
    login(client)
    r = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Another-pass-2026",
                                            "new_password2": "Another-pass-2026"}, REMOTE_ADDR="10.0.0.7")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/done/"
    rec = AuditRecord.objects.get(action="account.password_change", address="10.0.0.7")
    assert rec.actor == clerk and rec.address == "10.0.0.7"
    assert client.get("/accounts/password/done/").status_code == 200  # still logged in


def test_sec6_first_login_change_forced(client, center, office_user):
    # The security administrator (another person) gives 李四 an account: he must choose his own password first.
    setup = Actor(user=None, label="setup", system=True)
    admin = org.save_staff(setup, center, "S901", "孔安全", "ZX", roles=["sec_admin"])
    admin_user = org.create_account(setup, admin, "kong", "Security-admin-2026")
    user = org.create_account(Actor.of(admin_user), Staff.objects.get(code="S002"), "lisi", PASSWORD)
    assert AccountState.objects.get(user=user).must_change_password
    login(client, "lisi")
    r = client.get("/manage/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/?reason=must_change"
    page = client.get(r["Location"]).content.decode()
    api = client.get("/api/v1/centers/ZX/staff")
    assert api.status_code == 403 and api.json()["detail"][0]["field"] == "__all__"
    assert "管理员" in page
    assert change(client, PASSWORD, "Lisi-own-pass-2026").status_code == 302
    assert not AccountState.objects.get(user=user).must_change_password
    assert client.get("/accounts/password/done/").status_code == 200
    assert client.get("/manage/").status_code != 302


def test_sec6_reset_by_an_administrator_is_flagged(clerk, office_user):
    accounts.set_password(office_user, clerk, "Reset-by-admin-2026", by_admin=True)
    assert AccountState.objects.get(user=clerk).must_change_password
    assert AuditRecord.objects.filter(action="account.password_reset", object_id=str(clerk.pk)).exists()


def test_sec6_expired_password_sent_to_the_change_page(client, clerk, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    AccountState.objects.filter(user=clerk).update(
        password_changed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=91))
    login(client)
    r = client.get("/manage/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/?reason=expired"
    assert "90" in client.get(r["Location"]).content.decode()
    assert change(client, PASSWORD, "Fresh-pass-2026").status_code == 302
    assert client.get("/manage/").status_code != 302


def test_sec6_change_page_linked_from_the_header(client, clerk):
    login(client)
    assert 'href="/accounts/password/"' in client.get("/accounts/password/done/").content.decode()
