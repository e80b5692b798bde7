"""SEC-6: a center may require a second factor (TOTP) of the three administrators."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicehall.org import services as org
from servicehall.org.models import Staff
from tests.conftest import PASSWORD


def auditor(actor, center):
    staff = org.save_staff(actor, center, "S950", "孙审计", "ZX", roles=["audit_admin"])
    return org.create_account(actor, staff, "shenji", PASSWORD)


def login(client):
    assert client.post("/accounts/login/", {"username": "shenji", "password": PASSWORD}).status_code == 302


def test_sec6_not_required_by_default(client, actor, center):
    auditor(actor, center)
    login(client)
    assert client.get("/manage/audit/").status_code == 200


def test_sec6_required_second_factor_asked_then_accepted(client, actor, center, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows down guessing after a wrong code; not tested here
    user = auditor(actor, center)
    out = io.StringIO()
    call_command("otp", "enrol", "shenji", stdout=out)
    assert out.getvalue().startswith("otpauth://totp/")
    login(client)
    r = client.get("/manage/audit/")
    assert r.status_code == 302 and r["Location"] == "/accounts/second-factor/"
    assert "第二重身份验证" in client.get("/accounts/second-factor/").content.decode()
    assert client.post("/accounts/second-factor/", {"token": "000000x"}).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
    assert client.post("/accounts/second-factor/", {"token": token}).status_code == 302
    assert client.get("/manage/audit/").status_code == 200


def test_sec6_second_factor_not_asked_of_a_clerk(client, actor, center, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", PASSWORD)
    assert client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD}).status_code == 302
    assert client.get("/accounts/password/").status_code == 200
